"""Meetings under /api/v1/meetings/: the same selectors as the pages, so the same access
rules and the same access logging (one entry per plan a response names)."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from laget.meetings import selectors
from laget.meetings.models import Meeting

router = Router(tags=["meetings"], auth=django_auth)


class MeetingOut(Schema):
    id: int
    uid: str
    kind: str
    title: str
    plan_id: int | None
    forum_id: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    video_link: str
    status: str


class DecisionOut(Schema):
    text: str
    responsible_service: str | None
    due: dt.date | None
    task_id: int | None
    open: bool


class ParticipantOut(Schema):
    name: str
    role: str
    service: str | None
    attended: bool | None


class MeetingDetailOut(MeetingOut):
    agenda: list[str]
    participants: list[ParticipantOut]
    decisions: list[DecisionOut]
    minutes: str | None  # None: not approved, or not shared with the reader
    minutes_plain: str | None


def _out(m: Meeting) -> dict:
    return {
        "id": m.pk,
        "uid": str(m.uid),
        "kind": m.kind,
        "title": m.title,
        "plan_id": m.plan_id,
        "forum_id": m.forum_id,
        "starts_at": m.starts_at,
        "ends_at": m.ends_at,
        "place": m.place,
        "video_link": m.video_link,
        "status": m.status,
    }


@router.get("/meetings/", response=list[MeetingOut])
def list_meetings(request: HttpRequest) -> list[dict]:
    mine = selectors.my_meetings(actor=request.user, request_id=getattr(request, "request_id", ""))
    return [_out(m) for m in mine.upcoming + mine.recent]


@router.get("/meetings/{meeting_id}", response=MeetingDetailOut)
def get_meeting(request: HttpRequest, meeting_id: int) -> dict:
    page = selectors.meeting_page(
        actor=request.user, meeting_id=meeting_id, request_id=getattr(request, "request_id", "")
    )
    m = page.meeting
    shared = page.access.may_read_minutes and m.minutes_approved
    return _out(m) | {
        "agenda": [a.title for a in page.agenda],
        "participants": [
            {
                "name": p.name,
                "role": p.role,
                "service": p.service.name if p.service else None,
                "attended": p.attended,
            }
            for p in page.participants
        ],
        "decisions": [
            {
                "text": d.text,
                "responsible_service": d.responsible_service.name
                if d.responsible_service
                else None,
                "due": d.due,
                "task_id": d.task_id,
                "open": d.is_open,
            }
            for d in page.decisions
        ],
        "minutes": m.minutes if shared else None,
        "minutes_plain": m.minutes_plain if shared else None,
    }
