"""Every read of survey rounds. Results only for those with a role in the round, only
after it has closed, and only as the analysis shows them (suppressed where too few)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from laget.core.prepared import prepared
from laget.core.types import Actor
from laget.directory.models import Network
from laget.surveys.access import ORGANISER, may_create_round, role_of, with_roles
from laget.surveys.models import Action, Analysis, Invitation, Response, Round, WorkGroup
from laget.surveys.report import band
from laget.surveys.tasks import (
    AnalysisFigures,
    analyse_round,
    fresh_summary,
    light_analysis,
    submitted_count,
)


def round_or_404(*, actor: Actor, round_id: int, organiser: bool = False) -> tuple[Round, str]:
    """The round and the actor's role in it; 404 for anyone without one. One query,
    compiled once per process (core.prepared)."""
    if not actor.is_authenticated:
        raise Http404
    found = prepared(
        "surveys.round_with_roles",
        lambda round_id, user_id: with_roles(
            Round.objects.select_related("network", "previous").filter(
                pk=round_id,
                kind=Round.Kind.STAFF,  # user surveys: service_survey_selectors
            ),
            user_id,
        ),
        round_id=int(round_id),
        user_id=actor.pk,
    )
    round_ = next(iter(found), None)
    role = role_of(actor, round_) if round_ else None
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
    # The analysis when ready, without its result (see tasks.light_analysis): a page whose
    # results body is cached reads only the few figures beside it.
    analysis: AnalysisFigures | None
    actions: list[Action]  # this round's agreed actions
    previous_actions: list[Action]  # agreed after the previous round: shown beside now

    @cached_property
    def result(self) -> dict | None:
        """The whole result, read when first asked for."""
        if not self.ready or self.analysis is None:
            return None
        return Analysis.objects.values_list("result", flat=True).get(pk=self.analysis.pk)

    @cached_property
    def matrix(self) -> list[tuple[str, list[MatrixCell]]]:
        return _matrix(self.result) if self.result else []

    @property
    def has_ties(self) -> bool:
        """Whether the ties between groups were analysed (there were answers about them)."""
        return self.ready and self.analysis is not None and self.analysis.rc_min_n is not None

    @property
    def version(self) -> tuple:
        """Names this result: a new analysis (new answers) has a new finishing time."""
        a = self.analysis
        return (a.pk, a.answers_seen, str(a.finished_at)) if a is not None else ()


def results(*, actor: Actor, round_id: int) -> Results:
    """The round's results once it has closed. A stale or missing analysis is queued
    (in the background in production; at once in development)."""
    round_, role = round_or_404(actor=actor, round_id=round_id)
    analysis = light_analysis(round_)
    ready = False
    progress = analysis.progress if analysis else 0
    if round_.is_closed:
        seen = submitted_count(round_.pk)
        if analysis is None or not analysis.has_result or analysis.answers_seen != seen:
            if _queue_once(round_, seen, analysis):
                analyse_round.enqueue(round_.pk)
            analysis = light_analysis(round_)
        if analysis and analysis.has_result and analysis.answers_seen == seen:
            ready = True
            progress = 100
    previous = round_.previous
    return Results(
        round=round_,
        role=role,
        ready=ready,
        progress=progress,
        analysis=analysis if ready else None,
        actions=_actions(round_.pk),
        previous_actions=_actions(previous.pk) if previous is not None else [],
    )


def _actions(round_id: int) -> list[Action]:
    """A round's agreed actions with their groups (compiled once per process)."""
    return list(
        prepared(
            "surveys.actions",
            lambda round_id: Action.objects.filter(round_id=round_id).select_related(
                "rater", "target"
            ),
            round_id=round_id,
        )
    )


QUEUED_FOR_AT_MOST = dt.timedelta(minutes=10)  # after that, a lost task is queued again


def _queue_once(round_: Round, seen: int, analysis: AnalysisFigures | None) -> bool:
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


def trend(
    *, actor: Actor, round_: Round, analysis: AnalysisFigures, rounds: int = 5
) -> list[TrendPoint]:
    """This round and up to four before it (following "compare with"): respondents and
    the within- and between-group means, oldest first. Earlier rounds' figures come from
    their analyses (analysed now if never cached; only the figures are read, see
    tasks.light_analysis); all are suppressed the same way."""
    points = [TrendPoint(round_, analysis.respondents or 0, analysis.within, analysis.between)]
    earlier = round_.previous
    seen = {round_.pk}
    while earlier is not None and len(points) < rounds and earlier.pk not in seen:
        seen.add(earlier.pk)
        cached = fresh_summary(earlier)
        if cached and cached.has_result:
            points.append(
                TrendPoint(earlier, cached.respondents or 0, cached.within, cached.between)
            )
        earlier = earlier.previous
    return points[::-1]


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
