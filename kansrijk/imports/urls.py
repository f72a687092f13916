from django.urls import path

from kansrijk.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("pupils/<slug:location_code>/", views.pupils, name="pupils"),
    path("pupils/preview/<uuid:batch_id>/", views.pupil_preview, name="pupil_preview"),
    path("pupils/preview/<uuid:batch_id>/confirm", views.pupil_confirm, name="pupil_confirm"),
    path("staff/", views.staff, name="staff"),
    path("staff/preview/<uuid:batch_id>/", views.staff_preview, name="staff_preview"),
    path("staff/preview/<uuid:batch_id>/confirm", views.staff_confirm, name="staff_confirm"),
]
