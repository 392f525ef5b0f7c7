"""ID-porten and HelseID login against a real OpenID provider on loopback (oidc-provider).

Nothing is mocked: Laget fetches the provider's configuration and keys, exchanges the code at
its token endpoint (client secret for ID-porten, private_key_jwt for HelseID) and verifies
the ID token. The user's side of the dance (the provider's login form) is driven by plain
HTTP here; test_oidc_browser.py does the same in Chromium.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from laget.accounts import oidc as oidc_views
from laget.accounts.middleware import EXTERNAL_MFA_SESSION_KEY
from laget.accounts.models import User
from laget.accounts.tests.oidc_peer import DOCTOR_HPR, KARI_PID
from laget.accounts.totp import ensure_totp
from laget.conftest import TEST_TOTP_SECRET
from laget.directory.tests.factories import ProfessionalFactory, UserFactory
from laget.plans.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("oidc-peer")]


@pytest.fixture
def kari(db) -> User:
    user = UserFactory(kind=User.Kind.PERSON, first_name="Kari", last_name="Testperson")
    Person.objects.create(
        user=user,
        first_name="Kari",
        last_name="Testperson",
        birth_date=dt.date(1988, 3, 14),
        national_id=KARI_PID,
    )
    return user


@pytest.fixture
def doctor(db) -> User:
    return ProfessionalFactory(hpr_number=DOCTOR_HPR).user


def through_provider(peer, authorize_url: str, login: str) -> str:
    """The person at the provider: open the login page, type the test user, submit.
    Returns the URL the provider sends the browser back to (Laget's callback)."""
    session = requests.Session()
    url = authorize_url
    for _ in range(10):
        response = session.get(url, allow_redirects=False, timeout=10)
        if response.status_code in (302, 303) and "/interaction/" in response.headers["Location"]:
            interaction = urljoin(peer.url, response.headers["Location"])
            assert session.get(interaction, timeout=10).status_code == 200
            response = session.post(
                interaction + "/login", data={"login": login}, allow_redirects=False, timeout=10
            )
        location = urljoin(peer.url, response.headers["Location"])
        if not location.startswith(peer.url):
            return location
        url = location
    raise AssertionError("the provider never sent the browser back")


def start(client, provider_id: str) -> str:
    response = client.post(reverse("oidc_login", kwargs={"provider_id": provider_id}))
    assert response.status_code == 302, response.content[:500]
    return str(response["Location"])


def log_in(client, peer, provider_id: str, login: str):
    callback = through_provider(peer, start(client, provider_id), login)
    return client.get(callback)


class TestIdporten:
    def test_the_request_carries_pkce_state_nonce_and_the_level_of_assurance(self, client, oidc):
        query = parse_qs(urlparse(start(client, "idporten")).query)
        assert query["code_challenge_method"] == ["S256"]
        assert len(query["code_challenge"][0]) >= 43
        assert query["state"][0] and query["nonce"][0]
        assert query["acr_values"] == ["idporten-loa-substantial"]

    def test_a_registered_person_logs_in_by_pid(self, client, oidc, kari):
        response = log_in(client, oidc, "idporten", "kari")
        assert response.status_code == 302
        assert client.get(reverse("home")).wsgi_request.user == kari
        assert SocialAccount.objects.get(user=kari).provider == "idporten"

    def test_an_unknown_person_gets_a_plain_page_and_nobody_is_created(self, client, oidc, kari):
        users = User.objects.count()
        response = log_in(client, oidc, "idporten", "ukjent")
        assert response.status_code == 403
        body = response.content.decode()
        assert "Vi fant deg ikke i Laget" in body
        assert "koordinatoren din" in body
        assert User.objects.count() == users
        assert not SocialAccount.objects.exists()
        assert client.get(reverse("home")).wsgi_request.user.is_anonymous

    def test_a_too_low_level_of_assurance_is_refused(self, client, oidc, kari):
        response = log_in(client, oidc, "idporten", "kari-lav")
        assert response.status_code == 403
        assert "BankID" in response.content.decode()
        assert client.get(reverse("home")).wsgi_request.user.is_anonymous

    def test_a_wrong_nonce_is_refused(self, client, oidc, kari):
        authorize = start(client, "idporten")
        # The state Laget stashed for this login now expects another nonce.
        session = client.session
        states = session["socialaccount_states"]
        for state in states.values():
            state[0]["nonce"] = "not-the-nonce-we-sent"
        session["socialaccount_states"] = states
        session.save()
        response = client.get(through_provider(oidc, authorize, "kari"))
        assert response.status_code == 403
        assert "Innloggingen kunne ikke fullføres" in response.content.decode()
        assert client.get(reverse("home")).wsgi_request.user.is_anonymous

    def test_a_reused_code_is_refused_by_the_provider(self, client, oidc, kari):
        authorize = start(client, "idporten")
        states = dict(client.session["socialaccount_states"])
        callback = through_provider(oidc, authorize, "kari")
        assert client.get(callback).status_code == 302
        client.logout()
        # Replay: the same code with a state Laget would accept again.
        session = client.session
        session["socialaccount_states"] = states
        session.save()
        response = client.get(callback)
        assert response.status_code == 403
        assert "Innloggingen kunne ikke fullføres" in response.content.decode()
        assert client.get(reverse("home")).wsgi_request.user.is_anonymous

    def test_a_tampered_id_token_is_refused(self, client, oidc, kari, monkeypatch):
        # The provider's real token response, with the ID token's payload changed after
        # the provider signed it.
        original = oidc_views.LagetOIDCAdapter.get_access_token_data

        def tampered(self, request, app, client_, pkce_code_verifier=None):
            data = original(self, request, app, client_, pkce_code_verifier=pkce_code_verifier)
            header, payload, signature = data["id_token"].split(".")
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            claims["pid"] = "01010100000"
            forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
            data["id_token"] = f"{header}.{forged}.{signature}"
            return data

        monkeypatch.setattr(oidc_views.LagetOIDCAdapter, "get_access_token_data", tampered)
        response = log_in(client, oidc, "idporten", "kari")
        assert response.status_code == 403
        assert "Innloggingen kunne ikke fullføres" in response.content.decode()
        assert client.get(reverse("home")).wsgi_request.user.is_anonymous

    def test_lowering_the_level_of_assurance_in_the_query_string_has_no_effect(self, client, oidc):
        url = reverse("oidc_login", kwargs={"provider_id": "idporten"})
        response = client.post(url + "?auth_params=acr_values%3Didporten-loa-low")
        query = parse_qs(urlparse(response["Location"]).query)
        assert query["acr_values"] == ["idporten-loa-substantial"]


class TestHelseId:
    def test_a_professional_logs_in_by_hpr_without_a_totp_prompt(self, client, oidc, doctor):
        ensure_totp(doctor, TEST_TOTP_SECRET)
        response = log_in(client, oidc, "helseid", "lege")
        assert response.status_code == 302
        assert "mfa" not in response["Location"]
        assert client.get(reverse("home")).wsgi_request.user == doctor
        assert client.session[EXTERNAL_MFA_SESSION_KEY] == "helseid"

    def test_without_totp_set_up_helseid_counts_as_the_second_factor(self, client, oidc, doctor):
        log_in(client, oidc, "helseid", "lege")
        home = client.get(reverse("home"))
        assert home.status_code == 200
        assert home.wsgi_request.user == doctor

    def test_a_password_login_still_needs_totp_set_up(self, client, doctor):
        client.force_login(doctor)
        assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")

    def test_an_unknown_hpr_number_gets_the_plain_page(self, client, oidc, doctor):
        users = User.objects.count()
        response = log_in(client, oidc, "helseid", "ukjent-lege")
        assert response.status_code == 403
        assert "HPR-nummeret ditt" in response.content.decode()
        assert User.objects.count() == users

    def test_helseid_cannot_log_in_a_person_by_pid(self, client, oidc, kari):
        # The HelseID client has no pid claim to match: the person is not found there.
        response = log_in(client, oidc, "helseid", "kari")
        assert response.status_code == 403


class TestLocalLogin:
    def test_the_operator_can_switch_local_login_off(self, client, settings, oidc, kari):
        kari.set_password("riktig-passord-123")
        kari.save()
        settings.SOCIALACCOUNT_ONLY = True
        page = client.get(reverse("account_login"))
        body = page.content.decode()
        assert "ID-porten" in body
        assert 'name="password"' not in body
        refused = client.post(
            reverse("account_login"), {"login": kari.email, "password": "riktig-passord-123"}
        )
        assert refused.status_code == 403
        assert client.get(reverse("home")).wsgi_request.user.is_anonymous

    def test_local_login_stays_on_by_default(self, client, oidc):
        body = client.get(reverse("account_login")).content.decode()
        assert 'name="password"' in body
        assert "Logg inn med ID-porten" in body


class TestRoutesForEveryActor:
    """The two OpenID Connect routes for every kind of actor (they sit under accounts/,
    which the project-wide matrix leaves to the accounts tests)."""

    def test_starting_a_login_is_open_to_all_and_only_by_post(self, oidc, world, client_for):
        from laget.conftest import ACTORS

        url = reverse("oidc_login", kwargs={"provider_id": "idporten"})
        for actor in ACTORS:
            client = client_for(actor)
            response = client.post(url)
            assert response.status_code == 302, actor
            assert response["Location"].startswith(oidc.url + "/auth?"), actor
            # A GET only shows a button that posts: no login starts from a link.
            page = client.get(url)
            assert page.status_code in (200, 302), actor
            if page.status_code == 200:
                assert b'method="post"' in page.content, actor

    def test_a_callback_without_our_state_is_refused_for_everyone(
        self, oidc, world, client_for, kari
    ):
        from laget.conftest import ACTORS

        url = reverse("oidc_callback", kwargs={"provider_id": "idporten"})
        for actor in ACTORS:
            client = client_for(actor)
            response = client.get(url, {"code": "made-up", "state": "made-up"})
            assert response.status_code == 403, actor
            assert "Innloggingen kunne ikke fullføres" in response.content.decode(), actor
            expected = world.actor(actor)
            user = client.get(reverse("healthz")).wsgi_request.user
            assert (user.pk if expected else None) == (expected.pk if expected else None)

    def test_an_unknown_provider_is_not_found(self, oidc, client):
        assert client.post("/accounts/oidc/facebook/login/").status_code == 404
        assert client.get("/accounts/oidc/facebook/login/callback/").status_code == 404

    def test_allauths_own_callback_is_shadowed_by_ours(self):
        from django.urls import resolve

        match = resolve("/accounts/oidc/idporten/login/callback/")
        assert match.url_name == "oidc_callback"
