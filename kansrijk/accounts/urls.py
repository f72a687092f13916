from django.urls import path

from kansrijk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.security, name="security"),
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("invitation/<str:token>/again/", views.invitation_ask_again, name="invitation_ask_again"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
]
