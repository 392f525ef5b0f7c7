"""The pairing and opposite-level rules under random sequences of everything that can
break them: adding, ending, moving members and changing their fractions through the
team's services; ending memberships in the directory and editing in the admin (straight
to the rows, past every service); deciding referrals and adding or releasing workers.

A reference model in plain Python follows each operation that went through; after every
step the flags the pages show (selectors) must equal the model's, a refused step must
leave the database as it was, and the services must never save a case that breaks a
rule. Runs on whichever database the suite runs on (SQLite and PostgreSQL in CI)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laget.directory.models import Membership, Service
from laget.directory.tests.factories import ProfessionalFactory
from laget.teams import pairing, services
from laget.teams.models import Case, CaseWorker, Decision, Referral, Secondment
from laget.teams.selectors import flags_of, workers_by_case
from laget.teams.tests.factories import home_service, second, team_for

pytestmark = pytest.mark.django_db(transaction=False)

LEVEL = st.sampled_from([pairing.MUNICIPAL, pairing.SPECIALIST])
IDX = st.integers(min_value=0, max_value=7)
OPS = st.one_of(
    st.tuples(st.just("add"), LEVEL, st.integers(1, 60)),
    st.tuples(st.just("end"), IDX, st.sampled_from([-1, 0, 5])),
    st.tuples(st.just("move"), IDX, LEVEL),
    st.tuples(st.just("fraction"), IDX, st.integers(0, 120)),
    st.tuples(st.just("directory_end"), IDX),
    st.tuples(st.just("admin_move"), IDX, LEVEL),
    st.tuples(st.just("admin_service_level"), LEVEL),
    st.tuples(st.just("decide"), st.sampled_from(["direct", "shoulder"]), IDX, IDX, LEVEL),
    st.tuples(st.just("assign"), IDX, IDX, st.booleans()),
    st.tuples(st.just("release"), IDX, IDX),
)


class Model:
    """What should be true, followed from the operations that went through."""

    def __init__(self):
        self.members: list[dict] = []  # {"pk", "home": service key, "ends", "starts"}
        self.service_level: dict[str, str] = {}
        self.cases: list[dict] = []  # {"pk", "mode", "treatment": key, "workers": [[m, shoulder]]}

    def worker(self, m: int, shoulder: bool) -> pairing.Worker:
        member = self.members[m]
        return pairing.Worker(
            self.service_level[member["home"]], shoulder, member["starts"], member["ends"]
        )

    def flags(self, case: dict, day: dt.date) -> list[str]:
        treatment = self.service_level[case["treatment"]] if case["treatment"] else None
        return pairing.case_flags(
            mode=case["mode"],
            treatment_level=treatment,
            workers=[self.worker(m, s) for m, s in case["workers"]],
            day=day,
        )


def snapshot():
    return (
        list(Case.objects.values_list("pk", "status").order_by("pk")),
        list(
            CaseWorker.objects.values_list("pk", "member_id", "shoulder", "ended_at").order_by("pk")
        ),
        list(Decision.objects.values_list("pk").order_by("pk")),
        list(Referral.objects.values_list("pk", "status").order_by("pk")),
        list(Secondment.objects.values_list("pk", "home_service_id", "version").order_by("pk")),
        list(Membership.objects.values_list("pk", "ends", "position_percent").order_by("pk")),
    )


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(OPS, min_size=1, max_size=14))
def test_rules_hold_under_every_path(world, ops):
    with transaction.atomic():
        _run(world, ops)
        transaction.set_rollback(True)


def _run(world, ops):
    today = timezone.localdate()
    lead = world.owner
    team = team_for(world.service, world.network)
    homes = {
        "muni": home_service(world.network, Service.Level.MUNICIPAL),
        "spec": home_service(world.network, Service.Level.SPECIALIST),
        "muni_b": home_service(world.network, Service.Level.MUNICIPAL),
        "spec_b": home_service(world.network, Service.Level.SPECIALIST),
    }
    key_of = {s.pk: k for k, s in homes.items()}
    model = Model()
    model.service_level = {k: s.level for k, s in homes.items()}
    lead_membership = Membership.objects.get(service=world.service, professional__user=lead)
    Membership.objects.filter(service=world.service).update(starts=today - dt.timedelta(days=30))
    second(team, homes["muni"], membership=lead_membership)
    for key in ("muni", "spec", "spec"):
        second(team, homes[key])
    Membership.objects.filter(service=world.service).update(starts=today - dt.timedelta(days=30))
    for s in Secondment.objects.select_related("membership").order_by("pk"):
        model.members.append(
            {
                "pk": s.pk,
                "home": key_of[s.home_service_id],
                "ends": None,
                "starts": s.membership.starts,
            }
        )

    def member(i: int) -> Secondment | None:
        if not model.members:
            return None
        return Secondment.objects.get(pk=model.members[i % len(model.members)]["pk"])

    def idx(i: int) -> int:
        return i % len(model.members)

    for op in ops:
        mark: dict = {}
        try:
            apply(op, team, lead, homes, model, member, idx, today, mark)
        except (ValidationError, PermissionDenied):
            # The service's own transaction left nothing half-written.
            assert snapshot() == mark["before"], ("a refused step changed something", op)
        check(model, today, op)


def home_for(level: str, alt: bool = False) -> str:
    return ("muni" if level == pairing.MUNICIPAL else "spec") + ("_b" if alt else "")


def apply(op, team, lead, homes, model, member, idx, today, mark):
    kind = op[0]
    mark["before"] = snapshot()
    if kind == "add":
        professional = ProfessionalFactory()
        mark["before"] = snapshot()
        new = services.member_add(
            actor=lead,
            team=team,
            professional=professional,
            home_service=homes[home_for(op[1])],
            position_percent=op[2],
            competence=[],
        )
        # Backdated like the others, so ending it yesterday is a possible step.
        starts = today - dt.timedelta(days=30)
        Membership.objects.filter(pk=new.membership_id).update(starts=starts)
        model.members.append(
            {"pk": new.pk, "home": home_for(op[1]), "ends": None, "starts": starts}
        )
    elif kind == "end":
        m = member(op[1])
        ends = today + dt.timedelta(days=op[2])
        services.member_end(actor=lead, member=m, ends=ends, reason="Slutter i teamet")
        model.members[idx(op[1])]["ends"] = ends
    elif kind in ("move", "fraction"):
        m = member(op[1])
        home = homes[home_for(op[2])] if kind == "move" else m.home_service
        services.member_update(
            actor=lead,
            member=m,
            based_on_version=m.version,
            position_percent=op[2] if kind == "fraction" else m.membership.position_percent,
            home_service=home,
            competence=[],
        )
        if kind == "move":
            model.members[idx(op[1])]["home"] = home_for(op[2])
    elif kind == "directory_end":
        # The directory (or the admin) ends the membership yesterday, past the team's services.
        m = member(op[1])
        Membership.objects.filter(pk=m.membership_id).update(ends=today - dt.timedelta(days=1))
        model.members[idx(op[1])]["ends"] = today - dt.timedelta(days=1)
    elif kind == "admin_move":
        m = member(op[1])
        Secondment.objects.filter(pk=m.pk).update(home_service=homes[home_for(op[2], alt=True)])
        model.members[idx(op[1])]["home"] = home_for(op[2], alt=True)
    elif kind == "admin_service_level":
        # An administrator changes the level of one of the services members are lent from.
        Service.objects.filter(pk=homes["muni_b"].pk).update(level=op[1])
        model.service_level["muni_b"] = op[1]
    elif kind == "decide":
        _, mode, a, b, treatment_level = op
        referral = services.referral_create(
            actor=lead,
            team=team,
            data=services.ReferralInput(
                source="service",
                referrer_contact="77 00 00 00",
                subject_name="Testperson",
                treatment_service=homes[home_for(treatment_level)],
            ),
        )
        mark["before"] = snapshot()
        services.decide(
            actor=lead,
            referral=referral,
            outcome=mode,
            reason="Vedtatt i inntaksmøtet",
            worker=member(a),
            partner=member(b),
        )
        case = Case.objects.get(referral=referral)
        model.cases.append(
            {
                "pk": case.pk,
                "mode": mode,
                "treatment": home_for(treatment_level) if mode == "shoulder" else None,
                "workers": [[idx(a), mode == "shoulder"], [idx(b), False]],
            }
        )
        assert not model.flags(model.cases[-1], today), "a new case broke a rule"
    elif kind == "assign" and model.cases:
        c = model.cases[op[1] % len(model.cases)]
        services.case_worker_add(
            actor=lead,
            case=Case.objects.get(pk=c["pk"]),
            member=member(op[2]),
            shoulder=op[3],
            reason="Tar over",
        )
        if op[3]:
            for w in c["workers"]:
                w[1] = False
            model_level = model.service_level[model.members[idx(op[2])]["home"]]
            assert model_level == pairing.opposite(model.service_level[c["treatment"]])
        c["workers"].append([idx(op[2]), op[3]])
    elif kind == "release" and model.cases and model.cases[op[1] % len(model.cases)]["workers"]:
        c = model.cases[op[1] % len(model.cases)]
        m = c["workers"][op[2] % len(c["workers"])][0]
        worker = CaseWorker.objects.current().get(case_id=c["pk"], member_id=model.members[m]["pk"])
        services.case_worker_end(actor=lead, worker=worker, reason="Bytter")
        c["workers"] = [w for w in c["workers"] if w[0] != m]
        assert not model.flags(c, today), "releasing a worker left the case breaking a rule"


def check(model, today, op):
    """What the board and the report would show equals the model, case by case."""
    cases = {c.pk: c for c in Case.objects.select_related("treatment_service", "team")}
    workers = workers_by_case(list(cases))
    for c in model.cases:
        shown = flags_of(cases[c["pk"]], workers[c["pk"]], today)
        assert shown == model.flags(c, today), (op, c)
        # Whoever is on a case in the model is on it in the database.
        assert sorted(w.member_id for w in workers[c["pk"]]) == sorted(
            model.members[m]["pk"] for m, _ in c["workers"]
        )
