from django.urls import path

from kansrijk.consent import views

app_name = "consent"
urlpatterns = [
    path("cases/<int:case_id>/", views.register, name="register"),
    path("legal-grounds/", views.legal_grounds, name="legal_grounds"),
]
