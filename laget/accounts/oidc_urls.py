"""ID-porten and HelseID login: the start and the provider's return (laget.accounts.oidc).

They shadow allauth's own OpenID Connect routes, which would skip Laget's checks."""

from django.urls import path

from laget.accounts import oidc

urlpatterns = [
    path("<str:provider_id>/login/", oidc.login, name="oidc_login"),
    path("<str:provider_id>/login/callback/", oidc.callback, name="oidc_callback"),
]
