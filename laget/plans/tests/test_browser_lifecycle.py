"""A plan's start, for real, in Chromium from a database holding only the directory (no
demo persons): a professional registers a person and opens a plan, the named coordinator
accepts, invites the person, who sets a password on a 375 px phone, reads the plan, gives
NAV consent and withdraws it again; NAV can no longer open the plan. axe-core on every page.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import transaction

from laget.plans.demo import synthetic_national_id
from laget.tests.test_browser import (  # noqa: F401  (fixtures)
    assert_accessible,
    browser,
    log_in,
    page_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def directory_only(transactional_db, settings):
    from django.core.cache import cache

    from laget.directory.demo_load import load_directory

    cache.clear()
    settings.LAGET_DEMO = True
    with transaction.atomic():
        load_directory()


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url


def test_register_open_accept_invite_and_the_person_manages_consent_on_a_phone(
    directory_only,
    page_for,  # noqa: F811
):
    from laget.plans.models import Person, Plan

    assert not Person.objects.exists()
    # Sofie registers a person from her front page and opens a plan, naming Ahmed.
    sofie = page_for()
    log_in(sofie, "sofie.lund@fjordvik-kommune.test", code=True)
    assert_accessible(sofie)
    sofie.get_by_role("link", name="Registrer en person").first.click()
    sofie.get_by_role("heading", name="Registrer en person").wait_for()
    assert_accessible(sofie)
    number = synthetic_national_id(dt.date(1988, 6, 12))
    wrong = number[:10] + str((int(number[10]) + 1) % 10)
    sofie.get_by_label("Fødselsnummer, D-nummer eller hjelpenummer").fill(wrong)
    sofie.get_by_label("Fornavn").fill("Mona")
    sofie.get_by_label("Etternavn").fill("Fjellheim")
    sofie.get_by_label("Fødselsdato").fill("1988-06-12")
    sofie.get_by_label("E-post").fill("mona.fjellheim@person.test")
    sofie.get_by_role("button", name="Registrer").click()
    sofie.get_by_text("ikke et gyldig fødselsnummer").first.wait_for()
    assert not Person.objects.exists()
    assert_accessible(sofie)
    sofie.get_by_label("Fødselsnummer, D-nummer eller hjelpenummer").fill(number)
    sofie.get_by_role("button", name="Registrer").click()
    sofie.get_by_role("heading", name="Åpne en plan for Mona Fjellheim").wait_for()
    assert number not in sofie.content()  # shown masked only
    assert_accessible(sofie)
    sofie.get_by_label("Hvordan personen samtykket til å starte planarbeidet").select_option(
        "in_person"
    )
    sofie.get_by_label("Koordinator").select_option(
        label="Ahmed Rahimi – Psykisk helse- og rustjenesten"
    )
    sofie.get_by_role("button", name="Åpne planen").click()
    sofie.get_by_text("Ahmed Rahimi er spurt om å være koordinator").wait_for()
    assert_accessible(sofie)
    plan = Plan.objects.get(person__last_name="Fjellheim")
    assert plan.status == Plan.Status.DRAFT

    # Ahmed sees the request on his front page and accepts it.
    ahmed = page_for()
    log_in(ahmed, "ahmed.rahimi@fjordvik-kommune.test", code=True)
    # His bell tells him (he is not on the team yet: no name, a link to the requests).
    assert ahmed.locator("#bell .badge").inner_text().startswith("1")
    ahmed.locator("#bell").click()
    ahmed.get_by_text("Du er spurt om å være koordinator").first.wait_for()
    assert "Fjellheim" not in ahmed.locator("main").inner_text()
    assert_accessible(ahmed)
    ahmed.goto("/")
    ahmed.get_by_role("link", name="1 forespørsel venter på svaret ditt").click()
    ahmed.get_by_role("heading", name="Forespørsler").wait_for()
    assert_accessible(ahmed)
    ahmed.get_by_role("button", name="Si ja").click()
    ahmed.get_by_role("heading", name="Plan for Mona Fjellheim").wait_for()
    assert_accessible(ahmed)
    # He adds NAV to the team, then invites Mona.
    ahmed.get_by_role("link", name="Legg til eller fjern medlemmer i teamet").click()
    ahmed.get_by_label("E-postadressen de bruker i Laget").fill("thomas.ruud@nav-fjordvik.test")
    ahmed.get_by_label("Rolle").select_option("member")
    ahmed.get_by_label("Tjenesten de deltar for").select_option(
        label="NAV Fjordvik – arbeid og oppfølging"
    )
    ahmed.get_by_label("Hvorfor de blir med").fill("Arbeid og aktivitet")
    ahmed.get_by_role("button", name="Legg til i teamet").click()
    ahmed.get_by_text("er med i teamet").first.wait_for()
    ahmed.get_by_role("link", name="Plan for Mona Fjellheim").first.click()
    ahmed.get_by_role("link", name="Inviter personen eller en pårørende").click()
    ahmed.get_by_role("heading", name="Inviter personen eller en pårørende").wait_for()
    assert_accessible(ahmed)
    ahmed.get_by_label("Inviter").select_option("person")
    ahmed.get_by_label("E-post").fill("mona.fjellheim@person.test")
    ahmed.get_by_role("button", name="Send invitasjonen").click()
    ahmed.get_by_text("Invitasjonen er sendt til mona.fjellheim@person.test").wait_for()
    assert_accessible(ahmed)
    link = re.search(r"http\S+/invitasjon/\S+/", mail.outbox[-1].body).group(0)

    # Mona, on her phone: the link, a password, her plan.
    phone = page_for(**PHONE)
    phone.goto(link)
    phone.get_by_role("heading", name="Velkommen, Mona").wait_for()
    no_sideways_scroll(phone)
    assert_accessible(phone)
    phone.get_by_label("Velg et passord").fill("fjord-og-fjell-42")
    phone.get_by_label("Det samme passordet en gang til").fill("fjord-og-fjell-42")
    phone.get_by_role("button", name="Lagre passordet og logg inn").click()
    phone.get_by_text("Velkommen til Laget. Passordet ditt er lagret.").wait_for()
    assert_accessible(phone)
    phone.get_by_role("link", name="Min plan").click()
    phone.get_by_role("heading", name="Min plan", level=1).wait_for()
    no_sideways_scroll(phone)
    assert_accessible(phone)
    # She gives NAV consent to see the plan, then withdraws it.
    phone.get_by_role("link", name="Hvem kan se hva (samtykker)").click()
    phone.get_by_role("heading", name="Hvem kan se hva").wait_for()
    assert_accessible(phone)
    phone.get_by_text("Gi et nytt samtykke").click()
    phone.get_by_label("Hvem kan få opplysningene").select_option(
        label="NAV Fjordvik – arbeid og oppfølging"
    )
    phone.get_by_label("planen (mål, tiltak, team)").check()
    today = dt.date.today()
    phone.get_by_label("Gyldig fra").fill(today.isoformat())
    phone.get_by_label("Gyldig til").fill((today + dt.timedelta(days=90)).isoformat())
    phone.get_by_role("button", name="Lagre samtykket").click()
    phone.get_by_role("link", name="Trekk tilbake").first.wait_for()
    assert_accessible(phone)

    nav = page_for()
    log_in(nav, "thomas.ruud@nav-fjordvik.test", code=True)
    plan_url = f"/planer/{plan.pk}/"
    nav.goto(plan_url)
    nav.get_by_role("heading", name="Plan for Mona Fjellheim").wait_for()

    nav.goto("/")
    assert nav.get_by_role("link", name="Mona Fjellheim").count() >= 1

    phone.get_by_role("link", name="Trekk tilbake").first.click()
    phone.get_by_role("button", name="Ja, trekk tilbake samtykket").click()
    phone.get_by_text("Du kan angre fram til midnatt.").wait_for()
    no_sideways_scroll(phone)
    assert_accessible(phone)
    # At once: NAV's front page no longer lists the plan, and the old link says why.
    nav.goto("/")
    assert nav.get_by_role("link", name="Mona Fjellheim").count() == 0
    response = nav.goto(plan_url)
    assert response.status == 404
    assert "Fjellheim" not in nav.content()
    assert sofie.csp_violations == [] and phone.csp_violations == []  # type: ignore[attr-defined]
    assert ahmed.csp_violations == []  # type: ignore[attr-defined]
