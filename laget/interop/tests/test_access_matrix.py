"""Every FHIR route × every kind of actor in security.md (and the owning municipality's
leader, who may bulk-export), then every HTTP method (laget.tests.sweep).

Allowed reads write exactly one access-log entry per request; refusals write none and
show no personal data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from laget.audit.models import AccessLogEntry
from laget.interop.models import ExportJob
from laget.interop.selectors import MORE_TYPES
from laget.interop.views import SEARCHABLE
from laget.plans.tests.conftest import PLAN_ACTORS
from laget.tests.sweep import sweep

pytestmark = pytest.mark.django_db

ACTORS = [*PLAN_ACTORS, "leader"]
EVERYONE = dict.fromkeys(ACTORS, 200)
READ = dict.fromkeys(ACTORS, 404) | {
    "anonymous": 401,
    "coordinator": 200,
    "team_professional": 200,
    "person": 200,
    "relative_with_consent": 200,
}
EXPORT = dict.fromkeys(ACTORS, 403) | {"anonymous": 401, "leader": 202}
EXPORT_RESULT = dict.fromkeys(ACTORS, 404) | {"anonymous": 401, "leader": 200}


def search_url(w, job):
    url = reverse("interop:search", kwargs={"resource_type": "CarePlan"})
    return f"{url}?patient={w.person_record.pk}"


def read_url(w, job):
    return reverse("interop:read", kwargs={"resource_type": "CarePlan", "resource_id": w.plan.pk})


def patient_url(w, job):
    return reverse(
        "interop:read", kwargs={"resource_type": "Patient", "resource_id": w.person_record.pk}
    )


INTEROP_MATRIX = {
    "interop:metadata": (lambda w, job: reverse("interop:metadata"), EVERYONE),
    "interop:search": (search_url, READ),
    "interop:read": (read_url, READ),
    "interop:export_kickoff": (
        lambda w, job: reverse(
            "interop:export_kickoff", kwargs={"organisation_id": w.plan.owner_id}
        ),
        EXPORT,
    ),
    "interop:export_status": (
        lambda w, job: reverse("interop:export_status", kwargs={"job_id": job.pk}),
        EXPORT_RESULT,
    ),
    "interop:export_file": (
        lambda w, job: reverse(
            "interop:export_file", kwargs={"job_id": job.pk, "resource_type": "Patient"}
        ),
        EXPORT_RESULT,
    ),
}
# Exports people ask for (item 6): the plan as a spreadsheet for whoever may read the plan
# (not under emergency access: test_exports.py); the person's own copy for the person only.
# Anonymous is sent to the login page.
SPREADSHEET = dict.fromkeys(ACTORS, 404) | {
    "anonymous": 302,
    "coordinator": 200,
    "team_professional": 200,
    "person": 200,
    "relative_with_consent": 200,
}
OWN_COPY = dict.fromkeys(ACTORS, 404) | {"anonymous": 302, "person": 200}
INTEROP_MATRIX |= {
    "interop:plan_csv": (
        lambda w, job: reverse("interop:plan_csv", kwargs={"plan_id": w.plan.pk}),
        SPREADSHEET,
    ),
    "interop:plan_xlsx": (
        lambda w, job: reverse("interop:plan_xlsx", kwargs={"plan_id": w.plan.pk}),
        SPREADSHEET,
    ),
    "interop:my_copy": (lambda w, job: reverse("interop:my_copy"), OWN_COPY),
}
READS = {
    "interop:search",
    "interop:read",
    "interop:plan_csv",
    "interop:plan_xlsx",
    "interop:my_copy",
}

# Every resource type's search, for every actor: the same door as the plan; the person's
# own access log (AuditEvent) only for the person. (What a consent leaves out is an empty
# bundle, tested in test_fhir_more.)
CORE_TYPES = ("Patient", "CarePlan", "CareTeam", "Goal", "Task", "Organization")
SEARCH_BY_TYPE = dict.fromkeys((*CORE_TYPES, *MORE_TYPES), READ) | {
    "AuditEvent": READ
    | {"coordinator": 404, "team_professional": 404, "relative_with_consent": 404}
}


@pytest.fixture
def clients(filled, leader):
    def make(actor: str) -> Client:
        client = Client()
        user = leader if actor == "leader" else filled.actor(actor)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def job(filled, leader):
    client = Client()
    client.force_login(leader)
    client.get(reverse("interop:export_kickoff", kwargs={"organisation_id": filled.plan.owner_id}))
    return ExportJob.objects.get()


@pytest.mark.parametrize("route", sorted(INTEROP_MATRIX))
def test_route_for_every_actor(route, filled, job, clients):
    url_for, expected = INTEROP_MATRIX[route]
    assert set(expected) == set(ACTORS)
    url = url_for(filled, job)
    for actor in ACTORS:
        before = AccessLogEntry.objects.count()
        response = clients(actor).get(url)
        assert response.status_code == expected[actor], (route, actor, response.status_code)
        logged = AccessLogEntry.objects.count() - before
        if route in READS:
            assert logged == (1 if expected[actor] == 200 else 0), (route, actor)
        elif route != "interop:export_kickoff":
            assert logged == 0, (route, actor)
        if expected[actor] >= 400:
            assert b"Testesen" not in response.content, (route, actor)


def test_patient_read_follows_the_plan(filled, clients):
    for actor in ACTORS:
        response = clients(actor).get(patient_url(filled, None))
        assert response.status_code == READ[actor], actor


@pytest.mark.parametrize("route", sorted(INTEROP_MATRIX))
def test_every_method_for_every_actor(route, filled, job, clients):
    url_for, expected = INTEROP_MATRIX[route]
    sweep(
        route=route,
        url=url_for(filled, job),
        expected=expected,
        client_for=clients,
        secret=b"Testesen",
    )


def type_url(w, kind: str) -> str:
    url = reverse("interop:search", kwargs={"resource_type": kind})
    return f"{url}?patient={w.person_record.pk}"


def test_every_served_type_has_a_row():
    assert set(SEARCH_BY_TYPE) == set(SEARCHABLE)


@pytest.mark.parametrize("kind", sorted(SEARCH_BY_TYPE))
def test_every_type_for_every_actor_logs_once(kind, filled, clients):
    expected = SEARCH_BY_TYPE[kind]
    assert set(expected) == set(ACTORS)
    for actor in ACTORS:
        before = AccessLogEntry.objects.count()
        response = clients(actor).get(type_url(filled, kind))
        assert response.status_code == expected[actor], (kind, actor, response.status_code)
        assert AccessLogEntry.objects.count() - before == (expected[actor] == 200), (kind, actor)
        if expected[actor] >= 400:
            assert b"Testesen" not in response.content, (kind, actor)
            assert response.json()["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize("kind", sorted(set(MORE_TYPES)))
def test_every_method_for_every_type(kind, filled, job, clients):
    sweep(
        route=f"interop:search {kind}",
        url=type_url(filled, kind),
        expected=SEARCH_BY_TYPE[kind],
        client_for=clients,
        secret=b"Testesen",
    )
