"""Every write to survey rounds. Keyword-only, checked against surveys.access, recorded
in the audit chain in the same transaction; refusals are Norwegian ValidationErrors."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from laget.accounts.models import User
from laget.audit.services import change_record, create_recorded, versioned_update
from laget.core.types import Actor
from laget.directory.models import Membership, Network, Profession, Service
from laget.surveys.access import ORGANISER, may_create_round, round_role
from laget.surveys.analysis import ABSOLUTE_MIN_N, Answer
from laget.surveys.models import (
    Action,
    Invitation,
    Rating,
    Response,
    Round,
    TextPack,
    WorkGroup,
)
from laget.surveys.textpacks import KEYS, RC, Pack


@dataclass(frozen=True)
class GroupSpec:
    name: str
    service: Service | None = None
    profession: Profession | None = None


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def invitation_token(invitation: Invitation) -> str:
    """The secret in the invitation link: derived from the invitation's nonce with the
    server's key, so reminders can repeat the link; only its hash is stored."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"survey:{invitation.nonce}".encode(), "sha256")
    return digest.hexdigest()[:40]


def _organiser(actor: Actor, round_: Round) -> None:
    if round_role(actor, round_) != ORGANISER:
        raise PermissionDenied


# --- Rounds -----------------------------------------------------------------------------


def round_create(
    *,
    actor: Actor,
    network: Network,
    title: str,
    opens: dt.date,
    closes: dt.date,
    groups: list[GroupSpec],
    invitees: Iterable[User],
    min_n: int = 5,
    asks_rc: bool = True,
    asks_ps: bool = True,
    asks_capacity: bool = True,
    readers: Iterable[User] = (),
    previous: Round | None = None,
    rc_pack: TextPack | None = None,
) -> Round:
    """A round for the network, organised by its creator. Groups need distinct names;
    invitees must work in the network."""
    if not may_create_round(actor, network):
        raise PermissionDenied
    if closes < opens:
        raise ValidationError({"closes": _("The round must close on or after the day it opens.")})
    if min_n < ABSOLUTE_MIN_N:
        raise ValidationError(
            {
                "min_n": _("At least %(n)d answers are needed before a result is shown.")
                % {"n": ABSOLUTE_MIN_N}
            }
        )
    names = [g.name.strip() for g in groups]
    if len(names) < 2 or len(set(names)) != len(names) or not all(names):
        raise ValidationError(_("Give at least two groups, each with its own name."))
    if not (asks_rc or asks_ps or asks_capacity):
        raise ValidationError(_("Choose at least one thing to ask about."))
    invitees = list({u.pk: u for u in invitees}.values())
    staff = set(
        Membership.objects.active()
        .filter(service__organisation__networks=network, professional__user__in=invitees)
        .values_list("professional__user_id", flat=True)
    )
    outside = [u for u in invitees if u.pk not in staff]
    if outside:
        raise ValidationError(
            _("%(name)s does not work in this network and cannot be invited.")
            % {"name": outside[0].get_full_name() or outside[0].email}
        )
    with transaction.atomic():
        round_ = create_recorded(
            actor=actor,
            action="survey_round_create",
            obj=Round(
                network=network,
                title=title.strip(),
                opens=opens,
                closes=closes,
                min_n=min_n,
                asks_rc=asks_rc,
                asks_ps=asks_ps,
                asks_capacity=asks_capacity,
                previous=previous,
                rc_pack=rc_pack,
                created_by=actor,
            ),
            fields=["network_id", "title", "opens", "closes", "min_n"],
        )
        round_.organisers.add(actor)
        round_.readers.set(list(readers))
        WorkGroup.objects.bulk_create(
            WorkGroup(
                round=round_,
                name=g.name.strip(),
                service=g.service,
                profession=g.profession,
                position=i,
            )
            for i, g in enumerate(groups)
        )
        Invitation.objects.bulk_create(_invitation(round_, u) for u in invitees)
    return round_


def _invitation(round_: Round, user: User) -> Invitation:
    invitation = Invitation(round=round_, user=user, nonce=secrets.token_hex(16))
    invitation.token_hash = _sha(invitation_token(invitation))
    return invitation


