"""Meetings as iCalendar (RFC 5545), built with the icalendar library.

Times are written in Europe/Oslo with a VTIMEZONE, so a calendar shows the right hour
across daylight-saving changes. One meeting keeps one UID for life; a change raises
SEQUENCE and a cancellation is the same event with STATUS:CANCELLED, so calendars update
the event instead of adding a second one.

An event never names the person a meeting is about: calendars live on phones, in shared
mailboxes and in feeds behind a URL. It links to the meeting page instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from laget.meetings.models import Meeting

OSLO = ZoneInfo("Europe/Oslo")


def _event(meeting: Meeting, base_url: str) -> Event:
    event = Event()
    event.add("uid", f"{meeting.uid}@laget")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(OSLO))
    event.add("dtend", meeting.ends_at.astimezone(OSLO))
    event.add("summary", meeting.title)  # the kind of meeting or the forum, never a name
    url = base_url + reverse("meetings:meeting", kwargs={"meeting_id": meeting.pk})
    event.add("url", url)
    where = meeting.place or meeting.video_link
    if where:
        event.add("location", where)
    description = _("Agenda, minutes and attendance in Laget: %(url)s") % {"url": url}
    if meeting.video_link:
        description += "\n" + _("Video: %(link)s") % {"link": meeting.video_link}
    event.add("description", description)
    if meeting.is_closed:  # cancelled, or marked as not held afterwards
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event


def to_ics(meetings: Iterable[Meeting], *, method: str = "PUBLISH") -> bytes:
    base_url = getattr(settings, "LAGET_BASE_URL", "http://127.0.0.1:8000")
    cal = Calendar()
    cal.add("prodid", "-//Laget//Meetings//NB")
    cal.add("version", "2.0")
    cal.add("method", method)
    with translation.override("nb"):
        cal.add("x-wr-calname", _("Laget meetings"))
        for meeting in meetings:
            cal.add_component(_event(meeting, base_url))
    cal.add_missing_timezones()
    return cal.to_ical()


def meeting_ics(meeting: Meeting) -> bytes:
    """One meeting; a cancelled one is sent as METHOD:CANCEL with the same UID."""
    return to_ics([meeting], method="CANCEL" if meeting.is_closed else "PUBLISH")
