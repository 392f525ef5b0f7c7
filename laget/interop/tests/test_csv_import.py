"""Moving plans in from CSV: a dry run names the file and line of every problem; a file
with one bad row writes nothing; a clean set writes everything through plans.services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from laget.audit.models import ChangeRecord
from laget.interop.csv_import import import_plans
from laget.plans.demo import synthetic_national_id
from laget.plans.models import Goal, Measure, Person, Plan, TeamMember

pytestmark = pytest.mark.django_db

NEW_ID = synthetic_national_id(dt.date(1985, 6, 1), 170)


def files(world, *, measures_extra: str = ""):
    coordinator = world.coordinator.email
    return {
        "persons.csv": (
            "ref,national_id,first_name,last_name,birth_date,phone,email\n"
            f"p1,{NEW_ID},Ola,Flyttesen,1985-06-01,,\n"
        ),
        "plans.csv": (
            "ref,person_ref,coordinator_email,coordinator_service\n"
            f"plan1,p1,{coordinator},{world.municipal.slug}\n"
        ),
        "goals.csv": "ref,plan_ref,text,life_area\ng1,plan1,Egen bolig,housing\n",
        "measures.csv": (
            "plan_ref,goal_ref,title,responsible_service,starts,ends\n"
            f"plan1,g1,Boligoppfølging,{world.dps.slug},2026-01-01,2026-06-30\n" + measures_extra
        ),
        "team.csv": (
            "plan_ref,email,role,service\n"
            f"plan1,{world.team_professional.email},group,{world.dps.slug}\n"
        ),
    }


def counts():
    return (
        Person.objects.count(),
        Plan.objects.count(),
        Goal.objects.count(),
        Measure.objects.count(),
        TeamMember.objects.count(),
        ChangeRecord.objects.count(),
    )


def test_a_clean_set_is_written(plan_world, leader):
    report = import_plans(
        actor=leader, organisation=plan_world.plan.owner, files=files(plan_world), dry_run=False
    )
    assert report.ok and report.written, report.problems
    plan = Plan.objects.get(person__national_id=NEW_ID)
    assert plan.goals.get().text == "Egen bolig"
    assert plan.measures.get().responsible_service == plan_world.dps
    assert plan.team.filter(user=plan_world.team_professional).exists()


def test_the_dry_run_writes_nothing_and_finds_nothing_wrong(plan_world, leader):
    before = counts()
    report = import_plans(
        actor=leader, organisation=plan_world.plan.owner, files=files(plan_world), dry_run=True
    )
    assert report.ok and not report.written
    assert counts() == before


def test_one_bad_row_writes_nothing_and_the_dry_run_names_file_and_line(plan_world, leader):
    bad = files(
        plan_world,
        measures_extra=(
            "plan1,g9,Ukjent mål,,2026-01-01,2026-06-30\nplan1,,Baklengs,,2026-05-01,2026-01-01\n"
        ),
    )
    bad["persons.csv"] += "p2,12345678901,Feil,Nummer,1990-13-01,,\n"
    before = counts()
    dry = import_plans(actor=leader, organisation=plan_world.plan.owner, files=bad, dry_run=True)
    where = {(p.file, p.line) for p in dry.problems}
    assert where == {("measures.csv", 3), ("measures.csv", 4), ("persons.csv", 3)}
    assert "linje 3" in str(dry.problems[0])
    real = import_plans(actor=leader, organisation=plan_world.plan.owner, files=bad, dry_run=False)
    assert not real.written and real.problems
    assert counts() == before


def test_a_failure_while_writing_rolls_everything_back(plan_world, leader, monkeypatch):
    # The last step (team members) is refused while writing, after persons, plans, goals
    # and measures were written in the same transaction: none of them stays.
    from django.core.exceptions import ValidationError

    from laget.plans import services

    def refuse(**kwargs):
        raise ValidationError("Teammedlemmet kunne ikke legges til.")

    monkeypatch.setattr(services, "team_member_add", refuse)
    before = counts()
    report = import_plans(
        actor=leader, organisation=plan_world.plan.owner, files=files(plan_world), dry_run=False
    )
    assert not report.written
    assert "Teammedlemmet" in str(report.problems[0])
    assert counts() == before


def test_only_the_owning_municipalitys_leader_imports(plan_world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_plans(
            actor=plan_world.coordinator,
            organisation=plan_world.plan.owner,
            files=files(plan_world),
            dry_run=True,
        )


def test_the_command_reports_problems_in_norwegian(plan_world, leader, tmp_path):
    for name, text in files(plan_world).items():
        (tmp_path / name).write_text(text)
    (tmp_path / "goals.csv").write_text("ref,plan_ref,text,life_area\ng1,plan1,Bolig,castle\n")
    args = [str(tmp_path), "--organisation", plan_world.plan.owner.org_number, "--as", leader.email]
    with pytest.raises(CommandError, match="ingenting er skrevet"):
        call_command("import_plans", *args, "--dry-run")
    (tmp_path / "goals.csv").write_text("ref,plan_ref,text,life_area\ng1,plan1,Bolig,housing\n")
    call_command("import_plans", *args)
    assert Plan.objects.filter(person__national_id=NEW_ID).exists()
