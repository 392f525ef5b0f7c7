"""Browser journey: a person logs in with the ID-porten-like client and a professional with
the HelseID-like client of the real local OpenID provider, in Chromium (Playwright)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from laget.accounts.models import User
from laget.accounts.tests.oidc_peer import DOCTOR_HPR, KARI_PID
from laget.directory.tests.factories import ProfessionalFactory, UserFactory
from laget.plans.models import Person
from laget.tests.test_browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_person_with_idporten_and_professional_with_helseid(
    transactional_db, oidc, browser, live_server
):
    kari = UserFactory(kind=User.Kind.PERSON, first_name="Kari", last_name="Testperson")
    Person.objects.create(
        user=kari,
        first_name="Kari",
        last_name="Testperson",
        birth_date=dt.date(1988, 3, 14),
        national_id=KARI_PID,
    )
    doctor = ProfessionalFactory(hpr_number=DOCTOR_HPR).user

    for button, login, user in [
        ("Logg inn med ID-porten", "kari", kari),
        ("Helsepersonell: logg inn med HelseID", "lege", doctor),
    ]:
        context = browser.new_context(base_url=live_server.url, locale="nb-NO")
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto("/accounts/login/")
        assert_accessible(page)
        page.get_by_role("button", name=button).click()
        # At the provider: its own login page on another origin.
        page.wait_for_url(f"{oidc.url}/interaction/**")
        page.get_by_label("Testbruker").fill(login)
        page.get_by_role("button", name="Logg inn").click()
        # Back in Laget, logged in as the one the directory knows, with no TOTP prompt.
        page.wait_for_url(f"{live_server.url}/**")
        assert "/mfa/" not in page.url
        page.goto("/")
        assert page.get_by_role("button", name="Logg ut").count() == 1
        # The browser's session belongs to the one the directory knows.
        cookie = next(c for c in context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
        session = SessionStore(session_key=cookie["value"])
        assert str(session["_auth_user_id"]) == str(user.pk)
        context.close()
