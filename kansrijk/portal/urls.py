from django.urls import path

from kansrijk.portal import views

app_name = "portal"
urlpatterns = [
    path("portaal/", views.start, name="start"),
    path("portaal/inloggen/", views.login, name="login"),
    path("portaal/inloggen/terug/", views.callback, name="callback"),
    path("portaal/uitloggen/", views.logout, name="logout"),
    path("portaal/overzicht/", views.home, name="home"),
    path("portaal/plan/", views.plan, name="plan"),
    path("portaal/plan/<int:plan_id>/ons-deel/", views.plan_section, name="plan_section"),
    path("portaal/plan/<int:plan_id>/antwoord/", views.plan_respond, name="plan_respond"),
    path("portaal/contactpersoon/", views.contact, name="contact"),
    path("portaal/toestemming/", views.consents, name="consents"),
    path("portaal/toestemming/antwoord/", views.consent_answer, name="consent_answer"),
    path("portaal/berichten/", views.messages_page, name="messages"),
    path("portaal/berichten/nieuw/", views.message_send, name="message_send"),
    path("portaal/inzage/", views.inzage, name="inzage"),
    path("portaal/inzage/aanvragen/", views.inzage_request, name="inzage_request"),
    path("portaal/inzage/download/", views.inzage_download, name="inzage_download"),
    path("portaal/inzage/correctie/", views.correction_send, name="correction_send"),
    path("portaal/ervaring/", views.experience, name="experience"),
    path("portaal/ervaring/versturen/", views.experience_send, name="experience_send"),
    path("cjg/<slug:district>/", views.first_door, name="first_door"),
    path("cjg/<slug:district>/vraag/", views.first_door_question, name="first_door_question"),
    path("cases/<int:case_id>/family-messages/", views.case_reply, name="case_reply"),
    path("first-door/questions/", views.questions, name="questions"),
]
