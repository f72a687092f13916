from django.urls import path

from kansrijk.safety import views

app_name = "safety"
urlpatterns = [
    path("cases/<int:case_id>/meldcode/", views.meldcode, name="meldcode"),
    path("cases/<int:case_id>/meldcode/start/", views.meldcode_start, name="meldcode_start"),
    path(
        "cases/<int:case_id>/meldcode/steps/<int:number>/",
        views.meldcode_step,
        name="meldcode_step",
    ),
    path("cases/<int:case_id>/meldcode/report/", views.meldcode_report, name="meldcode_report"),
    path(
        "cases/<int:case_id>/community-officer/", views.community_officer, name="community_officer"
    ),
    path("contact-attempts/new/", views.contact_attempt_new, name="contact_attempt_new"),
    path("non-responding/", views.non_responding, name="non_responding"),
    path(
        "non-responding/<int:flag_id>/resolve/",
        views.non_response_resolve,
        name="non_response_resolve",
    ),
    path(
        "non-responding/<int:flag_id>/follow-up/",
        views.non_response_follow_up,
        name="non_response_follow_up",
    ),
    path("district-team-questions/", views.district_team_questions, name="district_team_questions"),
    path(
        "district-team-questions/<int:flag_id>/answer/",
        views.district_team_answer,
        name="district_team_answer",
    ),
    path("vulnerable-families/", views.vulnerable_families, name="vulnerable_families"),
    path(
        "vulnerable-families/<int:entry_id>/approach/",
        views.vulnerable_family_plan,
        name="vulnerable_family_plan",
    ),
    path(
        "vulnerable-families/<int:entry_id>/close/",
        views.vulnerable_family_close,
        name="vulnerable_family_close",
    ),
    path("emergency/", views.emergency, name="emergency"),
    path("emergency/grant/", views.emergency_grant, name="emergency_grant"),
    path("emergency/review/", views.emergency_review, name="emergency_review"),
    path(
        "emergency/review/<int:grant_id>/",
        views.emergency_review_decide,
        name="emergency_review_decide",
    ),
]
