from django.urls import path

from kansrijk.homework import views

app_name = "homework"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:support_id>/", views.detail, name="detail"),
]
