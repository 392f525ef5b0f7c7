"""Moving plans in from another individual-plan tool: one CSV file per table.

The template (docs/import-template.md): persons.csv, plans.csv, goals.csv, measures.csv,
team.csv, UTF-8, comma-separated, a header row. A dry run checks every row and lists every
problem by file and line, writing nothing; a real import checks the same way and then
writes everything in one transaction, or nothing at all.

Writes go through plans.services (the one audit path): persons and plans as the importing
professional, goals, measures and team members as the plan's coordinator (whose rights
those writes need).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laget.accounts.models import User
from laget.core.identifiers import is_valid_national_id
from laget.core.types import Actor
from laget.directory.models import Membership, Organisation, Service
from laget.plans import services as plan_services
from laget.plans.models import Goal, Person, TeamMember

from .access import may_bulk_export

COLUMNS = {
    "persons.csv": [
        "ref",
        "national_id",
        "first_name",
        "last_name",
        "birth_date",
        "phone",
        "email",
    ],
    "plans.csv": ["ref", "person_ref", "coordinator_email", "coordinator_service"],
    "goals.csv": ["ref", "plan_ref", "text", "life_area"],
    "measures.csv": ["plan_ref", "goal_ref", "title", "responsible_service", "starts", "ends"],
    "team.csv": ["plan_ref", "email", "role", "service"],
}
REQUIRED = {
    "persons.csv": ["ref", "first_name", "last_name", "birth_date"],
    "plans.csv": ["ref", "person_ref", "coordinator_email", "coordinator_service"],
    "goals.csv": ["ref", "plan_ref", "text", "life_area"],
    "measures.csv": ["plan_ref", "title"],
    "team.csv": ["plan_ref", "email", "role"],
}
TEAM_ROLES = {
    TeamMember.Role.RESPONSIBILITY_GROUP,
    TeamMember.Role.MEMBER,
    TeamMember.Role.RELATIVE,
}
REASON = "Flyttet inn fra et annet planverktøy"


@dataclass
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}, linje {self.line}: {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


class _Checker:
    def __init__(self, organisation: Organisation, files: dict[str, str]) -> None:
        self.organisation = organisation
        self.files = files
        self.report = Report()
        self.rows: dict[str, list[tuple[int, dict[str, str]]]] = {}
        self.services = {s.slug: s for s in Service.objects.select_related("organisation")}

    def problem(self, file: str, line: int, message: str) -> None:
        self.report.problems.append(Problem(file, line, message))

    def read(self) -> None:
        for name, columns in COLUMNS.items():
            text = self.files.get(name)
            if text is None:
                if name in ("persons.csv", "plans.csv"):
                    self.problem(name, 0, _("The file is missing."))
                self.rows[name] = []
                continue
            reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                self.problem(name, 1, _("Columns missing: %(c)s.") % {"c": ", ".join(missing)})
                self.rows[name] = []
                continue
            rows = []
            for row in reader:
                values = {k: (v or "").strip() for k, v in row.items() if k}
                for column in REQUIRED[name]:
                    if not values.get(column):
                        self.problem(name, reader.line_num, _("%(c)s is empty.") % {"c": column})
                rows.append((reader.line_num, values))
            self.rows[name] = rows
            self.report.counts[name] = len(rows)

    def check(self) -> None:
        person_refs = set()
        for line, row in self.rows["persons.csv"]:
            person_refs.add(row["ref"])
            number = row.get("national_id", "")
            if number and not is_valid_national_id(number):
                self.problem("persons.csv", line, _("The national id is not valid."))
            elif number and Person.objects.filter(national_id=number).exists():
                self.problem("persons.csv", line, _("This person is already in Laget."))
            if row["birth_date"] and _date(row["birth_date"]) is None:
                self.problem("persons.csv", line, _("Write the birth date as YYYY-MM-DD."))
        plan_refs = set()
        for line, row in self.rows["plans.csv"]:
            plan_refs.add(row["ref"])
            if row["person_ref"] and row["person_ref"] not in person_refs:
                self.problem("plans.csv", line, _("No person with this ref in persons.csv."))
            service = self.services.get(row["coordinator_service"])
            if row["coordinator_service"] and service is None:
                self.problem("plans.csv", line, _("No service with this short name."))
            works_there = (
                service is not None
                and Membership.objects.active()
                .filter(service=service, professional__user__email=row["coordinator_email"].lower())
                .exists()
            )
            if row["coordinator_email"] and service is not None and not works_there:
                self.problem("plans.csv", line, _("The coordinator does not work in that service."))
        goal_refs = set()
        for line, row in self.rows["goals.csv"]:
            goal_refs.add((row["plan_ref"], row["ref"]))
            if row["plan_ref"] not in plan_refs:
                self.problem("goals.csv", line, _("No plan with this ref in plans.csv."))
            if row["life_area"] not in Goal.LifeArea.values:
                self.problem("goals.csv", line, _("Unknown life area."))
        for line, row in self.rows["measures.csv"]:
            if row["plan_ref"] not in plan_refs:
                self.problem("measures.csv", line, _("No plan with this ref in plans.csv."))
            if row.get("goal_ref") and (row["plan_ref"], row["goal_ref"]) not in goal_refs:
                self.problem("measures.csv", line, _("No goal with this ref in the plan."))
            if row.get("responsible_service") and row["responsible_service"] not in self.services:
                self.problem("measures.csv", line, _("No service with this short name."))
            starts, ends = (_date(row[k]) if row.get(k) else None for k in ("starts", "ends"))
            if (row.get("starts") and starts is None) or (row.get("ends") and ends is None):
                self.problem("measures.csv", line, _("Write dates as YYYY-MM-DD."))
            elif starts and ends and ends < starts:
                self.problem("measures.csv", line, _("The measure cannot end before it starts."))
        for line, row in self.rows["team.csv"]:
            if row["plan_ref"] not in plan_refs:
                self.problem("team.csv", line, _("No plan with this ref in plans.csv."))
            if row["role"] not in TEAM_ROLES:
                self.problem("team.csv", line, _("The role must be group, member or relative."))
            if row["email"] and not User.objects.filter(email=row["email"].lower()).exists():
                self.problem("team.csv", line, _("No account with this e-mail address."))
            if row.get("service") and row["service"] not in self.services:
                self.problem("team.csv", line, _("No service with this short name."))


def import_plans(
    *, actor: Actor, organisation: Organisation, files: dict[str, str], dry_run: bool
) -> Report:
    """Check every row; unless it is a dry run and if nothing is wrong, write it all."""
    if not may_bulk_export(actor, organisation):
        raise PermissionDenied
    checker = _Checker(organisation, files)
    checker.read()
    checker.check()
    report = checker.report
    if dry_run or not report.ok:
        return report
    try:
        with transaction.atomic():
            _write(actor, organisation, checker)
    except (ValidationError, PermissionDenied) as exc:
        report.problems.append(Problem("-", 0, " ".join(getattr(exc, "messages", [str(exc)]))))
        return report
    report.written = True
    return report


def _write(actor: Actor, organisation: Organisation, checker: _Checker) -> None:
    services = checker.services
    persons: dict[str, Person] = {}
    for _line, row in checker.rows["persons.csv"]:
        birth = _date(row["birth_date"])
        if birth is None:  # checked above; kept for the type checker
            raise ValidationError(_("Write the birth date as YYYY-MM-DD."))
        persons[row["ref"]] = plan_services.person_create(
            actor=actor,
            first_name=row["first_name"],
            last_name=row["last_name"],
            birth_date=birth,
            national_id=row.get("national_id", ""),
            phone=row.get("phone", ""),
            email=row.get("email", ""),
        )
    plans: dict[str, Any] = {}
    coordinators: dict[str, User] = {}
    for _line, row in checker.rows["plans.csv"]:
        coordinator = User.objects.get(email=row["coordinator_email"].lower())
        plans[row["ref"]] = plan_services.plan_create(
            actor=actor,
            person=persons[row["person_ref"]],
            owner=organisation,
            coordinator=coordinator,
            coordinator_service=services[row["coordinator_service"]],
            reason=REASON,
        )
        coordinators[row["ref"]] = coordinator
    goals: dict[tuple[str, str], Goal] = {}
    for _line, row in checker.rows["goals.csv"]:
        goals[(row["plan_ref"], row["ref"])] = plan_services.goal_add(
            actor=coordinators[row["plan_ref"]],
            plan=plans[row["plan_ref"]],
            text=row["text"],
            life_area=row["life_area"],
        )
    for _line, row in checker.rows["measures.csv"]:
        plan_services.measure_add(
            actor=coordinators[row["plan_ref"]],
            plan=plans[row["plan_ref"]],
            title=row["title"],
            responsible_service=services.get(row.get("responsible_service", "")),
            goal=goals.get((row["plan_ref"], row.get("goal_ref", ""))),
            starts=_date(row["starts"]) if row.get("starts") else None,
            ends=_date(row["ends"]) if row.get("ends") else None,
        )
    for _line, row in checker.rows["team.csv"]:
        plan_services.team_member_add(
            actor=coordinators[row["plan_ref"]],
            plan=plans[row["plan_ref"]],
            user=User.objects.get(email=row["email"].lower()),
            role=row["role"],
            service=services.get(row.get("service", "")),
            reason=REASON,
        )
