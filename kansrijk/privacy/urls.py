from django.urls import path

from kansrijk.privacy import views

app_name = "privacy"
urlpatterns = [
    path("family/<int:family_id>/", views.inzage, name="inzage_family"),
    path("family/<int:family_id>/json", views.inzage_json, name="inzage_family_json"),
    path("family/<int:family_id>/pdf", views.inzage_pdf, name="inzage_family_pdf"),
    path("child/<int:child_id>/", views.inzage, name="inzage_child"),
    path("child/<int:child_id>/json", views.inzage_json, name="inzage_child_json"),
    path("child/<int:child_id>/pdf", views.inzage_pdf, name="inzage_child_pdf"),
    path("file/<int:file_id>/", views.inzage_file, name="inzage_file"),
]
