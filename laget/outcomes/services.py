"""Writes: a rating, a personal link, a service's alert settings, a text pack.

Every write locks the plan row, so two tablets saving the same session take turns; a form
sent twice (a dropped connection, a double tap) carries the same key and stores nothing
twice; a used link cannot be used again. Refusals are Norwegian and say what to do.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from laget.audit.services import change_record, snapshot
from laget.core.types import Actor
from laget.directory.models import Service
from laget.notifications.models import Kind
from laget.notifications.services import notify
from laget.outcomes import alerts as alert_rules
from laget.outcomes.access import (
    LinkProblem,
    is_collateral,
    leads_service,
    link_for,
    may_rate,
    may_send_link,
    plan_open,
    token_hash,
)
from laget.outcomes.instruments import (
    GROUP_ALLIANCE,
    INSTRUMENTS,
    PHQ9_RISK_ITEM,
    ScoringProblem,
    score,
)
from laget.outcomes.models import GroupSession, Rating, RatingLink, ServiceSettings, TextPack
from laget.outcomes.textpacks import Pack
from laget.plans.access import plan_access
from laget.plans.models import Plan, TeamMember

LINK_DAYS = 7
RATING_FIELDS = ["plan_id", "service_id", "instrument", "session", "date", "rater", "total", "risk"]
CLOSED = "Planen er avsluttet, så nye vurderinger kan ikke lagres. Snakk med koordinatoren."


def _lock_plan(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().select_related("person").get(pk=plan.pk)


def rating_record(
    *,
    actor: Actor,
    plan: Plan,
    service: Service,
    instrument: str,
    answers: Mapping[str, object],
    client_key: uuid.UUID | str,
    date: dt.date | None = None,
    link_token: str = "",
    group_session: GroupSession | None = None,
) -> Rating:
    """Store one rating. By a personal link the link stands for the person and is used up;
    otherwise the person or a professional who may read the ratings gives it. The session
    number follows the last one for this service and instrument."""
    if instrument not in INSTRUMENTS:
        raise ValidationError("Ukjent skjema. Velg et av skjemaene på siden.")
    spec = INSTRUMENTS[instrument]
    try:
        key = uuid.UUID(str(client_key))
    except ValueError as exc:
        raise ValidationError(
            "Skjemaet mangler en nøkkel. Last siden på nytt og prøv igjen."
        ) from exc
    with transaction.atomic():
        plan = _lock_plan(plan)
        existing = Rating.objects.filter(client_key=key).first()
        if existing is not None:
            if existing.plan_id != plan.pk:
                raise ValidationError("Skjemaet hører til en annen plan. Last siden på nytt.")
            return existing  # sent twice: the first one stands
        link = None
        rater, rater_name = Rating.Rater.PERSON, ""
        if link_token:
            try:
                link = link_for(link_token)
            except LinkProblem as exc:
                raise ValidationError(str(exc)) from exc
            link = RatingLink.objects.select_for_update().get(pk=link.pk)
            if link.used_at is not None:
                raise ValidationError(
                    "Denne lenken er allerede brukt, og svaret ditt er lagret. "
                    "Be hjelperen din om en ny lenke til neste gang."
                )
            if link.plan_id != plan.pk or link.instrument != instrument:
                raise PermissionDenied
            service = link.service
        else:
            access = plan_access(actor, plan)
            if not may_rate(access):
                raise PermissionDenied
            if access and access.member and access.member.service_id not in (None, service.pk):
                raise PermissionDenied
            if is_collateral(access) and access is not None:
                rater, rater_name = Rating.Rater.COLLATERAL, access.actor_name
            on_team = TeamMember.objects.active().filter(plan=plan, service=service).exists()
            if not on_team:
                raise ValidationError("Velg en av tjenestene i teamet ditt.")
        if not plan_open(plan):
            raise ValidationError(CLOSED)
        if group_session is not None:
            _check_group_rating(group_session, plan, service, instrument, rater, rater_name)
        elif instrument == GROUP_ALLIANCE.key:
            raise ValidationError("Gruppeskjemaet fylles ut fra gruppetimens side.")
        try:
            total = score(spec, answers)
        except ScoringProblem as exc:
            raise ValidationError(str(exc)) from exc
        if link is not None:
            session = link.session
        else:
            last = Rating.objects.filter(
                plan=plan,
                service=service,
                instrument=instrument,
                rater=rater,
                rater_name=rater_name,
            ).aggregate(m=Max("session"))["m"]
            session = (last or 0) + 1
        clean: dict[str, float | None] = {
            i: (None if v in (None, "") else float(str(v).replace(",", ".")))
            for i, v in ((i, answers.get(i)) for i in spec.items)
        }
        rating = Rating(
            plan=plan,
            service=service,
            instrument=instrument,
            session=session,
            date=date or timezone.localdate(),
            answers=clean,
            total=total,
            risk=instrument == "phq9" and (clean.get(PHQ9_RISK_ITEM) or 0) > 0,
            client_key=key,
            group_session=group_session,
            rater=rater,
            rater_name=rater_name,
            entered_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        try:
            with transaction.atomic():
                rating.save()
        except IntegrityError as exc:
            raise ValidationError(
                f"Økt {session} er allerede vurdert. Last siden på nytt for å se den."
            ) from exc
        change_record(
            actor=actor, action="outcomes.rating_record", obj=rating, before=None,
            after=snapshot(rating, RATING_FIELDS),
        )  # fmt: skip
        if link is not None:
            link.used_at = timezone.now()
            link.save(update_fields=["used_at"])
        if rater == Rating.Rater.PERSON and _raises_alert(rating):
            # The helpers who may read the ratings are told (never the person, never a
            # service without the "outcome ratings" consent); the alert is on their
            # "Trenger deg", urgent with the crisis routine when PHQ-9 item 9 is above 0.
            notify(event=Kind.OUTCOME_ALERT, plan=plan, actor=actor, target=rating)
    return rating


def _check_group_rating(
    group: GroupSession, plan: Plan, service: Service, instrument: str, rater: str, name: str
) -> None:
    """A group alliance rating: by a participant, for the group's service, once each."""
    if instrument != GROUP_ALLIANCE.key or service.pk != group.service_id:
        raise ValidationError("Velg gruppeskjemaet fra gruppetimens side.")
    if not group.participants.filter(pk=plan.pk).exists():
        raise PermissionDenied
    done = Rating.objects.filter(
        group_session=group, plan=plan, rater=rater, rater_name=name
    ).exists()
    if done:
        raise ValidationError(
            "Denne gruppetimen er allerede vurdert av deg. Svaret ditt er lagret."
        )


