from django.urls import path

from laget.quality import views

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
]
