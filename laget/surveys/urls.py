from django.urls import path

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
]
