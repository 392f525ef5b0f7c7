"""Every read of a cross-level team. Each takes `actor=`, asks access.py (404 or 403
when refused) and, where a person is named (a referral, a case, the board), writes one
access-log entry per person shown. A referral about someone not yet in Laget has no
person row: its entries carry person id 0 and name the referral or case as the object.

Every page makes a fixed number of queries whatever the number of cases (pinned in
tests/test_queries.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laget.accounts.access import is_professional
from laget.audit.services import access_log_write_many
from laget.core.types import Actor
from laget.directory.models import Service
from laget.meetings.models import Kind, Meeting
from laget.plans.access import plan_access
from laget.plans.models import Plan
from laget.teams import pairing
from laget.teams.access import (
    is_referrer,
    leads_team,
    may_refer,
    sees_composition,
    sees_figures,
    works_in_team,
)
from laget.teams.models import (
    CHANGE_SCALES,
    BoardEntry,
    Case,
    CaseWorker,
    Competence,
    Consultation,
    CrossLevelTeam,
    PerceivedChange,
    Referral,
    Secondment,
)


def team_or_404(slug: str) -> CrossLevelTeam:
    team = (
        CrossLevelTeam.objects.select_related("service", "network")
        .filter(service__slug=slug)
        .first()
    )
    if team is None:
        raise Http404
    return team


def _log_names(
    actor: Actor, team: CrossLevelTeam, objs: list[Referral | Case], request_id: str
) -> None:
    """One access-log entry per referral or case shown, written together."""
    rows = []
    for obj in objs:
        referral = obj if isinstance(obj, Referral) else obj.referral
        rows.append(
            {
                "actor": actor,
                "actor_name": actor.get_full_name() or actor.email,
                "actor_role": _("team member"),
                "actor_service": team.service.name,
                "person_id": referral.person_id or 0,
                "category": "team_case",
                "purpose": "team",
                "obj": obj,
                "request_id": request_id,
            }
        )
    access_log_write_many(rows)


def _members(team: CrossLevelTeam) -> QuerySet[Secondment]:
    return Secondment.objects.filter(
        team=team, membership__service_id=team.service_id
    ).select_related(
        "membership__professional__user",
        "membership__professional__profession",
        "home_service",
    )


def active_members(team: CrossLevelTeam, day: dt.date | None = None) -> list[Secondment]:
    day = day or timezone.localdate()
    return [m for m in _members(team).order_by("home_service__level", "pk") if m.active_on(day)]


# --- The team's composition --------------------------------------------------------------


@dataclass
class TeamPage:
    team: CrossLevelTeam
    members: list[Secondment]
    positions_total: float
    by_level: list[tuple[str, float]]
    by_profession: list[tuple[str, float]]
    by_competence: list[tuple[str, int]]
    missing_levels: list[str]
    may_lead: bool
    works_here: bool


def positions_by_level(members: list[Secondment]) -> dict[str, float]:
    totals: Counter[str] = Counter()
    for m in members:
        totals[m.home_service.level] += m.membership.position_percent
    return {level: round(totals[level] / 100, 2) for level in pairing.LEVELS} | {
        k: round(v / 100, 2) for k, v in totals.items() if k not in pairing.LEVELS
    }


def team_page(*, actor: Actor, slug: str) -> TeamPage:
    """Who is in the team, in how many positions, from which level, with which
    professions and competence; a warning when a level is missing. Directory information:
    shown to professionals."""
    if not sees_composition(actor):
        raise PermissionDenied
    team = team_or_404(slug)
    members = active_members(team)
    levels = positions_by_level(members)
    professions: Counter[str] = Counter()
    competence: Counter[str] = Counter()
    for m in members:
        professions[m.membership.professional.profession.name] += m.membership.position_percent
        competence.update(m.competence)
    level_labels = dict(Service.Level.choices)
    return TeamPage(
        team=team,
        members=members,
        positions_total=round(sum(m.membership.position_percent for m in members) / 100, 2),
        by_level=[(str(level_labels.get(k, k)), v) for k, v in levels.items()],
        by_profession=sorted((k, round(v / 100, 2)) for k, v in professions.items()),
        by_competence=[(str(label), competence[c]) for c, label in Competence.choices],
        missing_levels=[str(level_labels[lv]) for lv in pairing.LEVELS if not levels.get(lv)],
        may_lead=leads_team(actor, team),
        works_here=works_in_team(actor, team),
    )


# --- Flags and alerts ----------------------------------------------------------------------


def workers_by_case(case_ids: list[int]) -> dict[int, list[CaseWorker]]:
    """The current workers of these cases, in one query."""
    out: dict[int, list[CaseWorker]] = {i: [] for i in case_ids}
    for w in (
        CaseWorker.objects.current()
        .filter(case_id__in=case_ids)
        .select_related(
            "member__membership__professional__user", "member__home_service", "member__team"
        )
        .order_by("pk")
    ):
        out[w.case_id].append(w)
    return out


def flags_of(case: Case, workers: list[CaseWorker], day: dt.date) -> list[str]:
    return case.flags(workers, day)


FLAG_TEXT = {
    pairing.MISSING_MUNICIPAL: gettext_lazy("no worker from the municipality"),
    pairing.MISSING_SPECIALIST: gettext_lazy("no worker from the specialist health service"),
    pairing.NO_SHOULDER: gettext_lazy("nobody works beside the treatment contact"),
    pairing.SHOULDER_SAME_LEVEL: gettext_lazy(
        "the worker beside the treatment contact is from the same level as the contact"
    ),
}


def contact_lost(case: Case, now: dt.datetime) -> bool:
    """No contact for longer than the person (or the team) set: an alert (§6.2.2)."""
    if case.status != Case.Status.OPEN:
        return False
    days = case.contact_alert_days or case.team.contact_alert_days
    since = case.last_contact_at or case.opened_at
    return now - since > dt.timedelta(days=days)


@dataclass
class CaseRow:
    case: Case
    workers: list[CaseWorker]
    flags: list[str]
    flag_texts: list[str]
    lost_contact: bool


def _rows(cases: list[Case], day: dt.date) -> list[CaseRow]:
    workers = workers_by_case([c.pk for c in cases])
    now = timezone.now()
    rows = []
    for c in cases:
        flags = flags_of(c, workers[c.pk], day)
        rows.append(
            CaseRow(
                c, workers[c.pk], flags, [str(FLAG_TEXT[f]) for f in flags], contact_lost(c, now)
            )
        )
    return rows


def _open_cases(team: CrossLevelTeam) -> QuerySet[Case]:
    return Case.objects.filter(team=team, status=Case.Status.OPEN).select_related(
        "referral__person", "treatment_service", "team__service"
    )


# --- Intake --------------------------------------------------------------------------------


def team_meetings(team: CrossLevelTeam) -> list[Meeting]:
    """The network's generic meetings from a week back to three weeks ahead: the weekly
    intake meeting is one of them (created on the meetings app's own page)."""
    today = timezone.localdate()
    return list(
        Meeting.objects.filter(
            kind=Kind.GENERIC,
            network=team.network_id,
            plan__isnull=True,
            status=Meeting.Status.PLANNED,
            starts_at__date__gte=today - dt.timedelta(days=7),
            starts_at__date__lte=today + dt.timedelta(days=21),
        ).order_by("starts_at")
    )


@dataclass
class Agenda:
    team: CrossLevelTeam
    referrals: list[Referral]
    members: list[Secondment]
    meetings: list[Meeting]
    board: list[BoardEntry]


def intake_agenda(*, actor: Actor, slug: str, request_id: str = "") -> Agenda:
    """The weekly intake meeting's agenda: referrals waiting, oldest first, and the board
    (shown in the same meeting). Team members only; the names shown are logged."""
    team = team_or_404(slug)
    if not works_in_team(actor, team):
        raise PermissionDenied
    referrals = list(
        Referral.objects.filter(team=team)
        .exclude(status=Referral.Status.DECIDED)
        .select_related("referrer_service", "treatment_service", "person")
        .order_by("received_at", "pk")
    )
    today = timezone.localdate()
    meetings = team_meetings(team)
    board = _board_now(team)
    _log_names(actor, team, [*referrals, *[e.case for e in board]], request_id)
    return Agenda(team, referrals, active_members(team, today), meetings, board)


# --- The board ------------------------------------------------------------------------------


def _board_now(team: CrossLevelTeam) -> list[BoardEntry]:
    return list(
        BoardEntry.objects.filter(case__team=team, came_off__isnull=True)
        .select_related(
            "case__referral__person",
            "case__team__service",
            "next_step_by__membership__professional__user",
        )
        .order_by("came_on", "pk")
    )


HISTORY_SHOWN = 50


@dataclass
class Board:
    team: CrossLevelTeam
    entries: list[BoardEntry]
    history: list[BoardEntry]
    alerts: list[CaseRow]
    cases: list[CaseRow]  # every open case, with its workers


def board(*, actor: Actor, slug: str, request_id: str = "") -> Board:
    """Who is on the board now and why, the last ones to come off, and the cases that
    need someone: flagged (a level or the shoulder missing) or out of contact."""
    team = team_or_404(slug)
    if not works_in_team(actor, team):
        raise PermissionDenied
    entries = _board_now(team)
    history = list(
        BoardEntry.objects.filter(case__team=team, came_off__isnull=False)
        .select_related("case__referral__person")
        .order_by("-came_off", "-pk")[:HISTORY_SHOWN]
    )
    rows = _rows(list(_open_cases(team)), timezone.localdate())
    alerts = [r for r in rows if r.flags or r.lost_contact]
    shown = {e.case_id: e.case for e in [*entries, *history]} | {r.case.pk: r.case for r in rows}
    _log_names(actor, team, list(shown.values()), request_id)
    return Board(team, entries, history, alerts, rows)


# --- A case -----------------------------------------------------------------------------------


@dataclass
class CasePage:
    row: CaseRow
    members: list[Secondment]
    board_entry: BoardEntry | None
    board_history: list[BoardEntry]
    plan: Plan | None  # only when the actor may read the person's plan
    decision_reason: str = ""
    past_workers: list[CaseWorker] = field(default_factory=list)
    ratings: list[PerceivedChange] = field(default_factory=list)
    # Per scale: (label, at intake, latest, latest minus intake); empty before a follow-up.
    change: list[tuple[str, int, int, int]] = field(default_factory=list)


SCALE_LABELS = {
    "life_situation": gettext_lazy("life situation"),
    "daily_functioning": gettext_lazy("managing daily life"),
    "mental_health": gettext_lazy("mental health and substance use"),
}


def change_over_time(ratings: list[PerceivedChange]) -> list[tuple[str, int, int, int]]:
    """The change from the first rating (at intake) to the latest, per scale."""
    if len(ratings) < 2:
        return []
    first, last = ratings[0], ratings[-1]
    return [
        (
            str(SCALE_LABELS[name]),
            getattr(first, name),
            getattr(last, name),
            getattr(last, name) - getattr(first, name),
        )
        for name in CHANGE_SCALES
    ]


def case_page(*, actor: Actor, case_id: int, request_id: str = "") -> CasePage:
    """A case for the team's members: the minimum the referral holds, the workers, the
    flags; the person's plan is linked only when plans.access lets this actor read it."""
    case = (
        Case.objects.select_related(
            "team__service",
            "team__network",
            "handoff__to_service",
            "referral__person",
            "referral__decision",
            "treatment_service",
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None or not works_in_team(actor, case.team):
        raise Http404
    day = timezone.localdate()
    row = _rows([case], day)[0]
    entries = list(
        BoardEntry.objects.filter(case=case).select_related(
            "next_step_by__membership__professional__user"
        )
    )
    plan = None
    if case.referral.person_id:
        candidate = (
            Plan.objects.filter(person_id=case.referral.person_id)
            .exclude(status=Plan.Status.CLOSED)
            .select_related("person")
            .first()
        )
        if candidate is not None and plan_access(actor, candidate) is not None:
            plan = candidate
    ratings = list(PerceivedChange.objects.filter(case=case).order_by("on", "pk"))
    _log_names(actor, case.team, [case], request_id)
    return CasePage(
        row=row,
        members=active_members(case.team, day),
        board_entry=next((e for e in entries if e.came_off is None), None),
        board_history=[e for e in entries if e.came_off is not None],
        plan=plan,
        decision_reason=case.referral.decision.reason,
        ratings=ratings,
        change=change_over_time(ratings),
    )


def case_for_write(*, actor: Actor, case_id: int) -> Case:
    case = (
        Case.objects.select_related("team__service", "treatment_service").filter(pk=case_id).first()
    )
    if case is None or not works_in_team(actor, case.team):
        raise Http404
    return case


def referral_for_write(*, actor: Actor, referral_id: int) -> Referral:
    referral = Referral.objects.select_related("team__service").filter(pk=referral_id).first()
    if referral is None or not works_in_team(actor, referral.team):
        raise Http404
    return referral


def member_for_write(*, actor: Actor, member_id: int) -> Secondment:
    member = (
        Secondment.objects.select_related("team__service", "membership", "home_service")
        .filter(pk=member_id)
        .first()
    )
    if member is None or not leads_team(actor, member.team):
        raise Http404
    return member


def worker_for_write(*, actor: Actor, worker_id: int) -> CaseWorker:
    worker = CaseWorker.objects.select_related("case__team__service").filter(pk=worker_id).first()
    if worker is None or not works_in_team(actor, worker.case.team):
        raise Http404
    return worker


def board_entry_for_write(*, actor: Actor, entry_id: int) -> BoardEntry:
    entry = BoardEntry.objects.select_related("case__team__service").filter(pk=entry_id).first()
    if entry is None or not works_in_team(actor, entry.case.team):
        raise Http404
    return entry


# --- The referrer's view -----------------------------------------------------------------


def my_referrals(*, actor: Actor, request_id: str = "") -> list[Referral]:
    """What the actor has referred and what was decided, with the advice: never the case.
    Each referral shown is logged (it names someone)."""
    if not may_refer(actor):
        raise PermissionDenied
    referrals = list(
        Referral.objects.filter(referred_by=actor)
        .select_related("team__service", "decision")
        .order_by("-received_at", "-pk")[:100]
    )
    rows = [
        {
            "actor": actor,
            "actor_name": actor.get_full_name() or actor.email,
            "actor_role": _("referrer"),
            "actor_service": "",
            "person_id": r.person_id or 0,
            "category": "referral",
            "purpose": "referrer",
            "obj": r,
            "request_id": request_id,
        }
        for r in referrals
        if is_referrer(actor, r)
    ]
    access_log_write_many(rows)
    return referrals


def referral_services(*, actor: Actor, team: CrossLevelTeam) -> QuerySet[Service]:
    """Services a referrer may name (their own, the treatment contact): the network's."""
    return Service.objects.filter(organisation__networks=team.network_id, is_active=True).order_by(
        "name"
    )


def consultations(*, actor: Actor, team: CrossLevelTeam) -> list[Consultation]:
    if not works_in_team(actor, team):
        raise PermissionDenied
    return list(Consultation.objects.filter(team=team).select_related("service")[:50])


def team_for_figures(*, actor: Actor, slug: str) -> CrossLevelTeam:
    """The team, for its leaders and the network's: the figures are counts, never names."""
    team = team_or_404(slug)
    if not sees_figures(actor, team):
        raise PermissionDenied
    return team


# --- "Trenger deg" (the continuity dashboard) ------------------------------------------------


def alerts_for(*, actor: Actor, request_id: str = "") -> list[CaseRow]:
    """The team cases the actor works on today that need someone: flagged (a level or the
    shoulder missing) or out of contact for longer than agreed (§6.2.2). One query for
    someone who works on no case; the names shown are logged."""
    if not is_professional(actor):
        return []
    today = timezone.localdate()
    cases = list(
        Case.objects.filter(
            status=Case.Status.OPEN,
            workers__ended_at__isnull=True,
            workers__member__membership__professional__user=actor,
        )
        .select_related("referral__person", "treatment_service", "team__service")
        .distinct()
        .order_by("opened_at", "pk")
    )
    if not cases:
        return []
    mine = {c.pk for c in cases if works_in_team(actor, c.team)}
    rows = [
        r for r in _rows([c for c in cases if c.pk in mine], today) if r.flags or r.lost_contact
    ]
    for row in rows:
        _log_names(actor, row.case.team, [row.case], request_id)
    return rows
