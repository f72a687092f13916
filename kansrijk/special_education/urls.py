from django.urls import path

from kansrijk.special_education import views

app_name = "special_education"

urlpatterns = [
    path("", views.arrangements, name="arrangements"),
    path("new/", views.arrangement_new, name="arrangement_new"),
    path("<int:arrangement_id>/", views.arrangement_detail, name="arrangement_detail"),
    path("<int:arrangement_id>/edit/", views.arrangement_edit, name="arrangement_edit"),
    path("<int:arrangement_id>/consent/", views.arrangement_consent, name="arrangement_consent"),
    path("<int:arrangement_id>/start/", views.arrangement_activate, name="arrangement_activate"),
    path("<int:arrangement_id>/entry/", views.arrangement_entry, name="arrangement_entry"),
    path("<int:arrangement_id>/renew/", views.arrangement_renew, name="arrangement_renew"),
    path("<int:arrangement_id>/end/", views.arrangement_end, name="arrangement_end"),
    path("case/<int:case_id>/handover/", views.case_handover, name="case_handover"),
]
