"""Every read of ratings goes through the plan's door: plans.selectors.access_or_404 for
the "outcome ratings" category, then one access-log entry per request (log_read), or one
per person listed (log_list). A fixed number of queries however many sessions there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, ExpressionWrapper, F, FloatField, Max, Min
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from laget.core.types import Actor
from laget.directory.models import Membership, Service
from laget.outcomes import alerts as alert_rules
from laget.outcomes.access import (
    leads_service,
    link_for,
    may_rate,
    may_read_ratings,
    may_send_link,
)
from laget.outcomes.chart import Chart, draw, reading
from laget.outcomes.instruments import GROUP_ALLIANCE, INSTRUMENTS, Instrument
from laget.outcomes.models import GroupSession, Rating, RatingLink, ServiceSettings, TextPack
from laget.outcomes.stats import DEFAULT_MIN_N, figures_from_series, series_from_groups
from laget.outcomes.textpacks import Pack, built_in
from laget.plans.access import PlanAccess, team_accesses
from laget.plans.models import Category, TeamMember
from laget.plans.selectors import access_or_404, log_list, log_read

# The group page shows the group's means once this many have rated (no one's own answer).
GROUP_MIN_N = 3
DEFAULT_SESSIONS_BEFORE_ALERT = alert_rules.DEFAULT_SESSIONS_BEFORE_ALERT


def text_packs(keys: list[str]) -> dict[str, Pack]:
    """The wording per instrument: the newest imported pack, else Laget's own (one query)."""
    language = "en" if (get_language() or "nb").startswith("en") else "nb"
    packs = {k: built_in(k, language) for k in keys}
    for row in TextPack.objects.filter(instrument__in=keys, language=language).order_by(
        "created_at"
    ):
        packs[row.instrument] = Pack(
            row.instrument, row.name, row.language, row.items, row.scale, row.licence, row.intro
        )
    return packs


@dataclass
class InstrumentChart:
    instrument: Instrument
    pack: Pack
    chart: Chart
    ratings: list[Rating]
    reading: str
    items: list[tuple[str, float, bool]] = field(default_factory=list)  # label, value, lowest
    collateral: list[Rating] = field(default_factory=list)  # someone close, beside it


@dataclass
class ChartPage:
    access: PlanAccess
    charts: list[InstrumentChart]
    may_rate: bool
    may_send_link: bool
    alerts: list[alert_rules.Alert]


def chart_page(*, actor: Actor, plan_id: int, request_id: str) -> ChartPage:
    """The person's ratings per instrument, with chart, table and reading.
    Queries: plan (1), the actor's team place and consents (≤ 2), ratings with their
    services (1), text packs (1), the access-log entry (1–3)."""
    access = access_or_404(actor=actor, plan_id=plan_id, category=Category.OUTCOMES)
    every = list(
        Rating.objects.filter(plan=access.plan)
        .select_related("service")
        .order_by("date", "session", "pk")
    )
    log_read(access, categories=[Category.OUTCOMES], request_id=request_id)
    ratings = [r for r in every if r.rater == Rating.Rater.PERSON]
    collateral: dict[str, list[Rating]] = {}
    for r in every:
        if r.rater == Rating.Rater.COLLATERAL:
            collateral.setdefault(r.instrument, []).append(r)
    by_instrument: dict[str, list[Rating]] = {}
    for r in ratings:
        by_instrument.setdefault(r.instrument, []).append(r)
    packs = text_packs(list(by_instrument))
    charts = []
    for key in [k for k in INSTRUMENTS if k in by_instrument]:
        instrument, rows = INSTRUMENTS[key], by_instrument[key]
        totals = [float(r.total) for r in rows]
        chart = draw(
            instrument, [(float(r.total), r.session, r.date, r.service.name) for r in rows]
        )
        items: list[tuple[str, float, bool]] = []
        if instrument.lines:
            last = rows[-1].answers
            lowest = min(float(last[i]) for i in instrument.items)
            items = [
                (packs[key].items[i], float(last[i]), float(last[i]) == lowest)
                for i in instrument.items
            ]
        charts.append(
            InstrumentChart(
                instrument,
                packs[key],
                chart,
                rows,
                reading(instrument, totals),
                items,
                collateral.get(key, []),
            )
        )
    found = alert_rules.alerts(
        (alert_rules.Point(r.instrument, float(r.total), r.answers) for r in ratings),
        sessions_before_alert=DEFAULT_SESSIONS_BEFORE_ALERT,
    )
    return ChartPage(access, charts, may_rate(access), may_send_link(access), found)


@dataclass
class PlanAlerts:
    access: PlanAccess
    alerts: list[alert_rules.Alert]
    crisis_routine: str

    @property
    def urgent(self) -> bool:
        return any(a.urgent for a in self.alerts)


