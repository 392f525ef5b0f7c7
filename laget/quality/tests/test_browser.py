"""The whole journey in Debian's Chromium: a leader opens the quality indicators, follows
one to its trend and downloads it; then, as organiser, creates a cohort of the learning
network, mixes the groups and records a session. axe-core clean on every page."""

from __future__ import annotations

import pytest

from laget.quality.models import Cohort
from laget.tests.test_browser import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_leader_reads_the_indicators_and_runs_the_learning_network(demo, page_for):
    page = page_for()
    log_in(page, "ingrid.berg@fjordvik-kommune.test", code=True)
    page.goto("/nettverk/fjordvik/kvalitet/")
    page.get_by_role("heading", name="Kvalitet i Samhandlingsområde Fjordvik").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Forsinkede oppgaver").click()
    page.get_by_role("heading", name="Forsinkede oppgaver").wait_for()
    assert page.locator("svg.quality-chart").count() == 1
    assert page.get_by_role("table").first.is_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned CSV").first.click()
    assert download.value.suggested_filename == "kvalitet-fjordvik.csv"
    page.goto("/kvalitet/definisjoner/")
    assert_accessible(page)

    # On a phone the overview fits the screen.
    phone = page_for(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    log_in(phone, "ingrid.berg@fjordvik-kommune.test", code=True)
    phone.goto("/nettverk/fjordvik/kvalitet/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    # The learning network: a new cohort, participants, mixed groups, one session.
    page.goto("/nettverk/fjordvik/laeringsnettverk/")
    assert_accessible(page)
    page.get_by_label("Navn").fill("Kull høst")
    page.get_by_label("År").fill("2027")
    page.get_by_role("button", name="Opprett kullet").click()
    page.get_by_text("Kullet er opprettet.").wait_for()
    boxes = page.locator("input[name=people]")
    for i in range(8):
        boxes.nth(i).check()
    page.get_by_role("button", name="Legg til", exact=True).click()
    page.get_by_text("Deltakerne er lagt til.").wait_for()
    page.get_by_role("button", name="Bland gruppene").click()
    page.get_by_text("Gruppene er blandet på tvers av tjenester og nivåer.").wait_for()
    assert page.get_by_role("heading", name="Gruppe 2").is_visible()
    page.get_by_label("Dato").fill("2027-09-15")
    page.get_by_label("Tema").fill("Hvem gjør hva")
    present = page.locator("input[name=present]")
    for i in range(6):
        present.nth(i).check()
    page.get_by_role("button", name="Registrer samlingen").click()
    page.get_by_text("Samlingen er registrert.").wait_for()
    assert page.get_by_text("6 / 8").is_visible()
    assert_accessible(page)
    cohort = Cohort.objects.get(name="Kull høst")
    assert cohort.sessions.get().present.count() == 6
    assert page.csp_violations == []  # type: ignore[attr-defined]
