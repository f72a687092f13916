from django.urls import path

from kansrijk.early_years import views

app_name = "early_years"

urlpatterns = [
    path("", views.handovers, name="handovers"),
    path("new/", views.handover_new, name="handover_new"),
    path("<int:handover_id>/", views.handover_detail, name="handover_detail"),
    path("<int:handover_id>/consent/", views.handover_consent, name="handover_consent"),
    path("<int:handover_id>/plan/", views.handover_plan, name="handover_plan"),
    path("<int:handover_id>/result/", views.handover_result, name="handover_result"),
    path("<int:handover_id>/follow-up/", views.handover_follow_up, name="handover_follow_up"),
]
