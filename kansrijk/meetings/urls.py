from django.urls import path

from kansrijk.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.index, name="index"),
    path("series/new/", views.series_new, name="series_new"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/agenda/", views.agenda_build, name="agenda_build"),
    path("<int:pk>/items/", views.item_add, name="item_add"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/start/", views.meeting_start, name="start"),
    path("<int:pk>/next/", views.item_next, name="next"),
    path("<int:pk>/finish/", views.meeting_finish, name="finish"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/minutes.pdf", views.minutes_download, name="minutes_pdf"),
    path("items/<int:pk>/move/", views.item_move, name="item_move"),
    path("items/<int:pk>/start/", views.item_start, name="item_start"),
    path("items/<int:pk>/place/", views.item_place, name="item_place"),
    path("items/<int:pk>/decide/", views.item_decide, name="item_decide"),
    path("actions/", views.my_actions, name="my_actions"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/new/", views.calendar_create, name="calendar_create"),
    path("calendar/<int:pk>/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
