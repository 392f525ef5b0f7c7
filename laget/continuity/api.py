"""Episodes, hand-offs and the challenge picture under /api/v1/plans/{id}/: the same
selectors as the pages, so the same access rules and one access-log entry per request."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from laget.continuity import selectors

router = Router(tags=["continuity"], auth=django_auth)


class EpisodeOut(Schema):
    id: int
    service: str
    responsibility: str
    starts: dt.date
    ends: dt.date | None


class SpanOut(Schema):
    start: dt.date
    end: dt.date


class HandoffOut(Schema):
    id: int
    from_service: str
    to_service: str
    status: str
    wanted_from: dt.date
    answer_by: dt.date
    decline_reason: str
    overdue: bool


class TimelineOut(Schema):
    start: dt.date
    end: dt.date
    episodes: list[EpisodeOut]
    gaps: list[SpanOut]
    handoffs: list[HandoffOut]
    responsible_today: list[str]


class PerspectiveOut(Schema):
    author_name: str
    author_role: str
    author_service: str
    is_person: bool
    situation: str
    what_matters: str
    contribution: str
    created_at: dt.datetime


class PictureOut(Schema):
    agreed: str | None
    agreed_on: dt.date | None
    perspectives: list[PerspectiveOut]


def _rid(request: HttpRequest) -> str:
    return getattr(request, "request_id", "")


@router.get("/plans/{plan_id}/timeline", response=TimelineOut)
def get_timeline(request: HttpRequest, plan_id: int):
    t = selectors.timeline(actor=request.user, plan_id=plan_id, request_id=_rid(request))
    return TimelineOut(
        start=t.period.start,
        end=t.period.end,
        episodes=[
            EpisodeOut(
                id=e.pk,
                service=e.service.name,
                responsibility=e.responsibility,
                starts=e.starts,
                ends=e.ends,
            )
            for e in t.episodes
        ],
        gaps=[SpanOut(start=g.start, end=g.end) for g in t.gaps],
        handoffs=[
            HandoffOut(
                id=h.pk,
                from_service=h.from_episode.service.name,
                to_service=h.to_service.name,
                status=h.status,
                wanted_from=h.wanted_from,
                answer_by=h.answer_by,
                decline_reason=h.decline_reason,
                overdue=h.overdue,
            )
            for h in t.handoffs
        ],
        responsible_today=t.helping_now,
    )


@router.get("/plans/{plan_id}/challenge-picture", response=PictureOut)
def get_challenge_picture(request: HttpRequest, plan_id: int):
    c = selectors.challenge_picture(actor=request.user, plan_id=plan_id, request_id=_rid(request))
    return PictureOut(
        agreed=c.agreed.text if c.agreed else None,
        agreed_on=c.agreed.agreed_on if c.agreed else None,
        perspectives=[PerspectiveOut.from_orm(p) for p in c.current],
    )
