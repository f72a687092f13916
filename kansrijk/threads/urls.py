from django.urls import path

from kansrijk.threads import views

app_name = "threads"
urlpatterns = [
    path("cases/<int:case_id>/thread/", views.case_thread, name="case_thread"),
    path("cases/<int:case_id>/thread/messages/", views.message_add, name="message_add"),
]