def groups_from_directory(*, network: Network, by_profession: bool) -> list[GroupSpec]:
    """One group per service in the network (or per service and profession) that has
    someone working there."""
    pairs = (
        Membership.objects.active()
        .filter(service__organisation__networks=network)
        .values_list("service_id", "professional__profession_id")
        .distinct()
    )
    services = {s.pk: s for s in Service.objects.filter(organisation__networks=network)}
    professions = {p.pk: p for p in Profession.objects.all()}
    specs: dict[str, GroupSpec] = {}
    for service_id, profession_id in sorted(pairs):
        service = services[service_id]
        if by_profession:
            profession = professions[profession_id]
            name = f"{service.name} – {profession.name_nb}"
            specs[name] = GroupSpec(name, service, profession)
        else:
            specs[service.name] = GroupSpec(service.name, service)
    return list(specs.values())


def round_update(
    *, actor: Actor, round_: Round, based_on_version: int, closes: dt.date, min_n: int
) -> Round:
    """Change the closing day or the threshold while the round is open. A closed round
    stays closed: reopening it would let single late answers show as changes."""
    _organiser(actor, round_)
    if min_n < ABSOLUTE_MIN_N:
        raise ValidationError(
            {
                "min_n": _("At least %(n)d answers are needed before a result is shown.")
                % {"n": ABSOLUTE_MIN_N}
            }
        )
    was = Round.objects.get(pk=round_.pk)
    if was.is_closed and was.closes != closes:
        raise ValidationError(_("The round has closed and cannot be reopened. Start a new round."))

    def check(current: Round) -> None:
        if closes < current.opens:
            raise ValidationError(
                {"closes": _("The round must close on or after the day it opens.")}
            )
        if closes < timezone.localdate() and not was.is_closed:
            raise ValidationError({"closes": _("Choose today or a later day to close the round.")})

    return versioned_update(
        actor=actor,
        queryset=Round.objects,
        lookup={"pk": round_.pk},
        based_on_version=based_on_version,
        data={"closes": closes, "min_n": min_n},
        action="survey_round_update",
        check=check,
    )


def invitations_send(*, actor: Actor, round_: Round) -> int:
    """Send the personal links to those not yet invited, and a reminder to those who
    have not answered (never to those who have; nobody is told who has). Returns how many
    e-mails went out."""
    _organiser(actor, round_)
    if round_.is_closed:
        raise ValidationError(_("The round has closed."))
    today = timezone.localdate()
    base_url = getattr(settings, "LAGET_BASE_URL", "http://127.0.0.1:8000")
    mails = []
    with transaction.atomic():
        pending = list(
            Invitation.objects.select_for_update()
            .filter(round=round_, answered_on__isnull=True)
            .select_related("user")
        )
        with translation.override("nb"):
            for invitation in pending:
                link = base_url + reverse(
                    "surveys:answer", kwargs={"token": invitation_token(invitation)}
                )
                first = invitation.sent_on is None
                subject = (
                    _("Laget: how do we work together? (%(title)s)")
                    if first
                    else _("Reminder: %(title)s")
                ) % {"title": round_.title}
                body = _(
                    "You are invited to answer a short survey about how the services in "
                    "%(network)s work together. Your answers are anonymous: nobody can see "
                    "what you answered, and results are only shown for groups with at least "
                    "%(n)d answers.\n\nYour personal link (do not share it): %(link)s\n\n"
                    "The survey closes on %(closes)s."
                ) % {
                    "network": round_.network.name,
                    "n": round_.min_n,
                    "link": link,
                    "closes": round_.closes.strftime("%d.%m.%Y"),
                }
                mails.append((subject, body, None, [invitation.user.email]))
                if first:
                    invitation.sent_on = today
                else:
                    invitation.reminded_on = today
        Invitation.objects.bulk_update(pending, ["sent_on", "reminded_on"])
        change_record(
            actor=actor,
            action="survey_invitations_send",
            obj=round_,
            before=None,
            after={"sent": len(mails)},
        )
        transaction.on_commit(lambda: send_mass_mail(mails))
    return len(mails)


# --- Answering --------------------------------------------------------------------------


