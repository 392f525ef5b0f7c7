"""The .ics files and the personal feed, parsed back with the icalendar library."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from laget.meetings import services
from laget.meetings.tests.conftest import hours_from_now

pytestmark = pytest.mark.django_db


def events(body: bytes) -> list:
    return list(Calendar.from_ical(body).walk("VEVENT"))


def test_the_ics_is_in_oslo_time_and_names_no_person(plan_world, meeting_world, plan_client):
    meeting = meeting_world.group_meeting
    response = plan_client("coordinator").get(
        reverse("meetings:ics", kwargs={"meeting_id": meeting.pk})
    )
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Oslo"]
    (event,) = events(response.content)
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Oslo"
    assert start == meeting.starts_at and event.decoded("DTEND") == meeting.ends_at
    assert str(event["UID"]) == f"{meeting.uid}@laget"
    assert "Testesen" not in response.content.decode() and "Lise" not in response.content.decode()
    assert str(event["LOCATION"]) == "Rådhuset, møterom 2"


def test_a_winter_meeting_is_one_hour_ahead_of_utc_and_a_summer_meeting_two(plan_world):
    from laget.meetings.calendar import to_ics

    winter = services.group_meeting_schedule(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        starts_at=dt.datetime(2031, 1, 15, 9, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2031, 1, 15, 10, 0, tzinfo=dt.UTC),
        place="Rådhuset",
    )
    summer = services.group_meeting_schedule(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        starts_at=dt.datetime(2031, 6, 15, 9, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2031, 6, 15, 10, 0, tzinfo=dt.UTC),
        place="Rådhuset",
    )
    body = to_ics([winter, summer]).decode()
    assert "DTSTART;TZID=Europe/Oslo:20310115T100000" in body
    assert "DTSTART;TZID=Europe/Oslo:20310615T110000" in body


def test_updates_and_cancellations_keep_the_uid_and_raise_the_sequence(
    plan_world, meeting_world, plan_client
):
    meeting = services.group_meeting_schedule(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        starts_at=hours_from_now(24),
        ends_at=hours_from_now(25),
        place="Rådhuset",
    )
    url = reverse("meetings:ics", kwargs={"meeting_id": meeting.pk})
    client = plan_client("coordinator")
    (first,) = events(client.get(url).content)
    moved = services.meeting_reschedule(
        actor=plan_world.coordinator,
        meeting=meeting,
        based_on_version=1,
        data={
            "starts_at": hours_from_now(30),
            "ends_at": hours_from_now(31),
            "place": "DPS",
            "video_link": "",
        },
    )
    (second,) = events(client.get(url).content)
    services.meeting_cancel(actor=plan_world.coordinator, meeting=moved, based_on_version=2)
    body = client.get(url).content
    (third,) = events(body)
    assert first["UID"] == second["UID"] == third["UID"]
    assert [int(e["SEQUENCE"]) for e in (first, second, third)] == [0, 1, 2]
    assert str(second["LOCATION"]) == "DPS"
    assert (
        str(third["STATUS"]) == "CANCELLED" and str(Calendar.from_ical(body)["METHOD"]) == "CANCEL"
    )


def test_the_personal_feed_lists_ones_meetings_and_a_new_address_revokes_the_old(
    plan_world, meeting_world, client
):
    feed = services.calendar_feed_renew(actor=plan_world.person)
    url = reverse("meetings:feed", kwargs={"token": feed.token})
    response = client.get(url)  # no login: calendar apps cannot log in
    assert response.status_code == 200
    uids = {str(e["UID"]) for e in events(response.content)}
    assert uids == {
        f"{meeting_world.group_meeting.uid}@laget",
        f"{meeting_world.approved_meeting.uid}@laget",
        f"{meeting_world.upcoming_meeting.uid}@laget",
    }
    assert b"Testesen" not in response.content
    renewed = services.calendar_feed_renew(actor=plan_world.person)
    assert client.get(url).status_code == 404
    services.calendar_feed_revoke(actor=plan_world.person)
    assert client.get(reverse("meetings:feed", kwargs={"token": renewed.token})).status_code == 404


def test_staff_of_an_invited_service_get_the_forum_in_their_feed(plan_world, meeting_world, client):
    feed = services.calendar_feed_renew(actor=plan_world.colleague)  # DPS, not an anchor
    body = client.get(reverse("meetings:feed", kwargs={"token": feed.token})).content
    uids = {str(e["UID"]) for e in events(body)}
    assert f"{meeting_world.forum_meeting.uid}@laget" in uids
    assert f"{meeting_world.group_meeting.uid}@laget" not in uids  # not on that team
