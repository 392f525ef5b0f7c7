"""The actor's own notifications under /api/v1/notifications: newest first, paged, with
the unread count; and marking them read. Nobody sees anyone else's."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from laget.notifications import selectors, services
from laget.notifications.wording import headline

router = Router(tags=["notifications"], auth=django_auth)


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    plan_id: int | None
    link: str
    created_at: dt.datetime
    read: bool


class NotificationList(Schema):
    unread: int
    page: int
    pages: int
    count: int
    items: list[NotificationOut]


class ReadIn(Schema):
    ids: list[int] | None = None  # none given: all of them


class ReadOut(Schema):
    marked: int
    unread: int


@router.get("/notifications", response=NotificationList, url_name="list_notifications")
def list_notifications(request: HttpRequest, page: int = 1) -> NotificationList:
    result = selectors.notifications_page(actor=request.user, page_number=page)
    return NotificationList(
        unread=getattr(request.user, "unread_notifications", 0),
        page=result.number,
        pages=result.paginator.num_pages,
        count=result.paginator.count,
        items=[
            NotificationOut(
                id=n.pk,
                kind=n.kind,
                text=headline(n.kind),
                plan_id=n.plan_id,
                link=n.link,
                created_at=n.created_at,
                read=n.read_at is not None,
            )
            for n in result.object_list
        ],
    )


@router.post("/notifications/read", response=ReadOut, url_name="read_notifications")
def read_notifications(request: HttpRequest, data: ReadIn) -> ReadOut:
    marked = services.mark_read(actor=request.user, ids=data.ids)
    return ReadOut(marked=marked, unread=getattr(request.user, "unread_notifications", 0))
