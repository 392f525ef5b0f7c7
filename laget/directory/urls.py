from django.urls import path

from laget.directory import views

app_name = "directory"

urlpatterns = [
    path("tjenester/", views.catalogue, name="catalogue"),
    path("tjenester/<slug:slug>/", views.service_detail, name="service"),
    path("tjenester/<slug:slug>/rediger/", views.service_edit, name="service_edit"),
    path("nettverk/", views.network_list, name="networks"),
    path("nettverk/<slug:slug>/hvem-er-hvem/", views.whos_who, name="whos_who"),
    path("nettverk/<slug:slug>/kommunedeler/", views.districts, name="districts"),
    path(
        "nettverk/<slug:slug>/kommunedeler/<int:district_id>/",
        views.district_rename,
        name="district_rename",
    ),
]
