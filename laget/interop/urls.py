from django.urls import include, path

from . import views

app_name = "interop"

urlpatterns = [
    path("", include("laget.interop.export_urls")),
    path("fhir/R4/metadata", views.metadata, name="metadata"),
    path(
        "fhir/R4/Organization/<int:organisation_id>/$export",
        views.export_kickoff,
        name="export_kickoff",
    ),
    path("fhir/R4/$export-status/<int:job_id>", views.export_status, name="export_status"),
    path(
        "fhir/R4/$export-file/<int:job_id>/<str:resource_type>.ndjson",
        views.export_file,
        name="export_file",
    ),
    path("fhir/R4/<str:resource_type>", views.search, name="search"),
    path("fhir/R4/<str:resource_type>/<int:resource_id>", views.read, name="read"),
]
