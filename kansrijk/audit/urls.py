from django.urls import path

from kansrijk.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.officer, name="officer"),
]
