"""The rest of item 3: RelatedPerson, Communication, Consent, PractitionerRole,
HealthcareService, Appointment, QuestionnaireResponse and AuditEvent, and `_lastUpdated`.

Each validates with fhir.resources (R4B), follows the plan's rules and consents, writes one
access-log entry per request, and costs the same number of queries with ten times the data.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from laget.audit.models import AccessLogEntry
from laget.interop import resources as fhir
from laget.interop.selectors import MORE_TYPES
from laget.interop.tests.conftest import fill_plan
from laget.interop.tests.test_fhir import search, validate
from laget.meetings import services as meetings
from laget.outcomes.tests.factories import rate
from laget.plans import services as plans
from laget.plans.models import Message

pytestmark = pytest.mark.django_db


def fill_more(world, n: int = 1) -> None:
    """n messages, n meetings and n ratings, written through the services."""
    fill_plan(world, n)
    starts = timezone.now() + dt.timedelta(days=3)
    for i in range(n):
        plans.message_post(actor=world.coordinator, plan=world.plan, body=f"Melding {i}")
        meetings.group_meeting_schedule(
            actor=world.coordinator,
            plan=world.plan,
            starts_at=starts + dt.timedelta(days=i),
            ends_at=starts + dt.timedelta(days=i, hours=1),
            place="Testvik rådhus",
        )
        rate(world, "outcome", 20 + i % 10)


@pytest.fixture
def more(filled):
    professional = filled.team_professional.professional
    professional.hpr_number = "9144889"
    professional.save()
    fill_more(filled)
    return filled


def entries(response) -> list[dict]:
    return [e["resource"] for e in response.json().get("entry", [])]


class TestResources:
    def test_every_new_resource_validates_with_the_norwegian_systems(self, more, plan_client):
        person = plan_client("person")
        coordinator = plan_client("coordinator")
        seen = {}
        for kind in MORE_TYPES:
            client = person if kind == "AuditEvent" else coordinator
            response = search(client, kind, more.person_record.pk)
            assert response.status_code == 200, (kind, response.content[:300])
            validate(response.json())
            seen[kind] = entries(response)
            assert seen[kind], kind
            for resource in seen[kind]:
                assert resource["resourceType"] == kind
                validate(resource)
        relatives = {r["name"][0]["given"][0] for r in seen["RelatedPerson"]}
        assert relatives == {"Mor", "Bror"}
        assert seen["Communication"][0]["payload"] == [{"contentString": "Melding 0"}]
        assert {c["status"] for c in seen["Consent"]} == {"active"}
        hpr = [r["practitioner"].get("identifier") for r in seen["PractitionerRole"]]
        assert {"system": fhir.HPR, "value": "9144889"} in hpr
        providers = {s["providedBy"]["identifier"]["system"] for s in seen["HealthcareService"]}
        assert providers == {fhir.ENH}
        appointment = seen["Appointment"][0]
        assert appointment["status"] == "booked"
        assert {
            "actor": {"reference": f"Patient/{more.person_record.pk}"},
            "status": "accepted",
        } in (appointment["participant"])
        ratings = seen["QuestionnaireResponse"]
        total = {"linkId": "total", "answer": [{"valueDecimal": 20.0}]}
        assert total in ratings[0]["item"]
        assert all(e["agent"][0]["who"]["display"] for e in seen["AuditEvent"])

    def test_the_capability_statement_names_every_type(self, client):
        statement = client.get(reverse("interop:metadata")).json()
        validate(statement)
        served = {r["type"]: r for r in statement["rest"][0]["resource"]}
        assert set(MORE_TYPES) <= set(served)
        params = {p["name"] for p in served["Communication"]["searchParam"]}
        assert "_lastUpdated" in params
        assert "_lastUpdated" not in {p["name"] for p in served["Goal"]["searchParam"]}


# What each actor gets: the HTTP status and whether anything is in the bundle.
SEES = {
    "Communication": {"coordinator", "team_professional", "person", "relative_with_consent"},
    "QuestionnaireResponse": {"coordinator", "person"},
    "Consent": {"coordinator", "person"},
    "AuditEvent": {"person"},
}
ON_THE_PLAN = {"coordinator", "team_professional", "person", "relative_with_consent"}


class TestRules:
    @pytest.mark.parametrize("kind", MORE_TYPES)
    def test_consents_and_the_plan_decide_and_each_read_logs_once(self, kind, more, plan_client):
        from laget.plans.tests.conftest import PLAN_ACTORS

        search(plan_client("coordinator"), "CarePlan", more.person_record.pk)  # a read to see
        for actor in PLAN_ACTORS:
            before = AccessLogEntry.objects.count()
            response = search(plan_client(actor), kind, more.person_record.pk)
            logged = AccessLogEntry.objects.count() - before
            if actor == "anonymous":
                assert response.status_code == 401
            elif actor not in ON_THE_PLAN or (kind == "AuditEvent" and actor != "person"):
                assert response.status_code == 404, (kind, actor)
                assert b"Testesen" not in response.content
                assert logged == 0, (kind, actor)
                continue
            else:
                assert response.status_code == 200, (kind, actor)
                shown = bool(entries(response))
                assert shown == (actor in SEES.get(kind, ON_THE_PLAN)), (kind, actor)
                assert logged == 1, (kind, actor)
            if actor == "anonymous":
                assert logged == 0

    def test_messages_are_logged_as_messages(self, more, plan_client):
        search(plan_client("relative_with_consent"), "Communication", more.person_record.pk)
        assert AccessLogEntry.objects.order_by("-pk").first().category == "plan,messages"
        search(plan_client("team_professional"), "QuestionnaireResponse", more.person_record.pk)
        assert AccessLogEntry.objects.order_by("-pk").first().category == "plan"

    def test_the_person_sees_who_read_their_plan(self, more, plan_client):
        search(plan_client("team_professional"), "Goal", more.person_record.pk)
        events = entries(search(plan_client("person"), "AuditEvent", more.person_record.pk))
        assert events[0]["agent"][0]["who"]["display"] == more.team_professional.get_full_name()
        assert events[0]["entity"][0]["description"] == "plan,tasks"


class TestLastUpdated:
    def test_ge_le_gt_lt_on_types_that_keep_the_time(self, more, plan_client):
        client = plan_client("coordinator")
        person_id = more.person_record.pk
        old = Message.objects.get()
        Message.objects.filter(pk=old.pk).update(
            created_at=dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC)
        )
        plans.message_post(actor=more.coordinator, plan=more.plan, body="Ny melding")

        def ids(*values):
            response = search(client, "Communication", person_id, _lastUpdated=list(values))
            assert response.status_code == 200, response.content
            return [r["payload"][0]["contentString"] for r in entries(response)]

        assert ids("ge2026-01-10") == ["Melding 0", "Ny melding"]
        assert ids("gt2026-01-10") == ["Ny melding"]
        assert ids("le2026-01-10") == ["Melding 0"]
        assert ids("lt2026-01-10") == []
        assert ids("ge2026-01-10", "le2026-01-10") == ["Melding 0"]
        assert ids("gt2026-01-10T11:00:00+00:00", "lt2026-01-10T13:00:00+00:00") == ["Melding 0"]
        today = timezone.localdate().isoformat()
        plan = entries(search(client, "CarePlan", person_id, _lastUpdated=f"ge{today}"))
        assert len(plan) == 1
        audit = search(plan_client("person"), "AuditEvent", person_id, _lastUpdated="lt2026-01-01")
        assert entries(audit) == []

    def test_types_without_a_time_say_so_and_bad_values_are_a_norwegian_400(
        self, more, plan_client
    ):
        client = plan_client("coordinator")
        before = AccessLogEntry.objects.count()
        for kind, value in [
            ("Goal", "ge2026-01-01"),
            ("Communication", "2026-01-01"),
            ("Communication", "ge2026-13-01"),
            ("Consent", "gefoo"),
        ]:
            response = search(client, kind, more.person_record.pk, _lastUpdated=value)
            assert response.status_code == 400, (kind, value)
            validate(response.json())
            assert response.json()["issue"][0]["diagnostics"]
        assert (
            "_lastUpdated"
            in search(client, "Goal", more.person_record.pk, _lastUpdated="ge2026-01-01").json()[
                "issue"
            ][0]["diagnostics"]
        )
        assert AccessLogEntry.objects.count() == before

    def test_paging_keeps_the_filter(self, more, plan_client):
        fill_more(more, 3)
        client = plan_client("coordinator")
        first = search(
            client, "Communication", more.person_record.pk, _lastUpdated="ge2020-01-01", _count=2
        ).json()
        assert first["total"] == 4
        next_url = next(link["url"] for link in first["link"] if link["relation"] == "next")
        assert "_lastUpdated=ge2020-01-01" in next_url
        assert len(client.get(next_url).json()["entry"]) == 2


class TestQueryCounts:
    @pytest.mark.parametrize("kind", MORE_TYPES)
    def test_the_same_with_ten_times_the_data(
        self, kind, more, plan_client, django_assert_num_queries
    ):
        client = plan_client("person" if kind == "AuditEvent" else "coordinator")
        person_id = more.person_record.pk
        search(client, kind, person_id)  # warm the session
        search(plan_client("coordinator"), "CarePlan", person_id)  # a read to see
        with CaptureQueriesContext(connection) as small:
            first = search(client, kind, person_id)
        assert first.status_code == 200, first.content[:300]
        # Counted now: the next request clears the connection's query log.
        queries = len(small.captured_queries)
        fill_more(more, 10)
        for _ in range(10):  # ten times the reads for the person's access log
            search(plan_client("coordinator"), "CarePlan", person_id)
        assert queries > 3
        with django_assert_num_queries(queries):
            response = search(client, kind, person_id)
        if kind in ("Communication", "Appointment", "QuestionnaireResponse", "AuditEvent"):
            assert response.json()["total"] > first.json()["total"]


class TestAuditEvent:
    def test_paged_in_the_database_newest_first(self, more, plan_client):
        coordinator = plan_client("coordinator")
        for _ in range(5):
            search(coordinator, "CarePlan", more.person_record.pk)
        person = plan_client("person")
        search(person, "Goal", more.person_record.pk)  # the person's own reads are left out
        first = search(person, "AuditEvent", more.person_record.pk, _count=2).json()
        assert first["total"] == 5 and len(first["entry"]) == 2
        assert {e["resource"]["agent"][0]["who"]["display"] for e in first["entry"]} == {
            more.coordinator.get_full_name()
        }
        next_url = next(link["url"] for link in first["link"] if link["relation"] == "next")
        second = person.get(next_url).json()
        assert second["total"] == 5 and len(second["entry"]) == 2
        seen = [e["resource"]["id"] for e in first["entry"] + second["entry"]]
        assert len(set(seen)) == 4 and seen == sorted(seen, key=int, reverse=True)


class TestReadById:
    @pytest.mark.parametrize(
        "kind",
        sorted(
            [
                "Goal",
                "Task",
                "Communication",
                "RelatedPerson",
                "PractitionerRole",
                "Appointment",
                "QuestionnaireResponse",
            ]
        ),
    )
    def test_what_a_search_finds_reads_by_its_id_and_logs_once(self, kind, more, plan_client):
        from laget.plans.tests.conftest import PLAN_ACTORS

        found = entries(search(plan_client("coordinator"), kind, more.person_record.pk))
        url = reverse("interop:read", kwargs={"resource_type": kind, "resource_id": found[0]["id"]})
        sees = SEES.get(kind, ON_THE_PLAN) | ({"coordinator"} if kind != "AuditEvent" else set())
        if kind == "Task":
            sees = {"coordinator", "team_professional", "person"}
        for actor in PLAN_ACTORS:
            before = AccessLogEntry.objects.count()
            response = plan_client(actor).get(url)
            logged = AccessLogEntry.objects.count() - before
            if actor == "anonymous":
                assert response.status_code == 401
            elif actor in sees:
                assert response.status_code == 200, (kind, actor, response.content[:200])
                assert response.json() == found[0]
                validate(response.json())
                assert logged == 1, (kind, actor)
            else:
                assert response.status_code == 404, (kind, actor)
                assert b"Testesen" not in response.content
                # Refused at the plan: nothing logged. On the plan but not covered by a
                # consent: the plan was opened and is logged, the resource is not shown.
                assert logged == (1 if actor in ON_THE_PLAN else 0), (kind, actor)

    def test_an_unknown_id_is_not_found(self, more, plan_client):
        url = reverse("interop:read", kwargs={"resource_type": "Goal", "resource_id": 10**9})
        response = plan_client("coordinator").get(url)
        assert response.status_code == 404
        validate(response.json())
