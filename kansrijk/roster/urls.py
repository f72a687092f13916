from django.urls import path

from kansrijk.roster import views

app_name = "roster"
urlpatterns = [
    path("", views.index, name="index"),
    path("plan/", views.plan, name="plan"),
    path("plan/run/", views.plan_run, name="plan_run"),
    path("plan/publish/", views.publish, name="publish"),
    path("absence/", views.absence, name="absence"),
    path("shifts/<int:pk>/swap/", views.swap_new, name="swap_new"),
    path("swaps/<int:pk>/decide/", views.swap_decide, name="swap_decide"),
    path("activities/", views.activities, name="activities"),
    path("activities/<int:pk>/<slug:code>/", views.activity, name="activity"),
    path("activities/<int:pk>/<slug:code>/attendance/", views.attendance, name="attendance"),
    path("sign-ups/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("centre/<slug:code>/", views.centre_week, name="centre_week"),
    path("centre/<slug:code>/today/", views.today, name="today"),
    path("person/<int:pk>/", views.person_week, name="person_week"),
    path("feeds/", views.feed_create, name="feed_create"),
    path("feeds/<int:pk>/revoke/", views.feed_revoke, name="feed_revoke"),
    path("consent/", views.public_name, name="public_name"),
    path("public/<slug:code>/", views.public_centre, name="public_centre"),
    path("public/<slug:code>/feed.ics", views.centre_feed, name="centre_feed"),
    path("public/<slug:code>/book/<slug:rule>/<str:day>/<str:part>/", views.book, name="book"),
    path("public/booking/<str:token>/", views.booking, name="booking"),
    path("public/booking/<str:token>.ics", views.booking_ics, name="booking_ics"),
    path("bookings/", views.bookings, name="bookings"),
    path("feed/<str:token>.ics", views.person_feed, name="person_feed"),
]
