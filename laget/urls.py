from django.contrib import admin
from django.urls import include, path

from laget import views
from laget.api import api
from laget.core import resilience

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("laget.directory.urls")),
    path("", include("laget.plans.urls")),
    path("", include("laget.continuity.urls")),
    path("", include("laget.meetings.urls")),
    path("", include("laget.surveys.urls")),
    path("", include("laget.outcomes.urls")),
    path("", include("laget.teams.urls")),
    path("", include("laget.quality.urls")),
    path("", include("laget.notifications.urls")),
    path("", include("laget.interop.urls")),
    path("api/v1/", api.urls),
    # Before allauth's: Laget's OpenID Connect login and callback (laget.accounts.oidc).
    path("accounts/oidc/", include("laget.accounts.oidc_urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # For a load balancer: the process lives / the database answers and is migrated.
    path("healthz", resilience.healthz, name="healthz"),
    path("readyz", resilience.readyz, name="readyz"),
]

# Database trouble anywhere becomes a calm 503 with Retry-After (core.resilience).
handler500 = resilience.server_error
