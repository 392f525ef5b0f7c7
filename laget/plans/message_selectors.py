"""Reads of a plan's messages: the message wall, its attachments and the coordinator's
inbox. The same door as plans.selectors (access checked, every read logged); both page by
keyset on (created_at, id), so a page costs the same however long the history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from laget.core.prepared import prepared
from laget.core.types import Actor
from laget.plans.access import PlanAccess, team_accesses
from laget.plans.models import (
    Attachment,
    Category,
    Message,
    MessageDraft,
    TeamMember,
)
from laget.plans.selectors import access_or_404, log_list, log_read

MESSAGES_PER_PAGE = 20


def _with_correction_flag(messages: QuerySet[Message]) -> QuerySet[Message]:
    """Each message knows whether a newer one corrects it (`corrected`), in the same query."""
    return messages.annotate(
        corrected=Exists(Message.objects.filter(corrects_id=OuterRef("pk")))
    ).select_related("reply_to")


@dataclass
class MessagesPage:
    access: PlanAccess
    messages: list[Message]  # newest first
    draft: str  # what the reader was writing and has not sent yet: theirs alone
    before: str = ""  # the cursor this page starts after ("" on the newest page)
    next_before: str = ""  # the cursor of the next (older) page, if there is one
    page: Page | None = None  # only when asked for by page number (the API's old contract)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def message_cursor(message: Message) -> str:
    """'<microseconds since 1970>.<id>' of a message: where the next page starts after."""
    return f"{(message.created_at - _EPOCH) // dt.timedelta(microseconds=1)}.{message.pk}"


def _parse_message_cursor(value: str) -> tuple[dt.datetime, int] | None:
    micros, _, pk = value.partition(".")
    try:
        return _EPOCH + dt.timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        return None


def _older_than(messages: QuerySet[Message], cursor: tuple[dt.datetime, int]) -> QuerySet[Message]:
    """The messages after `cursor` in (created_at, id) order, newest first: one index range."""
    created, pk = cursor
    return messages.filter(created_at__lte=created).filter(Q(created_at__lt=created) | Q(pk__lt=pk))


def _first_messages(plan_id: int) -> QuerySet[Message]:
    return _with_correction_flag(
        Message.objects.filter(plan_id=plan_id).prefetch_related("attachments")
    ).order_by("-created_at", "-pk")[: MESSAGES_PER_PAGE + 1]


def messages_page(
    *,
    actor: Actor,
    plan_id: int,
    before: str = "",
    page_number: int | str | None = None,
    request_id: str = "",
) -> MessagesPage:
    """A page of the plan's messages, newest first. Paged by keyset on (created_at, id)
    with `before` (a cursor from `next_before`): no COUNT and no OFFSET, one range of the
    (plan, created_at, id) index however long the wall. `page_number` keeps the API's
    numbered pages (count and pages; they grow with the wall)."""
    access = access_or_404(actor=actor, plan_id=plan_id, category=Category.MESSAGES)
    page = None
    cursor = _parse_message_cursor(before) if before else None
    if page_number is not None:
        messages = _with_correction_flag(access.plan.messages.prefetch_related("attachments"))
        page = Paginator(messages, MESSAGES_PER_PAGE).get_page(page_number)
        shown = list(page.object_list)
        more = page.has_next()
    else:
        if cursor is None:
            rows = list(prepared("messages_page.first", _first_messages, plan_id=access.plan.pk))
        else:
            rows = list(
                _with_correction_flag(
                    _older_than(
                        Message.objects.filter(plan_id=access.plan.pk), cursor
                    ).prefetch_related("attachments")
                ).order_by("-created_at", "-pk")[: MESSAGES_PER_PAGE + 1]
            )
        more = len(rows) > MESSAGES_PER_PAGE
        shown = rows[:MESSAGES_PER_PAGE]
    draft = ""
    if access.may_write_messages:
        draft = (
            MessageDraft.objects.filter(plan=access.plan, author=actor)
            .values_list("body", flat=True)
            .first()
        ) or ""
    log_read(access, categories=[Category.MESSAGES], request_id=request_id)
    return MessagesPage(
        access=access,
        messages=shown,
        draft=draft,
        before=before if cursor is not None else "",
        next_before=message_cursor(shown[-1]) if more and shown else "",
        page=page,
    )


def attachment_get(
    *, actor: Actor, plan_id: int, attachment_id: int, request_id: str = ""
) -> Attachment:
    """An attachment on the plan's messages, for someone who may read the messages."""
    access = access_or_404(actor=actor, plan_id=plan_id, category=Category.MESSAGES)
    attachment = Attachment.objects.filter(pk=attachment_id, message__plan=access.plan).first()
    if attachment is None:
        raise Http404
    log_read(access, categories=[Category.MESSAGES, "attachment"], request_id=request_id)
    return attachment


@dataclass
class InboxItem:
    message: Message
    covering: bool  # shown because the actor stands in for the coordinator


@dataclass
class Inbox:
    items: list[InboxItem]  # newest first
    before: str = ""  # the cursor this page starts after ("" on the newest page)
    next_before: str = ""  # the cursor of the next (older) page, if there is one


INBOX_PER_PAGE = 50


def coordinator_inbox(
    *, actor: Actor, request_id: str = "", days: int = 30, before: str = ""
) -> Inbox:
    """Messages of the last `days` days on the plans the actor coordinates, or covers as
    stand-in, newest first; the actor's own messages left out. Paged by keyset on
    (created_at, id) like the message wall (`before` is a cursor from `next_before`), so a
    page costs the same with 40 plans' worth of messages. One log entry per person shown."""
    mine = {a.plan.pk: a for a in team_accesses(actor) if a.member is not None and a.is_coordinator}
    if not mine:
        return Inbox(items=[])
    since = timezone.now() - dt.timedelta(days=days)
    cursor = _parse_message_cursor(before) if before else None
    # The page's ids first, then their plans and persons: joining before the limit made
    # the database hash every plan and person in the country to join them to a caseload's
    # thousands of messages.
    newest = Message.objects.filter(plan_id__in=mine, created_at__gte=since).exclude(author=actor)
    if cursor is not None:
        newest = _older_than(newest, cursor)
    rows = list(
        Message.objects.filter(
            pk__in=newest.order_by("-created_at", "-pk").values("pk")[: INBOX_PER_PAGE + 1]
        )
        .select_related("plan__person")
        .prefetch_related("attachments")
        .order_by("-created_at", "-pk")
    )
    shown = rows[:INBOX_PER_PAGE]
    log_list(
        [(mine[pid], [Category.MESSAGES]) for pid in sorted({m.plan_id for m in shown})],
        request_id=request_id,
    )
    return Inbox(
        items=[
            InboxItem(m, covering=mine[m.plan_id].member.role != TeamMember.Role.COORDINATOR)  # type: ignore[union-attr]
            for m in shown
        ],
        before=before if cursor is not None else "",
        next_before=message_cursor(shown[-1]) if len(rows) > INBOX_PER_PAGE else "",
    )