def alerts_for(
    *, actor: Actor, request_id: str, team: list[PlanAccess] | None = None
) -> list[PlanAlerts]:
    """Alerts on the plans where this helper may read the ratings (a consent in force, or
    the coordinator); nothing for a service without consent. Queries: the actor's team
    places and consents (2, none when the page has read them: `team`), ratings (1), the
    services' settings (1), the access log for the persons listed (a fixed number)."""
    if team is None:
        team = team_accesses(actor)
    accesses = [a for a in team if may_read_ratings(a) and a.is_professional]
    if not accesses:
        return []
    points: dict[int, list[alert_rules.Point]] = {}
    rows = (
        Rating.objects.filter(plan_id__in=[a.plan.pk for a in accesses], rater=Rating.Rater.PERSON)
        .order_by("date", "session", "pk")
        .values_list("plan_id", "instrument", "total", "answers")
    )
    for plan_id, instrument, total, answers in rows:
        points.setdefault(plan_id, []).append(alert_rules.Point(instrument, float(total), answers))
    if not points:
        return []  # no ratings: no settings to read, nobody to list
    service_ids = {a.member.service_id for a in accesses if a.member and a.member.service_id}
    settings = {s.service_id: s for s in ServiceSettings.objects.filter(service_id__in=service_ids)}
    found = []
    for a in accesses:
        own = settings.get(a.member.service_id or 0) if a.member else None
        n = own.sessions_before_alert if own else DEFAULT_SESSIONS_BEFORE_ALERT
        raised = alert_rules.alerts(points.get(a.plan.pk, []), sessions_before_alert=n)
        if raised:
            found.append(PlanAlerts(a, raised, own.crisis_routine if own else ""))
    found.sort(key=lambda p: (not p.urgent, str(p.access.plan.person)))
    log_list([(p.access, [Category.OUTCOMES]) for p in found], request_id=request_id, purpose="")
    return found


@dataclass
class RateForm:
    access: PlanAccess | None
    instrument: Instrument
    pack: Pack
    services: list[Service]
    next_session: int


def rate_form(*, actor: Actor, plan_id: int, instrument: str, request_id: str) -> RateForm:
    """What the rating form needs: the wording, and the services the rating can be for."""
    if instrument not in INSTRUMENTS:
        raise Http404
    access = access_or_404(actor=actor, plan_id=plan_id, category=Category.OUTCOMES)
    if not may_rate(access):
        raise PermissionDenied
    team_services = list(
        Service.objects.filter(
            pk__in=TeamMember.objects.active()
            .filter(plan=access.plan, service__isnull=False)
            .values("service_id")
        ).order_by("name")
    )
    if access.member and access.member.service is not None:
        own = access.member.service
        team_services = [s for s in team_services if s.pk == own.pk] or [own]
    last = Rating.objects.filter(plan=access.plan, instrument=instrument).aggregate(
        m=Max("session")
    )
    log_read(access, categories=[Category.OUTCOMES], request_id=request_id)
    return RateForm(
        access,
        INSTRUMENTS[instrument],
        text_packs([instrument])[instrument],
        team_services,
        (last["m"] or 0) + 1,
    )


@dataclass
class ServiceReport:
    service: Service
    rows: list[dict]
    min_n: int
    ratings: int
    generated: dt.datetime


def service_report(*, actor: Actor, service_slug: str, min_n: int = DEFAULT_MIN_N) -> ServiceReport:
    """Figures for the service's leaders: no names, small cells suppressed. Queries: the
    service (1), the leader check (1), the ratings grouped per person and instrument (1)."""
    service = Service.objects.filter(slug=service_slug).first()
    if service is None:
        raise Http404
    if not leads_service(actor, service):
        raise PermissionDenied
    return report_from_groups(service, grouped_ratings(service), min_n=min_n)


def grouped_ratings(service: Service):
    """The person's own ratings for one service, one row per person × instrument: (plan
    id, instrument, sessions, first, last). Within a service the session number orders a
    person's ratings (unique per plan, instrument and rater), so first and last come from
    one GROUP BY pass: MIN and MAX of session × 1000 + total × 10 (a total is 0–44 in
    tenths, below 1000), unpacked by stats.series_from_groups. Python then gets 10,000
    rows for 5,000 persons instead of one per rating (bench/outcome_report.py)."""
    packed = ExpressionWrapper(F("session") * 1000 + F("total") * 10, output_field=FloatField())
    return (
        Rating.objects.filter(service=service, rater=Rating.Rater.PERSON)
        .order_by()
        .values("plan_id", "instrument")
        .annotate(
            n=Count("pk"),
            first=Cast(Min(packed), FloatField()),
            last=Cast(Max(packed), FloatField()),
        )
        .values_list("plan_id", "instrument", "n", "first", "last")
    )


def report_from_groups(service: Service, rows, *, min_n: int = DEFAULT_MIN_N) -> ServiceReport:
    rows = list(rows)
    s, keys = series_from_groups(rows)
    return ServiceReport(
        service,
        figures_from_series(s, [service.name], keys, min_n=min_n),
        min_n,
        int(s.count.sum()),
        timezone.now(),
    )


