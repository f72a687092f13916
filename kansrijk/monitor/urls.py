from django.urls import path

from kansrijk.monitor import views

app_name = "monitor"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("definitions/", views.definitions, name="definitions"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("report.pdf", views.quarter_report, name="quarter_report"),
    path("comments/", views.comments, name="comments"),
    path("experience/", views.experience_list, name="experience_list"),
    path("experience/<int:case_id>/", views.experience_new, name="experience_new"),
]