class LinkProblem(Exception):
    """The link cannot be used; `message` says why, in Norwegian, and `status` is the
    HTTP status to answer with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def invitation_for(token: str, *, for_answering: bool = True) -> Invitation:
    invitation = (
        Invitation.objects.select_related("round__network")
        .filter(token_hash=_sha(token), round__kind=Round.Kind.STAFF)
        .first()
    )
    if invitation is None:
        raise LinkProblem(
            _(
                "This link does not work. Check that you copied all of it,"
                " or ask the organiser for a new one."
            ),
            404,
        )
    round_ = invitation.round
    if for_answering:
        if round_.status == "planned":
            raise LinkProblem(
                _("The survey opens on %(date)s. Come back then.")
                % {"date": round_.opens.strftime("%d.%m.%Y")},
                403,
            )
        if round_.is_closed:
            raise LinkProblem(
                _("The survey closed on %(date)s. Thank you for your interest.")
                % {"date": round_.closes.strftime("%d.%m.%Y")},
                410,
            )
    return invitation


def response_resume(*, invitation: Invitation, secret: str | None) -> Response | None:
    if not secret:
        return None
    return Response.objects.filter(
        round_id=invitation.round_id, resume_hash=_sha(secret), submitted=False
    ).first()


def response_start(*, invitation: Invitation) -> tuple[Response, str]:
    """A new, empty response; the secret that resumes it stays in the respondent's browser."""
    if invitation.answered_on is not None:
        raise ValidationError(_("You have already answered. Thank you!"))
    secret = secrets.token_urlsafe(32)
    response = Response.objects.create(round=invitation.round, resume_hash=_sha(secret))
    return response, secret


def answers_save(
    *,
    invitation: Invitation,
    response: Response,
    group: WorkGroup | None = None,
    ratings: Iterable[tuple[str, int | None, str, Any]] = (),
) -> Response:
    """Save one page of answers (and the respondent's group). `ratings` are (instrument,
    rated group id or None, item, value 1-5); an empty value leaves the item unanswered."""
    round_ = invitation.round
    still_open(invitation, response)
    group_ids = set(WorkGroup.objects.filter(round=round_).values_list("pk", flat=True))
    rows = []
    for instrument, target, item, value in ratings:
        if value in (None, ""):
            continue
        number = score(value)
        if item not in KEYS.get(instrument, ()) or (instrument == RC) != (target is not None):
            raise ValidationError(_("The form was changed. Reload the page and try again."))
        if target is not None and target not in group_ids:
            raise ValidationError(_("The form was changed. Reload the page and try again."))
        rows.append((instrument, target, item, number))
    with transaction.atomic():
        if group is not None:
            if group.round_id != round_.pk:
                raise ValidationError(_("Choose one of the groups in the list."))
            response.group = group
            response.save(update_fields=["group"])
        for instrument, target, item, number in rows:
            Rating.objects.update_or_create(
                response=response,
                instrument=instrument,
                target_id=target,
                item=item,
                defaults={"value": number},
            )
    return response


def response_submit(*, invitation: Invitation, response: Response) -> None:
    """Send the answers: the response counts from now on and the invitation is marked
    answered, in one transaction. A second send is refused and stores nothing."""

    def ready(current: Response) -> None:
        if current.group_id is None:
            raise ValidationError(_("Choose your own group first."))
        if not Rating.objects.filter(response=current).exists():
            raise ValidationError(_("Answer at least one page before you send."))

    submit(invitation=invitation, response=response, ready=ready)


def still_open(invitation: Invitation, response: Response) -> None:
    """Answers may still be saved: not sent yet, and the round has not closed."""
    if invitation.answered_on is not None or response.submitted:
        raise ValidationError(_("You have already answered. Thank you!"))
    if not invitation.round.is_open:
        raise ValidationError(_("The survey is closed."))


def score(value: Any) -> int:
    """An answer on the five-point scale, or a Norwegian message saying what to choose."""
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("Choose one of the five answers for each statement.")) from exc
    if not 1 <= number <= 5:
        raise ValidationError(_("An answer must be from 1 to 5. Choose one of the five."))
    return number


