from django.urls import path

from kansrijk.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.my_work, name="my_work"),
]