def group_session_create(
    *, actor: Actor, service: Service, name: str, date: dt.date, plans: list[Plan]
) -> GroupSession:
    """A group session of the actor's service with its participants: persons whose plans
    the actor works on for that service, with the "outcome ratings" consent in force."""
    name = name.strip()
    if not name:
        raise ValidationError("Gi gruppa et navn, for eksempel «Mestringsgruppe».")
    if len(plans) < 2:
        raise ValidationError("Velg minst to deltakere.")
    with transaction.atomic():
        for plan in plans:
            access = plan_access(actor, Plan.objects.select_related("person").get(pk=plan.pk))
            if not (
                may_rate(access)
                and access is not None
                and access.is_professional
                and access.member is not None
                and access.member.service_id == service.pk
                and plan_open(access.plan)
            ):
                raise ValidationError(
                    "Du kan bare ta med personer som tjenesten din følger opp, og som har "
                    "samtykket til at tjenesten ser vurderingene."
                )
        group = GroupSession.objects.create(service=service, name=name, date=date, created_by=actor)
        group.participants.set(plans)
        change_record(
            actor=actor, action="outcomes.group_session_create", obj=group, before=None,
            after={"service_id": service.pk, "date": date.isoformat(),
                   "participants": sorted(p.pk for p in plans)},
        )  # fmt: skip
    return group


