"""Exports people ask for (issue 18 item 6): the plan as CSV/XLSX for whoever may read it,
and the person's own copy (GDPR art. 15) as a ZIP. Contents, formula injection, one
access-log entry per download, queries constant with ten times the data. Who gets which
route is in test_access_matrix.py (INTEROP_MATRIX)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from laget.audit.models import AccessLogEntry
from laget.interop.person_copy import as_html, person_copy
from laget.interop.plan_exports import cell
from laget.plans import services
from laget.plans.models import EmergencyAccess
from laget.plans.tests.conftest import PERSON_NATIONAL_ID

from .conftest import fill_plan
from .test_fhir import validate

pytestmark = pytest.mark.django_db

EVIL = ['=HYPERLINK("http://x.invalid","klikk")', "+47 SUM(A1)", "-2+3", "@SUM(1)", "\t=1"]


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def get_csv(client, plan):
    return client.get(reverse("interop:plan_csv", kwargs={"plan_id": plan.pk}))


def get_xlsx(client, plan):
    return client.get(reverse("interop:plan_xlsx", kwargs={"plan_id": plan.pk}))


def get_copy(client):
    return client.get(reverse("interop:my_copy"))


def unzip(response) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


class TestCell:
    @pytest.mark.parametrize("text", EVIL)
    def test_a_formula_start_becomes_text(self, text):
        assert cell(text) == "'" + text

    def test_plain_text_and_dates_are_untouched(self):
        assert cell("Bo i egen leilighet") == "Bo i egen leilighet"
        assert cell(dt.date(2026, 1, 2)) == "2026-01-02"
        assert cell(None) == ""


class TestPlanSpreadsheet:
    def test_the_coordinator_gets_plan_goals_measures_and_tasks(self, filled, plan_client):
        response = get_csv(plan_client("coordinator"), filled.plan)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = csv_rows(response)
        parts = {row[0] for row in rows if row}
        assert {"Plan", "Mål", "Tiltak", "Oppgaver"} <= parts
        flat = [c for row in rows for c in row]
        assert "Lise Testesen" in flat
        assert "Mål 0: bo i egen leilighet" in flat
        assert "Tiltak 0: bolig med oppfølging" in flat
        assert "Oppgave 0: søke kommunal bolig" in flat
        assert "DPS poliklinikk" in flat

    def test_the_workbook_has_a_sheet_per_part(self, filled, plan_client):
        response = get_xlsx(plan_client("coordinator"), filled.plan)
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["Plan", "Mål", "Tiltak", "Oppgaver"]
        assert book["Mål"]["A2"].value == "Mål 0: bo i egen leilighet"
        assert book["Tiltak"]["B2"].value == "Mål 0: bo i egen leilighet"
        assert book["Oppgaver"]["A2"].value == "Oppgave 0: søke kommunal bolig"

    def test_a_relative_without_tasks_consent_gets_no_tasks(self, filled, plan_client):
        rows = csv_rows(get_csv(plan_client("relative_with_consent"), filled.plan))
        parts = {row[0] for row in rows if row}
        assert "Oppgaver" not in parts and "Tiltak" in parts
        book = load_workbook(
            io.BytesIO(get_xlsx(plan_client("relative_with_consent"), filled.plan).content)
        )
        assert "Oppgaver" not in book.sheetnames

    def test_the_persons_block_hides_a_goal_from_the_service(self, filled, plan_client):
        goal = filled.plan.goals.get()
        services.item_block_add(
            actor=filled.person,
            plan=filled.plan,
            kind="goal",
            object_id=goal.pk,
            hidden_from=filled.dps,
        )
        seen = [
            c for r in csv_rows(get_csv(plan_client("team_professional"), filled.plan)) for c in r
        ]
        assert goal.text not in seen
        seen = [c for r in csv_rows(get_csv(plan_client("coordinator"), filled.plan)) for c in r]
        assert goal.text in seen

    def test_formulas_stay_text_in_csv_and_xlsx(self, filled, plan_client):
        stored = [
            services.goal_add(
                actor=filled.coordinator, plan=filled.plan, text=text, life_area="housing"
            ).text
            for text in EVIL
        ]  # as saved (the form trims whitespace)
        client = plan_client("coordinator")
        flat = [c for r in csv_rows(get_csv(client, filled.plan)) for c in r]
        for text in stored:
            assert "'" + text in flat
            assert text not in flat
        book = load_workbook(io.BytesIO(get_xlsx(client, filled.plan).content))
        values = {}
        for row in book["Mål"].iter_rows(min_row=2):
            values[row[0].value] = row[0].data_type
        for text in stored:
            assert values["'" + text] == "s"  # a string, never a formula ("f")
        assert all(kind != "f" for kind in values.values())

    def test_one_log_entry_per_download_purpose_export(self, filled, plan_client):
        client = plan_client("team_professional")
        for get in (get_csv, get_xlsx):
            before = AccessLogEntry.objects.count()
            assert get(client, filled.plan).status_code == 200
            assert AccessLogEntry.objects.count() == before + 1
            entry = AccessLogEntry.objects.order_by("-pk").first()
            assert entry.purpose == "export"
            assert entry.category == "plan,tasks"
            assert entry.actor_id == filled.team_professional.pk
            assert entry.person_id == filled.person_record.pk

    def test_emergency_access_reads_but_does_not_download(self, filled, plan_client):
        EmergencyAccess.objects.create(
            plan=filled.plan,
            user=filled.other_org,
            service=filled.other_org.professional.memberships.first().service,
            reason="Akutt",
            ends_at=timezone.now() + dt.timedelta(hours=24),
        )
        before = AccessLogEntry.objects.count()
        client = plan_client("other_org")
        assert get_csv(client, filled.plan).status_code == 403
        assert get_xlsx(client, filled.plan).status_code == 403
        assert AccessLogEntry.objects.count() == before

    def test_the_plan_page_links_to_the_downloads(self, filled, plan_client):
        page = plan_client("coordinator").get(
            reverse("plans:plan", kwargs={"plan_id": filled.plan.pk})
        )
        assert (
            reverse("interop:plan_xlsx", kwargs={"plan_id": filled.plan.pk}).encode()
            in page.content
        )
        assert (
            reverse("interop:plan_csv", kwargs={"plan_id": filled.plan.pk}).encode() in page.content
        )

    @pytest.mark.parametrize("get", [get_csv, get_xlsx])
    def test_queries_do_not_grow_with_ten_times_the_data(
        self, get, filled, plan_client, django_assert_num_queries, log_write_queries
    ):
        client = plan_client("team_professional")
        get(client, filled.plan)  # warm the session
        with CaptureQueriesContext(connection) as small:
            get(client, filled.plan)
        # session, user, MFA check (middleware); the plan with person and owner, the
        # reader's place on the team, the consents in force; blocks, goals, measures,
        # tasks; the access-log entry.
        assert len(small.captured_queries) == 10 + log_write_queries
        fill_plan(filled, 10)
        with django_assert_num_queries(len(small.captured_queries)):
            response = get(client, filled.plan)
        assert response.status_code == 200


class TestPersonCopy:
    def test_the_zip_holds_a_pdf_fhir_consents_and_the_access_log(self, filled, plan_client):
        # Someone reads the plan first, so the log has a read by another.
        plan_client("coordinator").get(reverse("plans:plan", kwargs={"plan_id": filled.plan.pk}))
        response = get_copy(plan_client("person"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        files = unzip(response)
        assert set(files) == {"innsyn.pdf", "fhir.json", "samtykker.json", "tilgangslogg.json"}
        assert files["innsyn.pdf"].startswith(b"%PDF")

        bundle = json.loads(files["fhir.json"])
        assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
        validate(bundle)
        resources = [e["resource"] for e in bundle["entry"]]
        kinds = {r["resourceType"] for r in resources}
        assert {"Patient", "CarePlan", "CareTeam", "Goal", "Task", "Organization"} <= kinds
        for r in resources:
            validate(r)
        patient = next(r for r in resources if r["resourceType"] == "Patient")
        assert patient["identifier"][0]["value"] == PERSON_NATIONAL_ID
        goal = next(r for r in resources if r["resourceType"] == "Goal")
        assert goal["description"]["text"] == "Mål 0: bo i egen leilighet"

        consents = json.loads(files["samtykker.json"])
        assert len(consents) == 2
        assert {c["to"] for c in consents} == {
            "DPS poliklinikk",
            filled.relative_with_consent.get_full_name(),
        }
        reads = json.loads(files["tilgangslogg.json"])
        assert any(r["who"] == filled.coordinator.get_full_name() for r in reads)

    def test_the_pdf_says_it_all_in_words(self, filled, plan_client):
        services.message_post(actor=filled.coordinator, plan=filled.plan, body="Vi møtes tirsdag")
        plan_client("coordinator").get(reverse("plans:plan", kwargs={"plan_id": filled.plan.pk}))
        copy = person_copy(actor=filled.person)
        html = as_html(copy)
        for text in [
            "Lise Testesen",
            PERSON_NATIONAL_ID,
            "Mål 0: bo i egen leilighet",
            "Tiltak 0: bolig med oppfølging",
            "Oppgave 0: søke kommunal bolig",
            "Vi møtes tirsdag",
            "DPS poliklinikk",
            filled.coordinator.get_full_name(),
            filled.relative_with_consent.get_full_name(),
        ]:
            assert text in html, text

    def test_the_attachments_come_along(self, filled, plan_client):
        from django.core.files.uploadedfile import SimpleUploadedFile

        body = b"%PDF-1.4 referat\n%%EOF\n"
        services.message_post(
            actor=filled.coordinator,
            plan=filled.plan,
            body="Referatet",
            attachments=[SimpleUploadedFile("referat.pdf", body)],
        )
        files = unzip(get_copy(plan_client("person")))
        stored = [name for name in files if name.startswith("vedlegg/")]
        assert len(stored) == 1 and stored[0].endswith("-referat.pdf")
        assert files[stored[0]] == body

    def test_one_log_entry_per_download(self, filled, plan_client):
        client = plan_client("person")
        before = AccessLogEntry.objects.count()
        assert get_copy(client).status_code == 200
        assert AccessLogEntry.objects.count() == before + 1
        entry = AccessLogEntry.objects.order_by("-pk").first()
        assert (entry.purpose, entry.category, entry.actor_id, entry.person_id) == (
            "export",
            "copy",
            filled.person.pk,
            filled.person_record.pk,
        )

    def test_my_account_links_to_the_copy_for_the_person_only(self, filled, plan_client):
        url = reverse("interop:my_copy").encode()
        assert url in plan_client("person").get(reverse("plans:my_account")).content
        relative = plan_client("relative_with_consent").get(reverse("plans:my_account"))
        assert url not in relative.content

    def test_queries_do_not_grow_with_ten_times_the_data(
        self, filled, plan_client, django_assert_num_queries, log_write_queries
    ):
        client = plan_client("person")
        get_copy(client)  # warm the session
        with CaptureQueriesContext(connection) as small:
            get_copy(client)
        # session, user; the person; the plans, then one each for goals, measures, tasks,
        # team, messages, meetings, ratings, perspectives; crisis plans, consents, the
        # access log, attachments; the access-log entry. (Meetings' decisions add one when
        # there are meetings.)
        assert len(small.captured_queries) == 16 + log_write_queries
        fill_plan(filled, 10)
        for i in range(10):
            services.message_post(actor=filled.coordinator, plan=filled.plan, body=f"Melding {i}")
        with django_assert_num_queries(len(small.captured_queries)):
            response = get_copy(client)
        bundle = json.loads(unzip(response)["fhir.json"])
        assert sum(e["resource"]["resourceType"] == "Goal" for e in bundle["entry"]) == 11
