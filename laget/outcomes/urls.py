from django.urls import path

from laget.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("planer/<int:plan_id>/vurderinger/", views.chart, name="chart"),
    path("planer/<int:plan_id>/vurderinger/lenke/", views.link_create, name="link_create"),
    path("planer/<int:plan_id>/vurderinger/<str:instrument>/", views.rate, name="rate"),
    path("grupper/", views.group_list, name="group_list"),
    path("grupper/ny/", views.group_new, name="group_new"),
    path("grupper/<int:group_id>/", views.group, name="group"),
    path("vurder/<str:token>/", views.rate_by_link, name="rate_by_link"),
    path("tjenester/<slug:slug>/resultater/", views.report, name="report"),
    path("tjenester/<slug:slug>/resultater.csv", views.report_csv, name="report_csv"),
    path("tjenester/<slug:slug>/resultater.xlsx", views.report_xlsx, name="report_xlsx"),
]
