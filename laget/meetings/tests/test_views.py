"""Meeting pages: fixed query counts as history grows, and what users see when the guard,
a conflict or a second approval stops them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from laget.conftest import make_professional
from laget.core.tests.test_identifiers import nin
from laget.meetings import services
from laget.meetings.models import Case, Meeting, Participant
from laget.meetings.tests.conftest import hours_from_now
from laget.plans.models import Task

pytestmark = pytest.mark.django_db


def grow(w, mw, n: int) -> None:
    """n earlier meetings for the person and for the forum, each with an open action, an
    evaluation and an agenda point; n more people invited to the forum meeting."""
    for i in range(n):
        earlier = services.group_meeting_schedule(
            actor=w.coordinator,
            plan=w.plan,
            starts_at=hours_from_now(-100 - 24 * i),
            ends_at=hours_from_now(-99 - 24 * i),
            place="Rådhuset",
        )
        services.decision_add(
            actor=w.coordinator,
            meeting=earlier,
            text=f"Tiltak {i}",
            responsible_service=w.municipal,
            due=timezone.localdate() + dt.timedelta(days=i),
        )
        services.agenda_item_add(actor=w.person, meeting=mw.group_meeting, title=f"Punkt {i}")
        forum_meeting = services.forum_meeting_schedule(
            actor=w.coordinator,
            forum=mw.forum,
            starts_at=hours_from_now(-200 - 24 * 28 * i),
            ends_at=hours_from_now(-198 - 24 * 28 * i),
            place="DPS",
        )
        services.decision_add(
            actor=w.coordinator,
            meeting=forum_meeting,
            text=f"Forumtiltak {i}",
            responsible_service=w.dps,
            due=timezone.localdate(),
        )
        services.attendance_record(
            actor=w.coordinator,
            meeting=forum_meeting,
            present=Participant.objects.filter(meeting=forum_meeting).values_list("pk", flat=True)[
                :2
            ],
        )
        services.evaluation_submit(
            actor=w.coordinator, meeting=forum_meeting, useful=4, heard=4, clear=3
        )
        helper = make_professional(w.dps, "member", percent=10)
        services.participant_invite(actor=w.coordinator, meeting=mw.forum_meeting, user=helper)


@pytest.mark.parametrize("n", [2, 12])
def test_the_meeting_page_makes_the_same_queries_as_history_grows(
    plan_world, meeting_world, plan_client, django_assert_num_queries, log_write_queries, n
):
    grow(plan_world, meeting_world, n)
    client = plan_client("coordinator")
    url = reverse("meetings:meeting", kwargs={"meeting_id": meeting_world.group_meeting.pk})
    client.get(url)
    # Expect 14 queries and the access-log entry's:
    #   1-3   session, user, TOTP authenticator (the MFA rule)
    #   4     the meeting with plan, person, forum, network and chair
    #   5     access: this user's place on the plan's team (a coordinator needs no consents)
    #   6-9   participants (with services), decisions (with services and tasks), earlier
    #         open actions, evaluations
    #   then  the access-log entry (log_write_queries: one statement or three)
    #   10-12 the agenda, the comments, whether this user has evaluated
    #   13-14 the forms' drop-downs: team members not yet invited; the services taking part
    # (No session write: reads within a minute of the last renewal leave it alone.)
    with django_assert_num_queries(14 + log_write_queries):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("Tiltak ") >= n  # the open actions come up


@pytest.mark.parametrize("n", [2, 12])
def test_the_forum_page_makes_the_same_queries_as_history_grows(
    plan_world, meeting_world, plan_client, django_assert_num_queries, n
):
    grow(plan_world, meeting_world, n)
    client = plan_client("team_professional")
    url = reverse("meetings:forum", kwargs={"forum_id": meeting_world.forum.pk})
    client.get(url)
    # Expect 12 queries:
    #   1-3   session, user, TOTP authenticator
    #   4-5   the forum with its network; does this user work in the network
    #   6-8   anchors, upcoming meetings, the last twelve held
    #   9-12  their service invitations, the network's services, evaluations, open actions
    # (No session write: reads within a minute of the last renewal leave it alone.)
    with django_assert_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("n", [2, 12])
def test_the_meeting_list_makes_the_same_queries_as_history_grows(
    plan_world, meeting_world, plan_client, django_assert_num_queries, n
):
    grow(plan_world, meeting_world, n)
    client = plan_client("coordinator")
    url = reverse("meetings:list")
    client.get(url)
    # Expect 11 queries:
    #   1-3   session, user, TOTP authenticator
    #   4-5   the user's places on open plans' teams; the consents in force for those persons
    #   6-8   the networks they work in, the meetings, the forums
    #   9-11  one access-log entry per person shown, written together: lock the chain
    #         head, one INSERT, UPDATE head
    # (No session write: reads within a minute of the last renewal leave it alone.)
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200


def test_a_case_with_a_national_id_is_shown_back_marked_and_not_saved(
    plan_world, meeting_world, plan_client
):
    number = nin("150585")
    url = reverse("meetings:case_add", kwargs={"meeting_id": meeting_world.forum_meeting.pk})
    response = plan_client("coordinator").post(
        url,
        {
            "title": "Ung kvinne",
            "situation": f"Hun har fødselsnummer {number} og <b>angst</b>.",
            "question": "Hvordan samarbeider vi?",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f"<mark>{number}</mark>" in body
    assert "&lt;b&gt;angst&lt;/b&gt;" in body  # the rest of the text is escaped
    assert "Ikke lagret: dette kan identifisere en person." in body
    assert Case.objects.count() == 1  # the fixture's own case only


def test_autosave_answers_with_the_new_version_and_a_stale_save_with_the_other_text(
    plan_world, meeting_world, plan_client
):
    url = reverse("meetings:minutes_save", kwargs={"meeting_id": meeting_world.group_meeting.pk})
    client = plan_client("coordinator")
    headers = {"HX-Request": "true"}
    first = client.post(
        url, {"minutes": "Første utkast", "minutes_plain": "", "version": 1}, headers=headers
    )
    assert first.status_code == 200
    assert 'id="minutes_version" value="2" hx-swap-oob="true"' in first.content.decode()
    stale = client.post(
        url, {"minutes": "Annet utkast", "minutes_plain": "", "version": 1}, headers=headers
    )
    assert stale.status_code == 409
    assert "Første utkast" in stale.content.decode()
    assert Meeting.objects.get(pk=meeting_world.group_meeting.pk).minutes == "Første utkast"


def test_approving_twice_is_told_plainly(plan_world, meeting_world, plan_client):
    url = reverse(
        "meetings:minutes_approve", kwargs={"meeting_id": meeting_world.approved_meeting.pk}
    )
    response = plan_client("coordinator").post(url, follow=True)
    assert "Referatet er allerede godkjent." in response.content.decode()


def test_a_decision_made_in_the_meeting_shows_on_the_persons_plan(
    plan_world, meeting_world, plan_client
):
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    url = reverse("meetings:decision_add", kwargs={"meeting_id": meeting_world.group_meeting.pk})
    response = plan_client("coordinator").post(
        url,
        {
            "text": "Bestille time hos fastlegen",
            "responsible_service": plan_world.municipal.pk,
            "due": due,
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(title="Bestille time hos fastlegen")
    plan_page = plan_client("person").get(
        reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk})
    )
    assert (
        "Bestille time hos fastlegen" in plan_page.content.decode() and task.plan == plan_world.plan
    )


def test_a_meeting_that_ends_before_it_starts_gets_a_norwegian_message(plan_world, plan_client):
    url = reverse("meetings:plan_meetings", kwargs={"plan_id": plan_world.plan.pk})
    before = Meeting.objects.count()
    response = plan_client("coordinator").post(
        url,
        {
            "date": "2031-03-03",
            "start": "14:00",
            "end": "13:00",
            "place": "Rådhuset",
            "chair": plan_world.coordinator.pk,
        },
    )
    assert response.status_code == 400
    assert "Møtet må slutte etter at det begynner." in response.content.decode()
    assert Meeting.objects.count() == before


def test_the_persons_front_page_shows_their_next_meeting(plan_world, meeting_world, plan_client):
    upcoming = services.group_meeting_schedule(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        starts_at=hours_from_now(72),
        ends_at=hours_from_now(73),
        place="Rådhuset, møterom 4",
    )
    body = plan_client("person").get(reverse("home")).content.decode()
    assert "Neste møte:" in body and "Rådhuset, møterom 4" in body
    assert reverse("meetings:meeting", kwargs={"meeting_id": upcoming.pk}) in body
    assert (
        "Neste møte:" not in plan_client("relative_without").get(reverse("home")).content.decode()
    )


@pytest.mark.parametrize("n", [2, 12])
def test_a_persons_meeting_list_makes_the_same_queries_as_history_grows(
    plan_world, meeting_world, plan_client, django_assert_num_queries, log_write_queries, n
):
    grow(plan_world, meeting_world, n)
    client = plan_client("coordinator")
    url = reverse("meetings:plan_meetings", kwargs={"plan_id": plan_world.plan.pk})
    client.get(url)
    # Expect 7 queries and the access-log entry's:
    #   1-3   session, user, TOTP authenticator
    #   4-5   the plan with person and owner; this user's place on the team
    #   6     the meetings, newest first, with their chairs
    #   then  the access-log entry (log_write_queries: one statement or three)
    #   7     the team's professionals, for the chair drop-down
    # (No session write: reads within a minute of the last renewal leave it alone.)
    with django_assert_num_queries(7 + log_write_queries):
        response = client.get(url)
    assert response.status_code == 200


def test_the_other_meeting_pages_make_the_same_queries_as_history_grows(
    plan_world, meeting_world, plan_client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from laget.meetings.services import agenda_templates_ensure

    template = agenda_templates_ensure()["forum"]
    pages = [
        ("coordinator", reverse("meetings:calendar")),
        ("coordinator", reverse("meetings:templates")),
        ("coordinator", reverse("meetings:template_edit", kwargs={"template_id": template.pk})),
        (
            "coordinator",
            reverse("meetings:forum_create", kwargs={"slug": meeting_world.network.slug}),
        ),
        (
            "coordinator",
            reverse("meetings:ics", kwargs={"meeting_id": meeting_world.group_meeting.pk}),
        ),
        ("person", reverse("home")),
    ]

    def counts() -> dict:
        out = {}
        for actor, url in pages:
            client = plan_client(actor)
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200, url
            out[url] = len(captured)
        return out

    grow(plan_world, meeting_world, 2)
    small = counts()
    grow(plan_world, meeting_world, 10)
    assert counts() == small
