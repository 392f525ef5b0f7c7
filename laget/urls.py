from django.contrib import admin
from django.urls import include, path

from laget import views
from laget.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("laget.directory.urls")),
    path("", include("laget.plans.urls")),
    path("", include("laget.continuity.urls")),
    path("", include("laget.meetings.urls")),
    path("", include("laget.surveys.urls")),
    path("", include("laget.notifications.urls")),
    path("api/v1/", api.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
