"""Login with ID-porten (persons) and HelseID (health personnel) over OpenID Connect.

Built on django-allauth's OpenID Connect provider, tightened where Laget needs more than
allauth does by default:

- authorization code flow with PKCE (S256), `state` (allauth) and a `nonce` we generate,
  stash with the state and compare with the ID token's;
- the ID token's signature is always verified against the provider's JWKS (allauth skips
  it when the token came straight from the token endpoint);
- `private_key_jwt` client authentication where the provider asks for it (HelseID);
- ID-porten's level of assurance must be `idporten-loa-substantial` or `-high`;
- the `pid` claim is matched to a registered person, the HPR number claim to a professional
  in the directory. Nobody is created by logging in: an unknown person gets a plain page
  that says whom to contact;
- HelseID's own MFA counts as the second factor, so no TOTP prompt follows it.

The providers are configured from the environment (settings.SOCIALACCOUNT_PROVIDERS).
"""

from __future__ import annotations

import hmac
import secrets
import time
import uuid
from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter, get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.oauth2.client import OAuth2Client, OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from laget.accounts.middleware import EXTERNAL_MFA_SESSION_KEY

HPR_CLAIM = "helseid://claims/hpr/hpr_number"
ACCEPTED_LOA = frozenset({"idporten-loa-substantial", "idporten-loa-high"})
# Set on the request once the ID token's signature, issuer, audience and expiry are checked.
VERIFIED = "_laget_oidc_verified"


class Role:
    PERSON = "person"
    PROFESSIONAL = "professional"


def _app_setting(app: SocialApp, key: str, default: Any = None) -> Any:
    return (app.settings or {}).get(key, default)


class PrivateKeyJwtClient(OAuth2Client):
    """Client authentication by a JWT signed with the client's own key (RFC 7523), as
    HelseID requires: no shared secret travels."""

    private_key: str = ""
    key_id: str = ""

    def client_assertion(self) -> str:
        from allauth.core.internal.deferred import jwt

        now = int(time.time())
        claims = {
            "iss": self.consumer_key,
            "sub": self.consumer_key,
            "aud": self.access_token_url,
            "jti": uuid.uuid4().hex,
            "iat": now,
            "nbf": now,
            "exp": now + 60,
        }
        headers = {"kid": self.key_id} if self.key_id else None
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers=headers)

    def get_access_token(
        self, code: str, pkce_code_verifier: str | None = None, extra_data: Any = None
    ) -> dict[str, Any]:
        data = {
            "redirect_uri": self.callback_url,
            "grant_type": "authorization_code",
            "code": code,
            "client_id": self.consumer_key,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": self.client_assertion(),
        }
        if pkce_code_verifier:
            data["code_verifier"] = pkce_code_verifier
        with get_adapter().get_requests_session() as session:
            response = session.post(self.access_token_url, data=data, headers=self.headers)
        token = response.json() if response.status_code == 200 else None
        if not token or "access_token" not in token:
            raise OAuth2Error(f"Error retrieving access token: {response.status_code}")
        return dict(token)


class LagetOIDCAdapter(OpenIDConnectOAuth2Adapter):
    def get_callback_url(self, request: HttpRequest, app: SocialApp) -> str:
        url = reverse("oidc_callback", kwargs={"provider_id": self.provider_id})
        return str(build_absolute_uri(request, url, self.redirect_uri_protocol))

    def get_client(self, request: HttpRequest, app: SocialApp) -> OAuth2Client:
        if _app_setting(app, "token_auth_method") != "private_key_jwt":
            return super().get_client(request, app)
        client = PrivateKeyJwtClient(
            self.request,
            app.client_id,
            "",
            self.access_token_method,
            self.access_token_url,
            self.get_callback_url(request, app),
            scope_delimiter=self.scope_delimiter,
            headers=self.headers,
        )
        client.private_key = _app_setting(app, "private_key", "")
        client.key_id = _app_setting(app, "key_id", "")
        return client

    def complete_login(self, request: HttpRequest, app: SocialApp, token: Any, **kwargs: Any):
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise OAuth2Error("The provider sent no ID token.")
        # Always against the provider's published keys, whatever channel brought the token.
        claims = jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )
        setattr(request, VERIFIED, True)
        return self.get_provider().sociallogin_from_response(request, {"id_token": claims})


class LagetOIDCProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider with a nonce, our adapter and fixed parameters."""

    oauth2_adapter_class = LagetOIDCAdapter
    pkce_enabled_default = True
    # allauth includes this package's URLs; ours (oidc_urls) come first and shadow them.
    package = "allauth.socialaccount.providers.openid_connect"

    def get_login_url(self, request: HttpRequest, **kwargs: Any) -> str:
        return reverse("oidc_login", kwargs={"provider_id": self.app.provider_id})

    def get_pkce_params(self) -> dict:
        from allauth.socialaccount.providers.oauth2.utils import generate_code_challenge

        return dict(generate_code_challenge())  # always: PKCE is not optional here

    # The level of assurance and the scopes come from the settings only, never from the
    # query string (allauth would let `?auth_params=` lower acr_values).
    def get_auth_params_from_request(self, request: HttpRequest, action: Any) -> dict:
        return self.get_auth_params()

    def get_scope_from_request(self, request: HttpRequest) -> list:
        return self.get_scope()

    def redirect(
        self,
        request: HttpRequest,
        process: Any,
        next_url: str | None = None,
        data: Any = None,
        **kwargs: Any,
    ) -> HttpResponse:
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params["nonce"] = nonce
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )


def refused(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "accounts/oidc_refused.html", {"reason": reason}, status=403)


def unknown(request: HttpRequest, role: str) -> HttpResponse:
    return render(request, "accounts/oidc_unknown.html", {"role": role}, status=403)


def _find_user(role: str, claims: dict[str, Any]) -> Any:
    # Imported here: accounts sits below the domain apps; only this login step looks up.
    if role == Role.PERSON:
        from laget.plans.models import Person

        pid = str(claims.get("pid") or "")
        person = (
            Person.objects.select_related("user").filter(national_id=pid).first() if pid else None
        )
        user = person.user if person else None
    else:
        from laget.directory.models import Professional

        hpr = str(claims.get(HPR_CLAIM) or "")
        professional = (
            Professional.objects.select_related("user").filter(hpr_number=hpr).first()
            if hpr
            else None
        )
        user = professional.user if professional else None
    return user if user is not None and user.is_active else None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False  # nobody is created by logging in

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        # A tampered token, a reused code, a lost state: one plain page, no details.
        raise ImmediateHttpResponse(
            refused(request, _("The login could not be completed. Start again from Laget."))
        )

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        app = sociallogin.provider.app
        role = _app_setting(app, "laget_role")
        claims = sociallogin.account.extra_data.get("id_token") or {}
        if not getattr(request, VERIFIED, False) or role not in (Role.PERSON, Role.PROFESSIONAL):
            raise ImmediateHttpResponse(
                refused(request, _("The login could not be completed. Start again from Laget."))
            )
        expected = str(sociallogin.state.get("nonce") or "")
        if not expected or not hmac.compare_digest(expected, str(claims.get("nonce") or "")):
            raise ImmediateHttpResponse(
                refused(request, _("The login could not be completed. Start again from Laget."))
            )
        if role == Role.PERSON and claims.get("acr") not in ACCEPTED_LOA:
            raise ImmediateHttpResponse(
                refused(
                    request,
                    _(
                        "This login is not secure enough for health information. Log in "
                        "with BankID, Buypass or Commfides."
                    ),
                )
            )
        user = _find_user(role, claims)
        if user is None:
            raise ImmediateHttpResponse(unknown(request, role))
        if sociallogin.is_existing:
            if sociallogin.user.pk != user.pk:
                # The directory decides who this is, not an old link.
                sociallogin.account.user = user
                sociallogin.account.save(update_fields=["user"])
                sociallogin.user = user
        else:
            sociallogin.connect(request, user)


def counts_as_mfa(sociallogin: SocialLogin | None) -> bool:
    if sociallogin is None:
        return False
    return bool(_app_setting(sociallogin.provider.app, "counts_as_mfa", False))


class LagetAuthenticateStage(AuthenticateStage):
    """allauth's TOTP step, skipped after a login whose provider did MFA itself."""

    def handle(self) -> tuple:
        if counts_as_mfa((self.login.signal_kwargs or {}).get("sociallogin")):
            return None, True
        return super().handle()


def mark_external_mfa(sender: object, request: HttpRequest, user: object, **kwargs: Any) -> None:
    """allauth's user_logged_in receiver: remember that this session's second factor was
    the provider's (accounts.middleware.RequireMfaMiddleware lets it through)."""
    if counts_as_mfa(kwargs.get("sociallogin")):
        request.session[EXTERNAL_MFA_SESSION_KEY] = kwargs["sociallogin"].provider.app.provider_id


def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    from allauth.socialaccount.providers.openid_connect.views import login as allauth_login

    return allauth_login(request, provider_id)


def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        view = OAuth2CallbackView.adapter_view(LagetOIDCAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
