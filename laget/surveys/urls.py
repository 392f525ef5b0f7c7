from django.urls import path

from laget.surveys import service_survey_views as user_views
from laget.surveys import views

app_name = "surveys"

urlpatterns = [
    path("samhandlingsmaling/", views.round_list, name="rounds"),
    path("samhandlingsmaling/nettverk/<slug:slug>/ny/", views.round_create, name="round_create"),
    path("samhandlingsmaling/<int:round_id>/", views.round_detail, name="round"),
    path(
        "samhandlingsmaling/<int:round_id>/innstillinger/",
        views.round_settings,
        name="round_settings",
    ),
    path("samhandlingsmaling/<int:round_id>/inviter/", views.invite, name="invite"),
    path("samhandlingsmaling/<int:round_id>/import/", views.import_answers, name="import"),
    path("samhandlingsmaling/<int:round_id>/resultater/", views.results, name="results"),
    path("samhandlingsmaling/<int:round_id>/fremdrift/", views.progress, name="progress"),
    path("samhandlingsmaling/<int:round_id>/rapport/", views.report, name="report"),
    path("samhandlingsmaling/<int:round_id>/eksport.csv", views.export_csv, name="export_csv"),
    path("samhandlingsmaling/<int:round_id>/eksport.xlsx", views.export_xlsx, name="export_xlsx"),
    path("samhandlingsmaling/<int:round_id>/tiltak/", views.action_add, name="action_add"),
    path("svar/<str:token>/", views.answer, name="answer"),
    # The user survey of the services (brukerundersøkelse).
    path("brukerundersokelse/", user_views.user_rounds, name="user_rounds"),
    path(
        "brukerundersokelse/nettverk/<slug:slug>/ny/",
        user_views.user_round_create,
        name="user_round_create",
    ),
    path("brukerundersokelse/<int:round_id>/", user_views.user_round, name="user_round"),
    path("brukerundersokelse/<int:round_id>/inviter/", user_views.user_invite, name="user_invite"),
    path(
        "brukerundersokelse/<int:round_id>/resultater/",
        user_views.user_results,
        name="user_results",
    ),
    path(
        "brukerundersokelse/svar/<int:invitation_id>/",
        user_views.user_answer,
        name="user_answer",
    ),
]
