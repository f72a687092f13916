from django.urls import path

from kansrijk.attention import views

app_name = "attention"
urlpatterns = [
    path("attention-list/", views.lists, name="lists"),
    path("attention-list/<slug:location_code>/", views.attention_list, name="list"),
    path("attention-list/<slug:location_code>/add/", views.entry_add, name="add"),
    path("attention-list/<slug:location_code>/history/", views.history, name="history"),
    path("attention-list/entries/<int:entry_id>/need/", views.entry_need, name="entry_need"),
    path("attention-list/entries/<int:entry_id>/remove/", views.entry_remove, name="entry_remove"),
    path("cases/<int:case_id>/school-agreements/", views.agreement_new, name="agreement_new"),
    path("school-agreements/<int:agreement_id>/end/", views.agreement_end, name="agreement_end"),
]