def ratings_for_api(
    *, actor: Actor, plan_id: int, request_id: str
) -> tuple[PlanAccess, list[Rating]]:
    access = access_or_404(actor=actor, plan_id=plan_id, category=Category.OUTCOMES)
    ratings = list(
        Rating.objects.filter(plan=access.plan)
        .select_related("service")
        .order_by("date", "session", "pk")
    )
    log_read(access, categories=[Category.OUTCOMES], request_id=request_id)
    return access, ratings


def service_settings(*, service: Service) -> ServiceSettings:
    """The service's alert settings, or the defaults (not saved until a leader saves)."""
    return ServiceSettings.objects.filter(service=service).first() or ServiceSettings(
        service=service, sessions_before_alert=DEFAULT_SESSIONS_BEFORE_ALERT
    )


def rating_target(
    *, actor: Actor, plan_id: int, service_id: int
) -> tuple[PlanAccess, Service | None]:
    """For a rating sent to the API: the plan (404 without the ratings consent) and the
    service named, if it exists. No personal data is read, so nothing is logged."""
    access = access_or_404(actor=actor, plan_id=plan_id, category=Category.OUTCOMES)
    return access, Service.objects.filter(pk=service_id).first()


def ratings_access(*, actor: Actor, plan_id: int) -> PlanAccess:
    """May this actor work with the plan's ratings? 404 if not. Reads no ratings, so
    nothing is logged; the write that follows records itself."""
    return access_or_404(actor=actor, plan_id=plan_id, category=Category.OUTCOMES)


@dataclass
class GroupChoices:
    services: list[Service]
    plans: list[PlanAccess]


def group_choices(*, actor: Actor, request_id: str) -> GroupChoices:
    """Who can be in a group the actor runs: the open plans they work on for a service,
    where the person lets that service see the ratings. The names listed are logged."""
    plans = [
        a
        for a in team_accesses(actor)
        if may_rate(a) and a.is_professional and a.member and a.member.service_id
    ]
    services = sorted(
        {a.member.service for a in plans if a.member and a.member.service is not None},
        key=lambda s: s.name,
    )
    plans.sort(key=lambda a: str(a.plan.person))
    log_list([(a, [Category.PLAN]) for a in plans], request_id=request_id, purpose="")
    return GroupChoices(services, plans)


@dataclass
class GroupRow:
    access: PlanAccess
    rated: bool


@dataclass
class GroupPage:
    group: GroupSession
    rows: list[GroupRow]
    hidden: int  # participants whose ratings the actor may no longer see
    rated: int
    mean: float | None
    items: list[tuple[str, float, bool]]  # label, the group's mean, lowest


def group_page(*, actor: Actor, group_id: int, request_id: str) -> GroupPage:
    """The group session for the service's staff: who has rated (not what), and the
    group's means per line once three or more have rated (fewer would show a person's
    answer). Queries: the group, the membership, the participants, the actor's team
    places and consents (2), the ratings (1), the access log for the persons listed."""
    group = GroupSession.objects.select_related("service").filter(pk=group_id).first()
    if (
        group is None
        or not Membership.objects.active()
        .filter(professional__user=actor, service_id=group.service_id)
        .exists()
    ):
        raise Http404
    ids = set(group.participants.values_list("pk", flat=True))
    mine = [
        a
        for a in team_accesses(actor)
        if a.plan.pk in ids and may_read_ratings(a) and a.is_professional
    ]
    ratings = {
        r.plan_id: r
        for r in Rating.objects.filter(
            group_session=group, plan_id__in=[a.plan.pk for a in mine], rater=Rating.Rater.PERSON
        )
    }
    mine.sort(key=lambda a: str(a.plan.person))
    log_list([(a, [Category.OUTCOMES]) for a in mine], request_id=request_id, purpose="")
    done = list(ratings.values())
    mean, items = None, []
    if len(done) >= GROUP_MIN_N:
        mean = sum(float(r.total) for r in done) / len(done)
        pack = text_packs([GROUP_ALLIANCE.key])[GROUP_ALLIANCE.key]
        means = {
            i: sum(float(r.answers[i]) for r in done) / len(done) for i in GROUP_ALLIANCE.items
        }
        low = min(means.values())
        items = [(pack.items[i], round(v, 1), v == low) for i, v in means.items()]
    return GroupPage(
        group,
        [GroupRow(a, a.plan.pk in ratings) for a in mine],
        len(ids) - len(mine),
        len(done),
        None if mean is None else round(mean, 1),
        items,
    )


def group_sessions(*, actor: Actor) -> list[GroupSession]:
    """The group sessions of the actor's services, newest first (no personal data)."""
    return list(
        GroupSession.objects.filter(
            service_id__in=Membership.objects.active()
            .filter(professional__user=actor)
            .values("service_id")
        ).select_related("service")[:50]
    )


def group_for_rating(*, actor: Actor, group_id: int, plan_id: int) -> GroupSession:
    """The group session a rating form is for: the plan must be one of its participants."""
    group = GroupSession.objects.filter(pk=group_id, participants__pk=plan_id).first()
    if group is None:
        raise Http404
    return group


def link_by_token(*, token: str) -> RatingLink:
    """The personal link's form: the token is the key; LinkProblem says why not."""
    return link_for(token)