def submit(
    *, invitation: Invitation, response: Response, ready: Callable[[Response], None]
) -> None:
    """Send a response (any kind of round): `ready` refuses one that is not complete enough.
    The response counts from now on and the invitation is marked answered (a day, not a
    time), in one transaction; a second send is refused and stores nothing."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.answered_on is not None:
            raise ValidationError(_("You have already answered. Thank you!"))
        if not locked.round.is_open:
            raise ValidationError(_("The survey is closed."))
        current = Response.objects.select_for_update().get(pk=response.pk)
        ready(current)
        current.submitted = True
        current.resume_hash = None  # nothing left to resume
        current.save(update_fields=["submitted", "resume_hash"])
        locked.answered_on = timezone.localdate()
        locked.save(update_fields=["answered_on"])


def responses_import(
    *,
    actor: Actor,
    round_: Round,
    answers: list[Answer],
    team_answers: dict[str, list[tuple[str, str, int]]] | None = None,
) -> int:
    """Answers collected elsewhere (paper, other tools) in the rc_analyze format, into a
    round that has not closed. Group names must match the round's groups. Returns how many
    respondents were added. `team_answers` adds, per respondent, raw (instrument, item,
    value) answers for psychological safety and relational capacity. The import is
    recorded with who did it and how many."""
    _organiser(actor, round_)
    if round_.is_closed:
        raise ValidationError(_("The round has closed; answers can no longer be added."))
    groups = {g.name: g for g in round_.groups.all()}
    unknown = sorted(({a.rater for a in answers} | {a.target for a in answers}) - set(groups))
    if unknown:
        raise ValidationError(
            _(
                "The file names groups this round does not have: %(names)s."
                " Use the round's group names."
            )
            % {"names": ", ".join(unknown[:5])}
        )
    by_respondent: dict[str, list[Answer]] = {}
    for a in answers:
        by_respondent.setdefault(a.respondent, []).append(a)
    with transaction.atomic():
        for respondent_answers in by_respondent.values():
            raters = {a.rater for a in respondent_answers}
            if len(raters) != 1:
                raise ValidationError(
                    _("Respondent %(r)s belongs to more than one group.")
                    % {"r": respondent_answers[0].respondent}
                )
            response = Response.objects.create(
                round=round_,
                group=groups[raters.pop()],
                submitted=True,
                source=Response.Source.IMPORT,
            )
            Rating.objects.bulk_create(
                Rating(
                    response=response,
                    instrument=RC,
                    target=groups[a.target],
                    item=a.item,
                    value=_raw_rc(a),
                )
                for a in respondent_answers
            )
        change_record(
            actor=actor,
            action="survey_import",
            obj=round_,
            before=None,
            after={"respondents": len(by_respondent)},
        )
    return len(by_respondent)


def _raw_rc(answer: Answer) -> int:
    """Imported values are already scored; the frequency item is stored as the raw
    answer that scores the same (5 → the right amount, 3 → one step off, 1 → two off)."""
    value = round(answer.value)
    if answer.item == "frequent":
        return {5: 3, 4: 2, 3: 2, 2: 1, 1: 1}[value]
    return value


def action_add(
    *,
    actor: Actor,
    round_: Round,
    rater: WorkGroup,
    target: WorkGroup,
    what: str,
    who: str,
    due: dt.date,
) -> Action:
    _organiser(actor, round_)
    if rater.round_id != round_.pk or target.round_id != round_.pk:
        raise ValidationError(_("Choose a tie between two of the round's groups."))
    if not what.strip() or not who.strip():
        raise ValidationError(_("Write what you will do and who is responsible."))
    with transaction.atomic():
        return create_recorded(
            actor=actor,
            action="survey_action_add",
            obj=Action(
                round=round_,
                rater=rater,
                target=target,
                what=what.strip(),
                who=who.strip(),
                due=due,
                created_by=actor,
            ),
            fields=["rater_id", "target_id", "what", "who", "due"],
        )


def text_pack_import(*, pack: Pack) -> TextPack:
    """Licensed wording from a file (an administrator's command; no personal data)."""
    return TextPack.objects.create(
        instrument=pack.instrument,
        name=pack.name,
        language=pack.language,
        items=pack.items,
        scale=pack.scale,
        licence=pack.licence,
    )
