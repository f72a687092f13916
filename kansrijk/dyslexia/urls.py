from django.urls import path

from kansrijk.dyslexia import views

app_name = "dyslexia"

urlpatterns = [
    path("", views.files, name="files"),
    path("nieuw/", views.file_new, name="file_new"),
    path("<int:file_id>/", views.file_detail, name="file_detail"),
    path("<int:file_id>/uitsluiting/", views.exclusion, name="exclusion"),
    path("<int:file_id>/meting/", views.measurement_add, name="measurement_add"),
    path("<int:file_id>/begeleiding/", views.support_add, name="support_add"),
    path("<int:file_id>/toestemming/", views.consent, name="consent"),
    path("<int:file_id>/antwoord/", views.answer, name="answer"),
    path("<int:file_id>/indienen/", views.submit, name="submit"),
    path("<int:file_id>/intrekken/", views.withdraw, name="withdraw"),
    path("poortwachter/", views.work_list, name="work_list"),
    path("<int:file_id>/vraag/", views.ask, name="ask"),
    path("<int:file_id>/compleet/", views.review, name="review"),
    path("<int:file_id>/besluit/", views.decide, name="decide"),
    path("verwijzingen/", views.referrals, name="referrals"),
    path("beschikkingen/", views.decisions, name="decisions"),
    path("beschikkingen.csv", views.decisions_csv, name="decisions_csv"),
    path("beschikkingen/<int:file_id>/afgegeven/", views.decision_issue, name="decision_issue"),
]
