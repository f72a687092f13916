from django.urls import path

from kansrijk.standins import views

app_name = "standins"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:absence_id>/", views.stand_in_set, name="stand_in_set"),
]
