"""What every write to meetings starts with, shared by meetings.services (scheduling,
calendar feed, agenda templates) and meetings.minutes_services (cases, decisions, minutes):
the access check, which keeps a closed plan's meetings as they were."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from laget.accounts.models import User
from laget.core.types import Actor
from laget.meetings.access import MeetingAccess, meeting_access
from laget.meetings.models import Meeting
from laget.plans.services import refuse_if_closed


def _access(actor: Actor, meeting: Meeting, *, organise: bool = False) -> MeetingAccess:
    access = meeting_access(actor, meeting)
    if access is None or (organise and not access.may_organise):
        raise PermissionDenied
    if meeting.plan is not None:
        refuse_if_closed(meeting.plan)  # a closed plan's meetings are kept as they were
    return access


def _name(user: User) -> str:
    return user.get_full_name() or user.email
