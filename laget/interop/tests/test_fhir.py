"""The FHIR R4 read API and the bulk export, on the real database.

Every resource Laget serves validates with fhir.resources (R4B) and carries the Norwegian
identifier systems; reads follow the plan's rules and log one entry per request; the
query count does not grow with the plan.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from fhir.resources.R4B import get_fhir_model_class

from laget.audit.models import AccessLogEntry
from laget.interop import resources as fhir
from laget.interop.models import ExportJob
from laget.interop.tests.conftest import fill_plan
from laget.plans.tests.conftest import PERSON_NATIONAL_ID

pytestmark = pytest.mark.django_db


def validate(resource: dict) -> None:
    model = get_fhir_model_class(resource["resourceType"])
    model.model_validate(resource)


def search(client, resource_type: str, person_id: int, **params):
    url = reverse("interop:search", kwargs={"resource_type": resource_type})
    return client.get(url, {"patient": person_id, **params})


class TestResources:
    def test_every_resource_validates_and_uses_the_norwegian_systems(self, filled, plan_client):
        client = plan_client("coordinator")
        person_id = filled.person_record.pk
        seen = {}
        for kind in ["Patient", "CarePlan", "CareTeam", "Goal", "Task", "Organization"]:
            response = search(client, kind, person_id)
            assert response.status_code == 200, (kind, response.content[:300])
            assert response["Content-Type"].startswith("application/fhir+json")
            bundle = response.json()
            validate(bundle)
            for entry in bundle["entry"]:
                validate(entry["resource"])
            seen[kind] = [e["resource"] for e in bundle["entry"]]
        patient = seen["Patient"][0]
        assert {"system": fhir.FNR, "value": PERSON_NATIONAL_ID} in patient["identifier"]
        orgs = {i["system"] for o in seen["Organization"] for i in o["identifier"]}
        assert orgs == {fhir.ENH}
        careplan = seen["CarePlan"][0]
        assert careplan["subject"] == {"reference": f"Patient/{person_id}"}
        assert careplan["activity"][0]["detail"]["goal"][0]["reference"].startswith("Goal/")
        assert seen["Task"][0]["basedOn"] == [{"reference": f"CarePlan/{filled.plan.pk}"}]

    def test_hpr_numbers_on_the_care_team(self, filled, plan_client):
        professional = filled.team_professional.professional
        professional.hpr_number = "9144889"
        professional.save()
        team = (
            plan_client("coordinator")
            .get(
                reverse(
                    "interop:read",
                    kwargs={"resource_type": "CareTeam", "resource_id": filled.plan.pk},
                )
            )
            .json()
        )
        validate(team)
        identifiers = [p["member"].get("identifier") for p in team["participant"]]
        assert {"system": fhir.HPR, "value": "9144889"} in identifiers

    def test_capability_statement(self, client):
        response = client.get(reverse("interop:metadata"))
        assert response.status_code == 200
        validate(response.json())


class TestRules:
    def test_consent_decides_what_a_relative_sees(self, filled, plan_client):
        person_id = filled.person_record.pk
        relative = plan_client("relative_with_consent")  # consent: plan and messages
        assert search(relative, "Goal", person_id).json()["total"] == 1
        assert search(relative, "Task", person_id).json()["total"] == 0
        professional = plan_client("team_professional")  # consent: plan, tasks, messages
        assert search(professional, "Task", person_id).json()["total"] == 1

    @pytest.mark.parametrize(
        "actor", ["colleague", "other_org", "relative_without", "child_welfare", "operator"]
    )
    def test_no_place_no_data_and_no_log(self, filled, plan_client, actor):
        before = AccessLogEntry.objects.count()
        response = search(plan_client(actor), "CarePlan", filled.person_record.pk)
        assert response.status_code == 404
        assert response.json()["resourceType"] == "OperationOutcome"
        assert b"Testesen" not in response.content
        assert AccessLogEntry.objects.count() == before

    def test_anonymous_is_asked_to_log_in(self, filled, client):
        response = search(client, "CarePlan", filled.person_record.pk)
        assert response.status_code == 401
        assert "Logg inn" in response.json()["issue"][0]["diagnostics"]

    def test_one_log_entry_per_read(self, filled, plan_client):
        client = plan_client("team_professional")
        before = AccessLogEntry.objects.count()
        search(client, "Goal", filled.person_record.pk)
        entry = AccessLogEntry.objects.order_by("-pk").first()
        assert AccessLogEntry.objects.count() == before + 1
        assert entry.person_id == filled.person_record.pk
        assert entry.category == "plan,tasks"

    def test_bad_search_input_is_a_norwegian_400(self, filled, plan_client):
        client = plan_client("coordinator")
        url = reverse("interop:search", kwargs={"resource_type": "Goal"})
        for params in [{}, {"patient": "abc"}, {"patient": "1", "_count": "x"}]:
            response = client.get(url, params)
            assert response.status_code == 400, params
            validate(response.json())
        assert "?patient=" in client.get(url).json()["issue"][0]["diagnostics"]
        assert "Si hvem" in client.get(url).json()["issue"][0]["diagnostics"]

    def test_paging_with_bundle_links(self, filled, plan_client):
        fill_plan(filled, 4)
        client = plan_client("coordinator")
        first = search(client, "Goal", filled.person_record.pk, _count=2).json()
        assert first["total"] == 5 and len(first["entry"]) == 2
        next_url = next(link["url"] for link in first["link"] if link["relation"] == "next")
        second = client.get(next_url).json()
        assert [e["resource"]["id"] for e in second["entry"]] != [
            e["resource"]["id"] for e in first["entry"]
        ]


class TestQueryCounts:
    def test_a_search_costs_the_same_with_ten_times_the_data(
        self, filled, plan_client, django_assert_num_queries, log_write_queries
    ):
        client = plan_client("team_professional")
        person_id = filled.person_record.pk
        search(client, "CarePlan", person_id)  # warm the session
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as small:
            search(client, "CarePlan", person_id)
        fill_plan(filled, 10)
        with django_assert_num_queries(len(small.captured_queries)):
            response = search(client, "CarePlan", person_id)
        assert len(response.json()["entry"][0]["resource"]["activity"]) == 11


class TestBulkExport:
    def test_the_owning_municipality_exports_ndjson_logged_per_person(self, filled, leader, client):
        client.force_login(leader)
        kickoff = client.get(
            reverse("interop:export_kickoff", kwargs={"organisation_id": filled.plan.owner_id})
        )
        assert kickoff.status_code == 202
        status_url = kickoff["Content-Location"]
        manifest = client.get(status_url)
        assert manifest.status_code == 200
        output = {o["type"]: o for o in manifest.json()["output"]}
        assert set(output) == {"Patient", "CarePlan", "CareTeam", "Goal", "Task"}
        lines = b"".join(client.get(output["CarePlan"]["url"]).streaming_content).splitlines()
        assert len(lines) == output["CarePlan"]["count"] == 1
        validate(json.loads(lines[0]))
        logged = AccessLogEntry.objects.filter(actor=leader, purpose="export")
        assert list(logged.values_list("person_id", flat=True)) == [filled.person_record.pk]

    @pytest.mark.parametrize("actor", ["coordinator", "team_professional", "person", "operator"])
    def test_others_may_not_export(self, filled, plan_client, actor):
        response = plan_client(actor).get(
            reverse("interop:export_kickoff", kwargs={"organisation_id": filled.plan.owner_id})
        )
        assert response.status_code == 403
        assert not ExportJob.objects.exists()

    def test_only_the_requester_reads_the_status_and_files(
        self, filled, leader, client, plan_client
    ):
        client.force_login(leader)
        client.get(
            reverse("interop:export_kickoff", kwargs={"organisation_id": filled.plan.owner_id})
        )
        job = ExportJob.objects.get()
        other = plan_client("coordinator")
        status = reverse("interop:export_status", kwargs={"job_id": job.pk})
        file = reverse("interop:export_file", kwargs={"job_id": job.pk, "resource_type": "Patient"})
        assert other.get(status).status_code == 404
        assert other.get(file).status_code == 404
        assert b"Testesen" not in other.get(file).content
