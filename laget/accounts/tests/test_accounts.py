"""Logging in: password then TOTP, mandatory MFA for professionals, throttling, admin."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from laget.accounts.totp import current_code
from laget.conftest import TEST_TOTP_SECRET
from laget.directory.tests.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db

PASSWORD = "riktig-passord-123"


def log_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


class TestLoginWithTotp:
    def test_password_then_code_then_in(self, world, client):
        response = log_in(client, world.member.email)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        # Not logged in yet: the catalogue edit page still sends us to log in.
        assert client.get(reverse("home")).wsgi_request.user.is_anonymous
        response = client.post(
            reverse("mfa_authenticate"), {"code": current_code(TEST_TOTP_SECRET)}
        )
        assert response.status_code == 302
        assert client.get(reverse("home")).wsgi_request.user == world.member

    def test_wrong_code_is_refused_in_norwegian(self, world, client):
        log_in(client, world.member.email)
        response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert response.status_code == 200
        assert "Feil kode. Skriv inn de seks sifrene" in response.content.decode()
        assert client.get(reverse("home")).wsgi_request.user.is_anonymous

    def test_a_code_used_twice_in_its_window_is_refused_saying_so(self, world, client):
        # Both uses must fall in one 30-second window; on a loaded machine two logins can
        # straddle its end, and then the second code is simply wrong. Try in the next window.
        for _ in range(3):
            window = int(time.time()) // 30
            log_in(client, world.member.email)
            code = current_code(TEST_TOTP_SECRET)
            assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
            client.logout()
            log_in(client, world.member.email)
            again = client.post(reverse("mfa_authenticate"), {"code": code})
            if int(time.time()) // 30 == window:
                break
            client.logout()
            time.sleep(30 - time.time() % 30)  # the start of a fresh window and code
        assert again.status_code == 200
        body = again.content.decode()
        assert "Denne koden er allerede brukt. Vent til" in body
        assert "Feil kode" not in body
        assert client.get(reverse("home")).wsgi_request.user.is_anonymous

    def test_recovery_code_works_once(self, world, client):
        from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

        codes = RecoveryCodes(
            Authenticator.objects.get(user=world.member, type=Authenticator.Type.RECOVERY_CODES)
        ).get_unused_codes()
        log_in(client, world.member.email)
        response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
        assert response.status_code == 302
        client.logout()
        log_in(client, world.member.email)
        again = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
        assert again.status_code == 200  # used up

    def test_professional_without_mfa_is_sent_to_set_it_up(self, world, client):
        response = log_in(client, world.no_mfa.email)
        assert response.status_code == 302
        for url in [reverse("home"), reverse("directory:catalogue")]:
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"] == reverse("mfa_activate_totp")
        api = client.get("/api/v1/services")
        assert api.status_code == 403
        assert "tofaktorinnlogging" in api.json()["detail"]

    def test_setting_up_totp_opens_the_pages(self, world, client):
        log_in(client, world.no_mfa.email)
        # allauth asks for the password once more before a new authenticator is added.
        response = client.get(reverse("mfa_activate_totp"))
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        client.post(response["Location"], {"password": PASSWORD})
        assert client.get(reverse("mfa_activate_totp")).status_code == 200
        secret = client.session["mfa.totp.secret"]
        response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
        assert response.status_code == 302
        assert Authenticator.objects.filter(user=world.no_mfa, type="totp").exists()
        assert client.get(reverse("directory:catalogue")).status_code == 200

    def test_professional_cannot_switch_mfa_off_but_a_person_can(self, world):
        from allauth.mfa.adapter import get_adapter

        from laget.accounts.totp import ensure_totp

        ensure_totp(world.person, TEST_TOTP_SECRET)
        adapter = get_adapter()
        professional_totp = Authenticator.objects.get(user=world.member, type="totp")
        person_totp = Authenticator.objects.get(user=world.person, type="totp")
        assert not adapter.can_delete_authenticator(professional_totp)
        assert adapter.can_delete_authenticator(person_totp)

    def test_person_needs_no_mfa(self, world, client):
        client.force_login(world.person)
        assert client.get(reverse("directory:catalogue")).status_code == 200

    def test_nobody_can_sign_up(self, client, db):
        response = client.get(reverse("account_signup"))
        assert b"password1" not in response.content


class TestThrottling:
    def test_failed_logins_are_throttled_per_account(self, world, client):
        for _ in range(5):
            log_in(client, world.member.email, password="feil-passord")
        # A stranger's browser waits, even with the right password (the owner's own browser
        # does not: test_throttle.py).
        response = log_in(client, world.member.email)
        body = response.content.decode()
        assert response.status_code in (200, 429)
        assert "For mange mislykkede innloggingsforsøk. Vent et minutt" in body
        assert response.get("Location") != reverse("mfa_authenticate")


class TestAdmin:
    def test_operator_with_mfa_gets_in(self, world, client):
        client.force_login(world.operator)
        assert client.get(reverse("admin:index")).status_code == 200

    def test_operator_without_mfa_is_sent_to_set_it_up(self, world, client):
        Authenticator.objects.filter(user=world.operator).delete()
        client.force_login(world.operator)
        response = client.get(reverse("admin:index"))
        assert response["Location"] == reverse("mfa_activate_totp")

    @pytest.mark.parametrize("actor", ["owner", "person"])
    def test_others_are_sent_to_the_login_page(self, world, client, actor):
        client.force_login(world.actor(actor))
        response = client.get(reverse("admin:index"), follow=False)
        assert response.status_code == 302
        follow = client.get(response["Location"])
        assert follow.status_code == 302
        assert follow["Location"].startswith(reverse("account_login"))

    def test_catalogue_texts_are_read_only_in_the_admin(self, world, client):
        client.force_login(world.operator)
        url = reverse("admin:directory_service_change", args=[world.service.pk])
        body = client.get(url).content.decode()
        assert 'name="entry-0-offer"' not in body
        assert "Samtaler og oppfølging." in body


class TestDemoTotp:
    def test_refused_without_demo_mode(self, settings):
        settings.LAGET_DEMO = False
        settings.DEBUG = False
        with pytest.raises(CommandError):
            call_command("demo_totp")

    def test_prints_a_six_digit_code_in_demo_mode(self, settings, capsys):
        settings.LAGET_DEMO = True
        call_command("demo_totp")
        code = capsys.readouterr().out.strip()
        assert len(code) == 6 and code.isdigit()


def test_professional_factory_has_no_mfa_by_default(db):
    user = ProfessionalFactory().user
    assert user.requires_mfa
    assert not Authenticator.objects.filter(user=user).exists()


def test_the_admin_keeps_positions_within_100_percent(world, client):
    """The same rule as membership_add: an operator cannot put someone at 140 %."""
    from laget.directory.models import Membership

    client.force_login(world.operator)
    professional = world.member.professional
    current = Membership.objects.get(professional=professional)  # 100 % in world.service
    url = reverse("admin:directory_professional_change", args=[professional.pk])
    today = dt.date.today().isoformat()

    def post(extra_percent: int, first_percent: int = current.position_percent):
        return client.post(
            url,
            {
                "user": professional.user_id,
                "profession": professional.profession_id,
                "hpr_number": professional.hpr_number,
                "title": professional.title,
                "work_phone": professional.work_phone,
                "memberships-TOTAL_FORMS": "2",
                "memberships-INITIAL_FORMS": "1",
                "memberships-MIN_NUM_FORMS": "0",
                "memberships-MAX_NUM_FORMS": "1000",
                "memberships-0-id": current.pk,
                "memberships-0-professional": professional.pk,
                "memberships-0-service": current.service_id,
                "memberships-0-role": current.role,
                "memberships-0-position_percent": first_percent,
                "memberships-0-starts": current.starts.isoformat(),
                "memberships-1-professional": professional.pk,
                "memberships-1-service": world.other_service.pk,
                "memberships-1-role": "member",
                "memberships-1-position_percent": extra_percent,
                "memberships-1-starts": today,
            },
        )

    refused = post(40)
    assert refused.status_code == 200
    assert "utgjør til sammen 140 %" in refused.content.decode()
    assert Membership.objects.filter(professional=professional).count() == 1
    accepted = post(40, first_percent=60)  # 60 % + 40 % is a full position
    assert accepted.status_code == 302
    assert sorted(
        Membership.objects.filter(professional=professional).values_list(
            "position_percent", flat=True
        )
    ) == [40, 60]
