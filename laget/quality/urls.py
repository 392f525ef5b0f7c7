from django.urls import path

from laget.quality import learning_views, views

app_name = "quality"

urlpatterns = [
    path("kvalitet/definisjoner/", views.definitions, name="definitions"),
    path("nettverk/<slug:slug>/kvalitet/", views.overview, name="overview"),
    path("nettverk/<slug:slug>/kvalitet/rapport/", views.report, name="report"),
    path("nettverk/<slug:slug>/kvalitet/eksport.csv", views.export_csv, name="export_csv"),
    path("nettverk/<slug:slug>/kvalitet/eksport.xlsx", views.export_xlsx, name="export_xlsx"),
    path("nettverk/<slug:slug>/kvalitet/<slug:indicator_id>/", views.indicator, name="indicator"),
    path("nettverk/<slug:slug>/laeringsnettverk/", views.cohorts, name="cohorts"),
    path("laeringsnettverk/<int:cohort_id>/", views.cohort, name="cohort"),
    path(
        "laeringsnettverk/<int:cohort_id>/deltakere/",
        views.cohort_participants,
        name="cohort_participants",
    ),
    path("laeringsnettverk/<int:cohort_id>/grupper/", views.cohort_mix, name="cohort_mix"),
    path(
        "laeringsnettverk/<int:cohort_id>/samlinger/", views.cohort_session, name="cohort_session"
    ),
    # Between the sessions (learning_views): case assignments, ties, the evaluation.
    path("laeringsnettverk/", learning_views.my_cohorts, name="my_cohorts"),
    path("laeringsnettverk/gruppe/<int:group_id>/", learning_views.group, name="group"),
    path(
        "laeringsnettverk/gruppe/<int:group_id>/oppgaver/",
        learning_views.assignment_create,
        name="assignment_create",
    ),
    path(
        "laeringsnettverk/oppgave/<int:assignment_id>/",
        learning_views.assignment_edit,
        name="assignment_edit",
    ),
    path(
        "laeringsnettverk/oppgave/<int:assignment_id>/svar/",
        learning_views.assignment_report,
        name="assignment_report",
    ),
    path("laeringsnettverk/<int:cohort_id>/meg/", learning_views.my_part, name="my_part"),
    path("laeringsnettverk/<int:cohort_id>/meg/kjenner/", learning_views.my_ties, name="my_ties"),
    path(
        "laeringsnettverk/<int:cohort_id>/evaluering/",
        learning_views.evaluation,
        name="evaluation",
    ),
    path(
        "laeringsnettverk/<int:cohort_id>/evaluering/resultat/",
        learning_views.evaluation_results,
        name="evaluation_results",
    ),
    path("laeringsnettverk/<int:cohort_id>/nettverkskart/", learning_views.graph, name="graph"),
]
