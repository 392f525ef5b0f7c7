"""Bearer tokens with SMART-style scopes on the FHIR read API: a token reads as its user
(never more than the plan's rules give) and never more than its scopes; every actor ×
every scope kind; refusals log nothing; tokens do not export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from laget.audit.models import AccessLogEntry
from laget.conftest import make_professional
from laget.directory.models import Membership
from laget.interop import services
from laget.interop.access import parse_scopes, scope_allows
from laget.interop.models import ApiToken
from laget.interop.tests.test_access_matrix import ACTORS, READ, SEARCH_BY_TYPE
from laget.interop.tests.test_fhir import validate

pytestmark = pytest.mark.django_db

SCOPES = ["user/*.read", "user/CarePlan.read", "patient/*.read", "patient/*.read other"]


def search_url(kind: str, person_id: int) -> str:
    return reverse("interop:search", kwargs={"resource_type": kind}) + f"?patient={person_id}"


@pytest.fixture
def bearer(filled, leader):
    other_person = filled.person_record  # replaced below for "other"
    from laget.plans.models import Person

    other_person = Person.objects.create(
        first_name="Annen", last_name="Person", birth_date=dt.date(1980, 1, 1)
    )

    def make(actor: str, scope: str) -> Client:
        client = Client()
        user = leader if actor == "leader" else filled.actor(actor)
        if user is None:
            return client
        patient = None
        if scope.startswith("patient/"):
            patient = other_person if scope.endswith("other") else filled.person_record
        _token, raw = services.token_create(
            user=user, label="test", scopes=scope.split()[0], patient=patient
        )
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        return client

    return make


def expected(scope: str, kind: str, actor: str) -> int:
    if actor == "anonymous":
        return 401
    if scope == "user/CarePlan.read" and kind != "CarePlan":
        return 403
    if scope == "patient/*.read other":
        return 404
    return SEARCH_BY_TYPE[kind][actor]


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("kind", ["CarePlan", "Goal", "AuditEvent"])
def test_every_actor_every_scope(scope, kind, filled, bearer):
    url = search_url(kind, filled.person_record.pk)
    for actor in ACTORS:
        before = AccessLogEntry.objects.count()
        response = bearer(actor, scope).get(url)
        want = expected(scope, kind, actor)
        assert response.status_code == want, (scope, kind, actor, response.status_code)
        assert AccessLogEntry.objects.count() - before == (want == 200), (scope, kind, actor)
        if want != 200:
            assert b"Testesen" not in response.content
            validate(response.json())


def test_a_token_reads_by_id_within_its_patient_only(filled, bearer):
    read = reverse(
        "interop:read", kwargs={"resource_type": "CarePlan", "resource_id": filled.plan.pk}
    )
    assert bearer("person", "patient/*.read").get(read).status_code == 200
    assert bearer("person", "patient/*.read other").get(read).status_code == 404
    patient = reverse(
        "interop:read", kwargs={"resource_type": "Patient", "resource_id": filled.person_record.pk}
    )
    assert bearer("coordinator", "user/CarePlan.read").get(patient).status_code == 403
    assert bearer("coordinator", "user/*.read").get(patient).status_code == 200


def test_bad_expired_and_revoked_tokens_are_401_in_norwegian(filled, bearer):
    url = search_url("CarePlan", filled.person_record.pk)
    client = bearer("coordinator", "user/*.read")
    assert client.get(url).status_code == 200
    token = ApiToken.objects.get()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(url)
    assert response.status_code == 401
    assert "ikke gyldig" in response.json()["issue"][0]["diagnostics"]
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() + dt.timedelta(days=1), revoked_at=timezone.now()
    )
    assert client.get(url).status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer nonsense").get(url).status_code == 401
    assert ApiToken.objects.get().token_hash != ""  # only the hash is kept


def test_tokens_do_not_export(filled, leader):
    _token, raw = services.token_create(user=leader, label="x", scopes="user/*.read")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = reverse("interop:export_kickoff", kwargs={"organisation_id": filled.plan.owner_id})
    assert client.get(url).status_code == 403


def test_token_rules(filled):
    with pytest.raises(ValidationError, match="Ukjent"):
        services.token_create(user=filled.coordinator, label="x", scopes="user/*.write")
    with pytest.raises(ValidationError, match="person"):
        services.token_create(user=filled.person, label="x", scopes="patient/*.read")
    no_mfa = make_professional(filled.dps, Membership.Role.MEMBER, mfa=False)
    with pytest.raises(ValidationError, match="tofaktor"):
        services.token_create(user=no_mfa, label="x", scopes="user/*.read")
    assert parse_scopes("user/CarePlan.rs patient/*.read") == [
        ("user", "CarePlan"),
        ("patient", "*"),
    ]
    assert not scope_allows(
        [("patient", "*")], resource_type="Goal", person_id=1, token_patient=None
    )


def test_the_command_prints_a_working_token(filled, capsys):
    call_command("fhir_token", filled.coordinator.email, "--scope", "user/CarePlan.read")
    raw = capsys.readouterr().out.strip()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(search_url("CarePlan", filled.person_record.pk)).status_code == 200
    assert READ["coordinator"] == 200
