"""A FHIR Bundle of CarePlans moved in: Patients, CarePlans (measures as activities) and
Goals become the same rows a CSV import has, and go through the same checks, dry run and
all-or-nothing write (interop.csv_import).

The Bundle does not say who coordinates in Laget: the importer names the coordinator and
their service. Care teams are not imported (their members need accounts in Laget first).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from laget.core.types import Actor
from laget.directory.models import Organisation, Service

from . import resources as fhir
from .csv_import import COLUMNS, Problem, Report, import_plans


def _csv(name: str, rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS[name])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _ref(reference: dict[str, Any] | None) -> str:
    return str((reference or {}).get("reference", "")).rpartition("/")[2]


def bundle_to_files(
    bundle: dict[str, Any], *, coordinator_email: str, coordinator_service: Service
) -> tuple[dict[str, str], list[Problem]]:
    problems: list[Problem] = []
    by_type: dict[str, list[dict[str, Any]]] = {}
    for n, entry in enumerate(bundle.get("entry") or [], start=1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or "resourceType" not in resource:
            problems.append(Problem("Bundle", n, _("This entry holds no resource.")))
            continue
        by_type.setdefault(resource["resourceType"], []).append(resource)
    persons, plans, goals, measures = [], [], [], []
    national = {fhir.FNR, fhir.DNR, fhir.FHN}
    for patient in by_type.get("Patient", []):
        name = (patient.get("name") or [{}])[0]
        number = next(
            (i["value"] for i in patient.get("identifier", []) if i.get("system") in national), ""
        )
        persons.append(
            {
                "ref": str(patient.get("id", "")),
                "national_id": number,
                "first_name": " ".join(name.get("given") or []),
                "last_name": name.get("family", ""),
                "birth_date": patient.get("birthDate", ""),
                "phone": "",
                "email": "",
            }
        )
    goal_life_area = {}
    for goal in by_type.get("Goal", []):
        coding = ((goal.get("category") or [{}])[0].get("coding") or [{}])[0]
        goal_life_area[str(goal.get("id"))] = (goal, coding.get("code") or "other")
    for plan in by_type.get("CarePlan", []):
        plan_ref = str(plan.get("id", ""))
        plans.append(
            {
                "ref": plan_ref,
                "person_ref": _ref(plan.get("subject")),
                "coordinator_email": coordinator_email,
                "coordinator_service": coordinator_service.slug,
            }
        )
        for reference in plan.get("goal", []):
            goal_id = _ref(reference)
            if goal_id in goal_life_area:
                goal, area = goal_life_area[goal_id]
                goals.append(
                    {
                        "ref": goal_id,
                        "plan_ref": plan_ref,
                        "text": (goal.get("description") or {}).get("text", ""),
                        "life_area": area,
                    }
                )
        for activity in plan.get("activity", []):
            detail = activity.get("detail") or {}
            performer = (detail.get("performer") or [{}])[0]
            period = detail.get("scheduledPeriod") or {}
            measures.append(
                {
                    "plan_ref": plan_ref,
                    "goal_ref": _ref((detail.get("goal") or [None])[0]),
                    "title": detail.get("description", ""),
                    "responsible_service": (performer.get("identifier") or {}).get("value", ""),
                    "starts": period.get("start", ""),
                    "ends": period.get("end", ""),
                }
            )
    files = {
        "persons.csv": _csv("persons.csv", persons),
        "plans.csv": _csv("plans.csv", plans),
        "goals.csv": _csv("goals.csv", goals),
        "measures.csv": _csv("measures.csv", measures),
    }
    return files, problems


def import_bundle(
    *,
    actor: Actor,
    organisation: Organisation,
    bundle: dict[str, Any],
    coordinator_email: str,
    coordinator_service: Service,
    dry_run: bool,
) -> Report:
    if bundle.get("resourceType") != "Bundle":
        return Report(problems=[Problem("Bundle", 0, _("This is not a FHIR Bundle."))])
    files, problems = bundle_to_files(
        bundle, coordinator_email=coordinator_email, coordinator_service=coordinator_service
    )
    if problems:
        return Report(problems=problems)
    return import_plans(actor=actor, organisation=organisation, files=files, dry_run=dry_run)
