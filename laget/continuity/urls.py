from django.urls import path

from laget.continuity import views

app_name = "continuity"

urlpatterns = [
    path("planer/<int:plan_id>/tidslinje/", views.timeline, name="timeline"),
    path("planer/<int:plan_id>/episoder/", views.episode_start, name="episode_start"),
    path(
        "planer/<int:plan_id>/episoder/<int:episode_id>/slutt/",
        views.episode_end,
        name="episode_end",
    ),
    path(
        "planer/<int:plan_id>/episoder/<int:episode_id>/overfor/",
        views.handoff_request,
        name="handoff_request",
    ),
    path(
        "planer/<int:plan_id>/utfordringsbilde/",
        views.challenge_picture,
        name="challenge_picture",
    ),
    path("dashbord/", views.dashboard, name="dashboard"),
    path("nettverk/<slug:slug>/samhandling/", views.network_figures, name="network"),
    path("overforinger/", views.incoming, name="incoming"),
    path("overforinger/<int:handoff_id>/godta/", views.handoff_accept, name="handoff_accept"),
    path("overforinger/<int:handoff_id>/avslaa/", views.handoff_decline, name="handoff_decline"),
]
