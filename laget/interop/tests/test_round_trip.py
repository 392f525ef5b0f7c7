"""A plan goes out through the bulk export and comes back in through the Bundle import;
what comes back is compared with what went out (ids aside)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import transaction

from laget.interop import resources as fhir
from laget.interop import services
from laget.interop.bundle_import import import_bundle
from laget.interop.tasks import export_run
from laget.plans import services as plan_services
from laget.plans.demo import synthetic_national_id
from laget.plans.models import Person

pytestmark = pytest.mark.django_db

NUMBER = synthetic_national_id(dt.date(1992, 2, 2), 180)


class Rollback(Exception):
    pass


def export_person(world, leader, national_id: str) -> dict[str, list[dict]]:
    job = services.export_start(actor=leader, organisation=world.plan.owner)
    job = export_run(job_id=job.pk)
    person_id = Person.objects.get(national_id=national_id).pk
    out: dict[str, list[dict]] = {}
    for kind in ["Patient", "CarePlan", "Goal"]:
        path = services.export_dir(job) / f"{kind}.ndjson"
        for line in path.read_text().splitlines():
            resource = json.loads(line)
            mine = (
                resource.get("id") == str(person_id)
                if kind == "Patient"
                else resource["subject"]["reference"] == f"Patient/{person_id}"
            )
            if mine:
                out.setdefault(kind, []).append(resource)
    return out


def comparable(resources: dict[str, list[dict]]) -> dict:
    (patient,) = resources["Patient"]
    (plan,) = resources["CarePlan"]
    return {
        "patient": (
            [i for i in patient["identifier"] if i["system"] == fhir.FNR],
            patient["name"],
            patient["birthDate"],
        ),
        "plan": (
            plan["status"],
            sorted(
                (
                    a["detail"]["description"],
                    a["detail"]["status"],
                    a["detail"]["performer"][0]["identifier"]["value"],
                    json.dumps(a["detail"].get("scheduledPeriod"), sort_keys=True),
                )
                for a in plan["activity"]
            ),
            len(plan["goal"]),
        ),
        "goals": sorted(
            (g["description"]["text"], g["category"][0]["coding"][0]["code"], g["lifecycleStatus"])
            for g in resources["Goal"]
        ),
    }


def test_a_plan_survives_export_and_bundle_import(plan_world, leader):
    world = plan_world
    try:
        with transaction.atomic():
            person = plan_services.person_create(
                actor=world.coordinator,
                first_name="Rune",
                last_name="Rundtur",
                birth_date=dt.date(1992, 2, 2),
                national_id=NUMBER,
            )
            plan = plan_services.plan_create(
                actor=world.coordinator,
                person=person,
                owner=world.plan.owner,
                coordinator=world.coordinator,
                coordinator_service=world.municipal,
                reason="Rundtur",
            )
            for text, area, service in [
                ("Egen leilighet innen sommeren", "housing", world.municipal),
                ("Komme i jobb på dagtid", "work", world.dps),
            ]:
                goal = plan_services.goal_add(
                    actor=world.coordinator, plan=plan, text=text, life_area=area
                )
                plan_services.measure_add(
                    actor=world.coordinator,
                    plan=plan,
                    title=f"Tiltak: {text}",
                    responsible_service=service,
                    goal=goal,
                    starts=dt.date(2026, 1, 5),
                    ends=dt.date(2026, 8, 1),
                )
            before = export_person(world, leader, NUMBER)
            raise Rollback
    except Rollback:
        pass
    assert not Person.objects.filter(national_id=NUMBER).exists()

    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for kind in before.values() for r in kind],
    }
    report = import_bundle(
        actor=leader,
        organisation=world.plan.owner,
        bundle=bundle,
        coordinator_email=world.coordinator.email,
        coordinator_service=world.municipal,
        dry_run=False,
    )
    assert report.written, report.problems
    after = export_person(world, leader, NUMBER)
    assert comparable(after) == comparable(before)


def test_a_bundle_with_a_bad_entry_writes_nothing(plan_world, leader):
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": 3}]}
    report = import_bundle(
        actor=leader,
        organisation=plan_world.plan.owner,
        bundle=bundle,
        coordinator_email=plan_world.coordinator.email,
        coordinator_service=plan_world.municipal,
        dry_run=False,
    )
    assert not report.written
    assert str(report.problems[0]).startswith("Bundle, linje 1")
