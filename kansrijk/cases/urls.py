from django.urls import path

from kansrijk.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("signals/new/", views.signal_new, name="signal_new"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/journal/", views.case_journal, name="case_journal"),
    path("cases/<int:case_id>/family/", views.case_family, name="case_family"),
    path("cases/<int:case_id>/network/", views.case_network, name="case_network"),
    path("cases/<int:case_id>/steps/<slug:name>/", views.case_transition, name="case_transition"),
    path("cases/<int:case_id>/notes/", views.note_add, name="note_add"),
    path("cases/<int:case_id>/contacts/", views.family_contact_add, name="family_contact_add"),
    path("cases/<int:case_id>/plan/", views.plan_new, name="plan_new"),
    path("actions/<int:action_id>/done/", views.plan_action_done, name="plan_action_done"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/<int:referral_id>/answer/", views.referral_answer, name="referral_answer"),
]
