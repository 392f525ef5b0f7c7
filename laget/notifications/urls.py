from django.urls import path

from laget.notifications import views

app_name = "notifications"

urlpatterns = [
    path("varsler/", views.notification_list, name="list"),
    path("varsler/lest/", views.mark_read, name="read"),
    path("varsler/<int:notification_id>/", views.notification_open, name="open"),
    path("varsler/valg/", views.preferences, name="preferences"),
    path("planer/<int:plan_id>/ring-meg/", views.call_me, name="call_me"),
]
