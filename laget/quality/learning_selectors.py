"""Reads between the sessions: a group's page with its case assignments and each member's
account, a participant's own page, the graph of ties across services, and the evaluation's
results. Each a fixed number of queries, whatever the size of the cohort.

Who sees what (laget.quality.access): a group's page its members and the organisers; the
graph the organisers and the participants (it counts services, not people); the
evaluation's results the organisers, and only cells of at least MIN_ANSWERS answers.
Everyone else gets 404: a cohort's people are not others' business. These pages name
professionals at work, never a person served, so there is no access-log entry to write."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Q
from django.http import Http404

from laget.core.types import Actor
from laget.quality import learning_graph
from laget.quality.access import (
    may_list_own_cohorts,
    may_see_graph,
    may_work_on_group,
    organises,
    participations,
)
from laget.quality.learning_services import SCORES
from laget.quality.models import (
    Assignment,
    AssignmentReport,
    Cohort,
    EvaluationAnswer,
    EvaluationAnswered,
    Group,
    Participant,
    Phase,
    Tie,
)
from laget.surveys.analysis import DEFAULT_MIN_N

# The surveys app's rule: a result from fewer answers than this is not shown.
MIN_ANSWERS = DEFAULT_MIN_N


def _cohort(cohort_id: int) -> Cohort:
    cohort = Cohort.objects.select_related("network").filter(pk=cohort_id).first()
    if cohort is None:
        raise Http404
    return cohort


@dataclass
class AssignmentView:
    assignment: Assignment
    rows: list[tuple[Participant, AssignmentReport | None]]
    done: int
    mine: AssignmentReport | None


@dataclass
class GroupPage:
    group: Group
    cohort: Cohort
    organiser: bool
    me: Participant | None
    members: list[Participant]
    assignments: list[AssignmentView]
    sessions: list


def group_page(*, actor: Actor, group_id: int) -> GroupPage:
    group = Group.objects.select_related("cohort__network").filter(pk=group_id).first()
    if group is None:
        raise Http404
    cohort = group.cohort
    organiser = organises(actor, cohort)
    mine = participations(actor, cohort)
    if not may_work_on_group(organiser=organiser, mine=mine, group=group):
        raise Http404
    me = next((p for p in mine if p.group_id == group.pk), None)
    members = list(
        group.members.select_related("membership__professional__user").order_by(
            "service_name", "pk"
        )
    )
    assignments = list(group.assignments.select_related("after_session", "created_by"))
    reports = {
        (r.assignment_id, r.participant_id): r
        for r in AssignmentReport.objects.filter(assignment__group=group)
    }
    views = []
    for a in assignments:
        rows = [(m, reports.get((a.pk, m.pk))) for m in members]
        views.append(
            AssignmentView(
                assignment=a,
                rows=rows,
                done=sum(1 for _m, r in rows if r is not None),
                mine=reports.get((a.pk, me.pk)) if me is not None else None,
            )
        )
    return GroupPage(
        group=group,
        cohort=cohort,
        organiser=organiser,
        me=me,
        members=members,
        assignments=views,
        sessions=list(cohort.sessions.all()),
    )


def assignment_for(*, actor: Actor, assignment_id: int) -> Assignment:
    """The assignment, for those who may work on its group; 404 for everyone else."""
    assignment = Assignment.objects.select_related("group__cohort").filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404
    cohort = assignment.group.cohort
    if not may_work_on_group(
        organiser=organises(actor, cohort),
        mine=participations(actor, cohort),
        group=assignment.group,
    ):
        raise Http404
    return assignment


@dataclass
class MyPage:
    cohort: Cohort
    me: Participant
    services: list[str]  # the cohort's other services, to choose among
    ties: dict[str, list[str]]  # phase -> the services I said
    answered: bool


def my_page(*, actor: Actor, cohort_id: int) -> MyPage:
    cohort = _cohort(cohort_id)
    mine = participations(actor, cohort)
    if not mine:
        raise Http404
    # One who takes part from two places answers for the first (the ties are per place).
    me = mine[0]
    names = set(
        Participant.objects.filter(cohort=cohort).values_list("service_name", flat=True)
    ) - {me.service_name}
    ties: dict[str, list[str]] = {p: [] for p in Phase.values}
    for phase, name in Tie.objects.filter(participant=me).values_list("phase", "service_name"):
        ties[phase].append(name)
    answered = EvaluationAnswered.objects.filter(participant__in=mine).exists()
    return MyPage(cohort, me, sorted(names), ties, answered)


@dataclass
class GraphPage:
    cohort: Cohort
    organiser: bool
    graph: learning_graph.Graph


def graph_page(*, actor: Actor, cohort_id: int) -> GraphPage:
    cohort = _cohort(cohort_id)
    organiser = organises(actor, cohort)
    if not may_see_graph(organiser=organiser, mine=participations(actor, cohort)):
        raise Http404
    names = sorted(
        set(Participant.objects.filter(cohort=cohort).values_list("service_name", flat=True))
    )
    ties = list(
        Tie.objects.filter(participant__cohort=cohort).values_list(
            "participant_id", "participant__service_name", "phase", "service_name"
        )
    )
    return GraphPage(cohort, organiser, learning_graph.build(names, ties))


@dataclass
class ScoreResult:
    key: str
    mean: float
    counts: list[int]  # how many answered 1, 2, 3, 4, 5


@dataclass
class EvaluationResults:
    cohort: Cohort
    participants: int
    answered: int  # who answered (from the who-table)
    answers: int  # what was answered (from the anonymous table)
    shown: bool  # enough answers to show anything
    scores: list[ScoreResult]
    comments: list[str]


def evaluation_results(*, actor: Actor, cohort_id: int) -> EvaluationResults:
    cohort = _cohort(cohort_id)
    if not organises(actor, cohort):
        raise Http404
    answered = EvaluationAnswered.objects.filter(cohort=cohort).count()
    participants = Participant.objects.filter(cohort=cohort).count()
    aggregates: dict = {"n": Count("id")}
    for key in SCORES:
        aggregates[f"{key}_mean"] = Avg(key)
        for v in range(1, 6):
            aggregates[f"{key}_{v}"] = Count("id", filter=Q(**{key: v}))
    row = EvaluationAnswer.objects.filter(cohort=cohort).aggregate(**aggregates)
    n = row["n"]
    shown = n >= MIN_ANSWERS
    scores = (
        [
            ScoreResult(
                key,
                round(float(row[f"{key}_mean"]), 1),
                [row[f"{key}_{v}"] for v in range(1, 6)],
            )
            for key in SCORES
        ]
        if shown
        else []
    )
    comments = (
        sorted(
            EvaluationAnswer.objects.filter(cohort=cohort)
            .exclude(comment="")
            .values_list("comment", flat=True)
        )
        if shown
        else []
    )
    return EvaluationResults(cohort, participants, answered, n, shown, scores, comments)


@dataclass
class MyCohorts:
    organised: list[Cohort]
    taking_part: list[Cohort]


def my_cohorts(*, actor: Actor) -> MyCohorts:
    """The cohorts one organises and those one takes part in: two queries."""
    if not may_list_own_cohorts(actor):
        raise PermissionDenied
    return MyCohorts(
        organised=list(Cohort.objects.filter(organisers=actor)),
        taking_part=list(
            Cohort.objects.filter(participants__membership__professional__user=actor).distinct()
        ),
    )
