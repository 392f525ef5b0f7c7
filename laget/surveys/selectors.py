"""Every read of survey rounds. Results only for those with a role in the round, only
after it has closed, and only as the analysis shows them (suppressed where too few)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from laget.core.types import Actor
from laget.directory.models import Network
from laget.surveys.access import ORGANISER, may_create_round, round_role
from laget.surveys.models import Action, Analysis, Invitation, Response, Round, WorkGroup
from laget.surveys.report import band
from laget.surveys.tasks import analyse_round, fresh_result, submitted_count


def round_or_404(*, actor: Actor, round_id: int, organiser: bool = False) -> tuple[Round, str]:
    """The round and the actor's role in it; 404 for anyone without one."""
    round_ = (
        Round.objects.select_related("network", "previous")
        .filter(pk=round_id, kind=Round.Kind.STAFF)  # user surveys: service_survey_selectors
        .first()
    )
    role = round_role(actor, round_) if round_ else None
    if round_ is None or role is None or (organiser and role != ORGANISER):
        raise Http404
    return round_, role


def rounds_for(*, actor: Actor) -> QuerySet[Round]:
    if not actor.is_authenticated:
        return Round.objects.none()
    return (
        Round.objects.filter(Q(organisers=actor) | Q(readers=actor), kind=Round.Kind.STAFF)
        .select_related("network")
        .distinct()
    )


def networks_to_survey(*, actor: Actor) -> list[Network]:
    if not actor.is_authenticated or actor.kind != "professional":
        return []
    networks = Network.objects.filter(
        organisations__services__memberships__professional__user=actor
    ).distinct()
    return [n for n in networks if may_create_round(actor, n)]


@dataclass
class RoundPage:
    round: Round
    role: str
    groups: list[WorkGroup]
    invited: int
    answered: int
    imported: int
    per_group: dict[int, int]  # submitted answers per own group (counts, never who)
    actions: list[Action] = field(default_factory=list)


def round_page(*, actor: Actor, round_id: int) -> RoundPage:
    round_, role = round_or_404(actor=actor, round_id=round_id)
    counts = Invitation.objects.filter(round=round_).aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(answered_on__isnull=False))
    )
    per_group = dict(
        Response.objects.filter(round=round_, submitted=True)
        .values_list("group_id")
        .annotate(n=Count("pk"))
        .values_list("group_id", "n")
    )
    imported = Response.objects.filter(round=round_, submitted=True, source="import").count()
    return RoundPage(
        round=round_,
        role=role,
        groups=list(round_.groups.all()),
        invited=counts["invited"],
        answered=counts["answered"],
        imported=imported,
        per_group=per_group,
        actions=list(round_.actions.select_related("rater", "target")),
    )


@dataclass
class MatrixCell:
    rater: str
    target: str
    n: int
    suppressed: bool
    rc: float | None
    band: str


@dataclass
class Results:
    round: Round
    role: str
    ready: bool
    progress: int
    result: dict | None
    matrix: list[tuple[str, list[MatrixCell]]]
    actions: list[Action]  # this round's agreed actions
    previous_actions: list[Action]  # agreed after the previous round: shown beside now


def results(*, actor: Actor, round_id: int) -> Results:
    """The round's results once it has closed. A stale or missing analysis is queued
    (in the background in production; at once in development)."""
    round_, role = round_or_404(actor=actor, round_id=round_id)
    analysis = Analysis.objects.filter(round=round_).first()
    result = None
    progress = analysis.progress if analysis else 0
    if round_.is_closed:
        seen = submitted_count(round_.pk)
        if analysis is None or analysis.result is None or analysis.answers_seen != seen:
            if _queue_once(round_, seen, analysis):
                analyse_round.enqueue(round_.pk)
            analysis = Analysis.objects.filter(round=round_).first()
        if analysis and analysis.result is not None and analysis.answers_seen == seen:
            result = analysis.result
            progress = 100
    actions = list(round_.actions.select_related("rater", "target"))
    previous = round_.previous
    previous_actions = (
        list(previous.actions.select_related("rater", "target")) if previous is not None else []
    )
    return Results(
        round=round_,
        role=role,
        ready=result is not None,
        progress=progress,
        result=result,
        matrix=_matrix(result) if result else [],
        actions=actions,
        previous_actions=previous_actions,
    )


QUEUED_FOR_AT_MOST = dt.timedelta(minutes=10)  # after that, a lost task is queued again


def _queue_once(round_: Round, seen: int, analysis: Analysis | None) -> bool:
    """Whether to queue the analysis: not when the same one was queued a moment ago (the
    progress bar polls every second while a worker runs it)."""
    now = timezone.now()
    if (
        analysis is not None
        and analysis.queued_for == seen
        and analysis.queued_at is not None
        and now - analysis.queued_at < QUEUED_FOR_AT_MOST
    ):
        return False
    Analysis.objects.update_or_create(
        round=round_, defaults={"queued_for": seen, "queued_at": now, "progress": 0}
    )
    return True


@dataclass
class TrendPoint:
    round: Round
    respondents: int
    within: float | None
    between: float | None


def trend(*, actor: Actor, round_: Round, result: dict, rounds: int = 5) -> list[TrendPoint]:
    """This round and up to four before it (following "compare with"): respondents and
    the within- and between-group means, oldest first. Earlier rounds' results come from
    their caches (analysed now if never cached); all are suppressed the same way."""
    points = [TrendPoint(round_, result["respondents"], *_within_between(result))]
    earlier = round_.previous
    seen = {round_.pk}
    while earlier is not None and len(points) < rounds and earlier.pk not in seen:
        seen.add(earlier.pk)
        cached = fresh_result(earlier)
        if cached:
            points.append(TrendPoint(earlier, cached["respondents"], *_within_between(cached)))
        earlier = earlier.previous
    return points[::-1]


def _within_between(result: dict) -> tuple[float | None, float | None]:
    rc = result.get("rc") or {}
    return rc.get("within"), rc.get("between")


def _matrix(result: dict) -> list[tuple[str, list[MatrixCell]]]:
    cells = {(c["rater"], c["target"]): c for c in (result["rc"] or {}).get("cells", [])}
    rows = []
    for rater in result["groups"]:
        row = []
        for target in result["groups"]:
            c = cells.get((rater, target))
            if c is None:
                row.append(MatrixCell(rater, target, 0, True, None, "none"))
            elif c.get("suppressed"):
                row.append(MatrixCell(rater, target, c["n"], True, None, "none"))
            else:
                row.append(MatrixCell(rater, target, c["n"], False, c["rc"], band(c["rc"])))
        rows.append((rater, row))
    return rows
