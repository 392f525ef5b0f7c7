from django.urls import path

from laget.meetings import council_views, views

app_name = "meetings"

urlpatterns = [
    path("moter/", views.meeting_list, name="list"),
    path("moter/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("moter/<int:meeting_id>/kalender.ics", views.meeting_ics, name="ics"),
    path("moter/<int:meeting_id>/flytt/", views.reschedule, name="reschedule"),
    path("moter/<int:meeting_id>/avlys/", views.cancel, name="cancel"),
    path("moter/<int:meeting_id>/inviter/", views.invite, name="invite"),
    path("moter/<int:meeting_id>/oppmote/", views.attendance, name="attendance"),
    path("moter/<int:meeting_id>/dagsorden/", views.agenda_add, name="agenda_add"),
    path("moter/<int:meeting_id>/saker/", views.case_add, name="case_add"),
    path("moter/saker/<int:case_id>/endre/", views.case_edit, name="case_edit"),
    path("moter/saker/<int:case_id>/slett/", views.case_delete, name="case_delete"),
    path("moter/<int:meeting_id>/ikke-holdt/", views.not_held, name="not_held"),
    path("moter/<int:meeting_id>/vedtak/", views.decision_add, name="decision_add"),
    path("moter/<int:meeting_id>/referat/", views.minutes_save, name="minutes_save"),
    path("moter/<int:meeting_id>/referat/godkjenn/", views.minutes_approve, name="minutes_approve"),
    path("moter/<int:meeting_id>/kommentarer/", views.comment_add, name="comment_add"),
    path("moter/<int:meeting_id>/evaluering/", views.evaluate, name="evaluate"),
    path("moter/tiltak/<int:decision_id>/utfort/", views.action_done, name="action_done"),
    path("planer/<int:plan_id>/moter/", views.plan_meetings, name="plan_meetings"),
    path("moter/fora/<int:forum_id>/", views.forum_detail, name="forum"),
    path("moter/fora/<int:forum_id>/nytt/", views.forum_schedule, name="forum_schedule"),
    path("moter/nettverk/<slug:slug>/nytt-forum/", views.forum_create, name="forum_create"),
    path("moter/nettverk/<slug:slug>/nytt-mote/", views.generic_create, name="generic_create"),
    # The network's user council (brukerråd): a forum of its own kind.
    path("moter/nettverk/<slug:slug>/brukerrad/", council_views.councils, name="councils"),
    path("moter/brukerrad/<int:council_id>/", council_views.council_detail, name="council"),
    path(
        "moter/brukerrad/<int:council_id>/medlemmer/",
        council_views.member_add,
        name="council_member_add",
    ),
    path(
        "moter/brukerrad/medlemmer/<int:member_id>/slutt/",
        council_views.member_leave,
        name="council_member_leave",
    ),
    path("moter/kalender/", views.calendar_settings, name="calendar"),
    path("kalender/<str:token>.ics", views.feed, name="feed"),
    path("moter/dagsordener/", views.agenda_templates, name="templates"),
    path("moter/dagsordener/<int:template_id>/", views.agenda_template_edit, name="template_edit"),
]