def _raises_alert(rating: Rating) -> bool:
    """Does this rating raise an alert that was not there before it (or a new PHQ-9 item 9
    above zero, always)? The rules are alerts.alerts with the rated service's setting."""
    if rating.risk:
        return True
    own = ServiceSettings.objects.filter(service_id=rating.service_id).first()
    n = own.sessions_before_alert if own else alert_rules.DEFAULT_SESSIONS_BEFORE_ALERT
    rows = (
        Rating.objects.filter(plan_id=rating.plan_id, rater=Rating.Rater.PERSON)
        .order_by("date", "session", "pk")
        .values_list("pk", "instrument", "total", "answers")
    )
    every = [
        (pk, alert_rules.Point(ins, float(total), answers)) for pk, ins, total, answers in rows
    ]
    before = alert_rules.alerts((p for pk, p in every if pk != rating.pk), sessions_before_alert=n)
    after = alert_rules.alerts((p for _pk, p in every), sessions_before_alert=n)
    return bool({a.kind for a in after} - {a.kind for a in before})


def rating_link_create(*, actor: Actor, plan: Plan, instrument: str) -> tuple[RatingLink, str]:
    """A personal link for the next session, used once, valid a week. The token is shown
    once; only its hash is stored."""
    if instrument not in INSTRUMENTS:
        raise ValidationError("Ukjent skjema. Velg et av skjemaene på siden.")
    with transaction.atomic():
        plan = _lock_plan(plan)
        access = plan_access(actor, plan)
        if not may_send_link(access) or access is None or access.member is None:
            raise PermissionDenied
        if not plan_open(plan):
            raise ValidationError(CLOSED)
        service = access.member.service
        if service is None:
            raise PermissionDenied
        last = Rating.objects.filter(
            plan=plan, service=service, instrument=instrument, rater=Rating.Rater.PERSON
        ).aggregate(m=Max("session"))["m"]
        pending = RatingLink.objects.filter(
            plan=plan, service=service, instrument=instrument, used_at__isnull=True
        ).aggregate(m=Max("session"))["m"]
        session = max(last or 0, pending or 0) + 1
        token = secrets.token_urlsafe(24)
        link = RatingLink.objects.create(
            plan=plan,
            service=service,
            instrument=instrument,
            session=session,
            token_hash=token_hash(token),
            created_by=actor,
            expires_at=timezone.now() + dt.timedelta(days=LINK_DAYS),
        )
        change_record(
            actor=actor, action="outcomes.link_create", obj=link, before=None,
            after=snapshot(link, ["plan_id", "service_id", "instrument", "session"]),
        )  # fmt: skip
        # The person gets the link by e-mail (and SMS where they chose it): the headline and
        # the link, no name and no health content. The token rides on the link object for
        # notify's link only; the database keeps its hash (and the person's notification).
        link.token = token  # type: ignore[attr-defined]
        notify(event=Kind.OUTCOME_LINK, plan=plan, actor=actor, target=link)
    return link, token


def service_settings_update(
    *, actor: Actor, service: Service, sessions_before_alert: int, crisis_routine: str
) -> ServiceSettings:
    """A leader sets when "not on track" alerts and what the crisis routine says."""
    if not leads_service(actor, service):
        raise PermissionDenied
    if not 2 <= sessions_before_alert <= 30:
        raise ValidationError("Velg et antall økter mellom 2 og 30.")
    with transaction.atomic():
        settings_row, _ = ServiceSettings.objects.select_for_update().get_or_create(service=service)
        before = snapshot(settings_row, ["sessions_before_alert", "crisis_routine"])
        settings_row.sessions_before_alert = sessions_before_alert
        settings_row.crisis_routine = crisis_routine.strip()
        settings_row.save()
        change_record(
            actor=actor, action="outcomes.settings_update", obj=settings_row, before=before,
            after=snapshot(settings_row, ["sessions_before_alert", "crisis_routine"]),
        )  # fmt: skip
    return settings_row


def text_pack_import(*, pack: Pack) -> TextPack:
    """Published or licensed wording from a file (an administrator's command)."""
    return TextPack.objects.create(
        instrument=pack.instrument,
        name=pack.name,
        language=pack.language,
        items=pack.items,
        scale=pack.scale,
        intro=pack.intro,
        licence=pack.licence,
    )
