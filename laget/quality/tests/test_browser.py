"""The whole journey in Debian's Chromium: a leader opens the quality indicators, follows
one to its trend and downloads it; then, as organiser, creates a cohort of the learning
network, mixes the groups and records a session, gives her group a case assignment and
records what came of it at her workplace; and reads the graph of who knows whom across
services, before and after. axe-core clean on every page."""

from __future__ import annotations

import datetime as dt

import pytest

from laget.directory.models import Membership
from laget.quality.models import AssignmentReport, Cohort, Participant
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
    # Fair distribution: the waiting time by age group and by municipality district, and
    # the network's districts page where the leader defines them.
    page.goto("/nettverk/fjordvik/kvalitet/av_referral_to_decision/")
    page.get_by_role("heading", name="Etter kommunedel").wait_for()
    assert page.get_by_role("columnheader", name="Øyane").is_visible()
    assert_accessible(page)
    page.goto("/nettverk/fjordvik/kommunedeler/")
    page.get_by_label("Navn på kommunedelen").fill("Holmen")
    page.get_by_role("button", name="Legg til kommunedelen").click()
    page.get_by_text("Kommunedelen er lagt til.").wait_for()
    assert page.get_by_label("Nytt navn på Holmen").is_visible()
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
    chosen = {boxes.nth(i).get_attribute("value") for i in range(8)}
    for i in range(8):
        boxes.nth(i).check()
    # The organiser takes part too, to record her own part between the sessions.
    mine = Membership.objects.filter(
        professional__user__email="ingrid.berg@fjordvik-kommune.test"
    ).order_by("pk")[0]
    page.locator(f"input[name=people][value='{mine.pk}']").check()
    total = len(chosen | {str(mine.pk)})
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
    assert page.get_by_text(f"6 / {total}").is_visible()
    assert_accessible(page)
    cohort = Cohort.objects.get(name="Kull høst")
    assert cohort.sessions.get().present.count() == 6

    # Between the sessions: a case for her group, then what came of it at her workplace.
    me = Participant.objects.get(cohort=cohort, membership=mine)
    page.get_by_role("link", name=f"Gruppe {me.group.number}", exact=True).click()
    page.get_by_role("heading", name="Caseoppgaver").wait_for()
    assert_accessible(page)
    page.get_by_label("Tittel").fill("Utskriving på en fredag")
    page.get_by_label("Hva som skal drøftes på arbeidsplassen").fill(
        "Hva trenger dere å vite før helgen, og fra hvem?"
    )
    page.get_by_role("button", name="Gi gruppen oppgaven").click()
    page.get_by_text("Caseoppgaven er registrert.").wait_for()
    page.get_by_label("Drøftet den").fill(dt.date.today().isoformat())
    page.get_by_label("Med hvem (en tjeneste eller et team)").fill("Personalmøtet")
    page.get_by_label("Hva det førte til").fill("Vi ringer DPS før utskriving, ikke etter.")
    page.get_by_role("button", name="Lagre hva det førte til").click()
    page.get_by_text("Det som kom ut av det, er registrert.").wait_for()
    assert page.get_by_role("cell", name="Vi ringer DPS før utskriving, ikke etter.").is_visible()
    assert AssignmentReport.objects.get(participant=me).with_whom == "Personalmøtet"
    assert_accessible(page)

    # Her own page and the anonymous evaluation form.
    page.goto(f"/laeringsnettverk/{cohort.pk}/meg/")
    page.get_by_role("heading", name="Hvem jeg kjenner i de andre tjenestene").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Svar på evalueringen (anonymt)").click()
    page.get_by_role("heading", name="Evaluering av læringsnettverket").wait_for()
    assert_accessible(page)

    # The demo cohort's graph: before and after, with the numbers beside it.
    demo_cohort = Cohort.objects.get(name="Samhandlingsutdanningen")
    page.goto(f"/laeringsnettverk/{demo_cohort.pk}/")
    page.get_by_role("link", name="Hvem kjenner hvem på tvers av tjenester").click()
    page.get_by_role("heading", name="Hvem kjenner hvem på tvers av tjenester").wait_for()
    assert page.locator("svg.learning-map").count() == 2
    assert page.get_by_role("table", name="Bånd på tvers av tjenester, før og etter").is_visible()
    assert_accessible(page)
    assert page.csp_violations == []  # type: ignore[attr-defined]
