"""The person's municipality district (issue 19): optional, set at registration, only one
of the districts of a network the registering service is in; a district from another
network, or a made-up one, gets a Norwegian message and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import override

from laget.directory.models import District
from laget.directory.tests.factories import NetworkFactory
from laget.plans import registration
from laget.plans.demo import synthetic_national_id
from laget.plans.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def districts(plan_world):
    ours = NetworkFactory(name="Testvik nettverk", slug="testvik-nett")
    ours.organisations.set([plan_world.municipal.organisation])
    theirs = NetworkFactory(name="Annet nettverk", slug="annet-nett")
    return (
        District.objects.create(network=ours, name="Sentrum"),
        District.objects.create(network=ours, name="Øyane"),
        District.objects.create(network=theirs, name="Fjellet"),
    )


def form_data(w, **extra):
    return {
        "service": w.municipal.pk,
        "national_id": synthetic_national_id(dt.date(1991, 2, 3)),
        "first_name": "Kari",
        "last_name": "Distriktsen",
        "birth_date": "1991-02-03",
        "preferred_language": "nb",
        **extra,
    }


def test_the_district_is_chosen_at_registration(plan_world, plan_client, districts):
    _sentrum, oyane, _fjellet = districts
    client = plan_client("coordinator")
    page = client.get(reverse("plans:register")).content.decode()
    # Only the districts of the service's network are offered.
    assert "Sentrum" in page and "Øyane" in page and "Fjellet" not in page
    assert "Ikke registrert" in page
    response = client.post(reverse("plans:register"), form_data(plan_world, district=oyane.pk))
    assert response.status_code == 302
    assert Person.objects.get(last_name="Distriktsen").district == oyane


def test_optional(plan_world, plan_client, districts):
    response = plan_client("coordinator").post(reverse("plans:register"), form_data(plan_world))
    assert response.status_code == 302
    assert Person.objects.get(last_name="Distriktsen").district is None


def test_another_networks_district_is_refused_in_norwegian(plan_world, plan_client, districts):
    _sentrum, _oyane, fjellet = districts
    client = plan_client("coordinator")
    for bad in (fjellet.pk, 999999, "x"):
        response = client.post(reverse("plans:register"), form_data(plan_world, district=bad))
        assert response.status_code == 400, bad
        assert "Velg en av kommunedelene" in response.content.decode(), bad
    assert not Person.objects.filter(last_name="Distriktsen").exists()
    # The service layer refuses it too (the API and any other caller).
    with pytest.raises(ValidationError) as exc, override("nb"):
        registration.person_register(
            actor=plan_world.coordinator,
            service=plan_world.municipal,
            national_id=synthetic_national_id(dt.date(1991, 2, 3)),
            first_name="Kari",
            last_name="Distriktsen",
            birth_date=dt.date(1991, 2, 3),
            district=fjellet,
        )
    with override("nb"):
        assert "Velg en av kommunedelene" in " ".join(exc.value.messages)
    assert not Person.objects.filter(last_name="Distriktsen").exists()


def test_no_districts_no_field(plan_world, plan_client):
    page = plan_client("coordinator").get(reverse("plans:register")).content.decode()
    assert 'name="district"' not in page


# Setting the district (POST): the person and the coordinator (they manage the team);
# a reader of the plan gets 403, anyone else 404 (the plan's existence is not theirs).
SET = {"anonymous": 302, "coordinator": 302, "person": 302}


def test_setting_the_district_for_every_actor(plan_world, plan_client, districts):
    from laget.audit.models import ChangeRecord
    from laget.plans.tests.conftest import PLAN_ACTORS
    from laget.plans.tests.test_access_matrix import MANAGE

    sentrum, oyane, _fjellet = districts
    url = reverse("plans:person_district", kwargs={"plan_id": plan_world.plan.pk})
    person = plan_world.plan.person
    for actor in PLAN_ACTORS:
        person.refresh_from_db()
        was = person.district_id or ""
        target = oyane if person.district_id == sentrum.pk else sentrum
        response = plan_client(actor).post(url, {"district": target.pk, "was": was})
        expected = SET.get(actor, MANAGE[actor])
        assert response.status_code == expected, (actor, response.status_code)
        person.refresh_from_db()
        changed = person.district_id == target.pk
        assert changed == (actor in ("coordinator", "person")), actor
    assert ChangeRecord.objects.filter(action="person_district_set").count() == 2
    # The page shows the choice to those two, with the network's districts only.
    page = plan_client("coordinator").get(url).content.decode()
    assert "Sentrum" in page and "Øyane" in page and "Fjellet" not in page


def test_setting_a_bad_or_stale_district_changes_nothing(plan_world, plan_client, districts):
    sentrum, oyane, fjellet = districts
    url = reverse("plans:person_district", kwargs={"plan_id": plan_world.plan.pk})
    client = plan_client("coordinator")
    for bad in (fjellet.pk, 999999, "x"):
        response = client.post(url, {"district": bad, "was": ""})
        assert response.status_code == 400, bad
        assert "Velg en av kommunedelene" in response.content.decode()
    person = plan_world.plan.person
    person.refresh_from_db()
    assert person.district is None
    # The person sets Øyane; the coordinator's form still shows "not recorded": refused.
    assert plan_client("person").post(url, {"district": oyane.pk, "was": ""}).status_code == 302
    stale = client.post(url, {"district": sentrum.pk, "was": ""})
    assert stale.status_code == 409
    assert "Noen andre endret kommunedelen" in stale.content.decode()
    person.refresh_from_db()
    assert person.district == oyane


def test_the_api_registers_with_a_district_of_its_own_network_only(
    plan_world, plan_client, districts
):
    _sentrum, oyane, fjellet = districts
    client = plan_client("coordinator")
    url = reverse("api-v1:register_person")

    def body(district_id, born):
        return {
            "service_id": plan_world.municipal.pk,
            "national_id": synthetic_national_id(born),
            "first_name": "Api",
            "last_name": "Distriktsen",
            "birth_date": born.isoformat(),
            "district_id": district_id,
        }

    for bad in (fjellet.pk, 999999):
        response = client.post(url, body(bad, dt.date(1992, 3, 4)), content_type="application/json")
        assert response.status_code == 422, bad
        assert "Velg en av kommunedelene" in response.content.decode(), bad
    assert not Person.objects.filter(first_name="Api").exists()
    ok = client.post(url, body(oyane.pk, dt.date(1993, 4, 5)), content_type="application/json")
    assert ok.status_code == 201
    assert Person.objects.get(first_name="Api").district == oyane


def test_the_service_refuses_another_networks_district_in_norwegian(plan_world, districts):
    _sentrum, _oyane, fjellet = districts
    with override("nb"), pytest.raises(ValidationError) as exc:
        registration.person_district_set(
            actor=plan_world.coordinator, plan=plan_world.plan, district=fjellet, was_id=None
        )
    with override("nb"):
        assert "Velg en av kommunedelene" in " ".join(exc.value.messages)
    plan_world.plan.person.refresh_from_db()
    assert plan_world.plan.person.district is None
