"""The bell, the list, the wall's "new", unread counts, "Trenger deg", the safety net and
"I want to be called", through the pages and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from laget.notifications import services
from laget.notifications.models import CallRequest, Kind, Notification
from laget.plans import services as plan_services
from laget.plans.models import Message, Task

pytestmark = pytest.mark.django_db


def grow(w, n: int) -> None:
    """n messages from the person and n join requests: as many unread notifications."""
    for i in range(n):
        plan_services.message_post(actor=w.person, plan=w.plan, body=f"Melding {i}")
        services.notify(
            event=Kind.JOIN_REQUESTED, plan=w.plan, actor=w.colleague, target=w.plan, key=str(i)
        )


@pytest.mark.parametrize("n", [0, 3, 30])
def test_the_bell_adds_no_query_to_any_page(plan_world, plan_client, django_assert_num_queries, n):
    """The unread count rides on the user row the session already loads: the catalogue
    page costs the same with no notifications and with sixty."""
    grow(plan_world, n)
    client = plan_client("coordinator")
    url = reverse("directory:catalogue")
    client.get(url)
    # 1-3 session, user (with its unread count), TOTP authenticator (the MFA rule);
    # 4-6 the catalogue's own: COUNT of services, organisations, one page of services.
    # Nothing for the bell.
    with django_assert_num_queries(6):
        response = client.get(url)
    body = response.content.decode()
    if n:
        assert f'<span class="badge">{2 * n}<span class="visually-hidden"> uleste' in body
    else:
        assert 'class="badge"' not in body
    assert 'id="bell"' in body


@pytest.mark.parametrize("n", [5, 50])
def test_the_list_is_paged_newest_first_in_fixed_queries(
    plan_world, plan_client, django_assert_num_queries, n
):
    grow(plan_world, n)
    client = plan_client("coordinator")
    url = reverse("notifications:list")
    client.get(url)
    # 1-3 session, user, TOTP authenticator; 4 COUNT for the pager; 5 one page.
    with django_assert_num_queries(5):
        response = client.get(url)
    page = response.context["page"]
    assert len(page.object_list) == min(2 * n, 20)
    times = [x.created_at for x in page.object_list]
    assert times == sorted(times, reverse=True)
    last = client.get(url, {"side": page.paginator.num_pages}).context["page"]
    assert len(last.object_list) == 2 * n - 20 * (page.paginator.num_pages - 1)


def test_the_api_lists_own_newest_first_paged_with_the_unread_count(plan_world, plan_client):
    w = plan_world
    grow(w, 12)
    client = plan_client("coordinator")
    first = client.get(reverse("api-v1:list_notifications")).json()
    assert first["unread"] == 24 and first["count"] == 24 and first["pages"] == 2
    assert len(first["items"]) == 20
    assert first["items"][0]["created_at"] >= first["items"][-1]["created_at"]
    assert {i["text"] for i in first["items"]} <= {
        "Du har en ny melding i Laget",
        "Noen ber om å bli med i et team i Laget",
    }
    second = client.get(reverse("api-v1:list_notifications"), {"page": 2}).json()
    assert len(second["items"]) == 4
    ids = [i["id"] for i in first["items"][:3]]
    done = client.post(
        reverse("api-v1:read_notifications"), {"ids": ids}, content_type="application/json"
    ).json()
    assert done == {"marked": 3, "unread": 21}
    everything = client.post(
        reverse("api-v1:read_notifications"), {}, content_type="application/json"
    ).json()
    assert everything == {"marked": 21, "unread": 0}


def test_following_a_notification_marks_it_read_and_opens_its_page(plan_world, plan_client):
    w = plan_world
    plan_services.message_post(actor=w.person, plan=w.plan, body="Hei")
    mine = Notification.objects.get(recipient=w.coordinator)
    client = plan_client("coordinator")
    response = client.get(reverse("notifications:open", kwargs={"notification_id": mine.pk}))
    assert response["Location"] == reverse("plans:messages", kwargs={"plan_id": w.plan.pk})
    mine.refresh_from_db()
    assert mine.read_at is None  # the wall marks it when it shows it as new
    assert "is-new" in client.get(response["Location"]).content.decode()
    mine.refresh_from_db()
    w.coordinator.refresh_from_db()
    assert mine.read_at is not None and w.coordinator.unread_notifications == 0


def test_the_wall_marks_what_is_new_since_my_last_visit(plan_world, plan_client):
    w = plan_world
    old = plan_services.message_post(actor=w.person, plan=w.plan, body="Gammel melding")
    client = plan_client("coordinator")
    url = reverse("plans:messages", kwargs={"plan_id": w.plan.pk})
    client.get(url)
    new = plan_services.message_post(actor=w.person, plan=w.plan, body="Ny melding")
    body = client.get(url).content.decode()
    assert body.count("is-new") == 1
    assert body.index("Ny melding") > body.index("is-new") and "Gammel melding" in body
    assert new.pk != old.pk
    assert "is-new" not in client.get(url).content.decode()  # seen now


def test_plans_list_and_inbox_show_unread_counts(plan_world, plan_client):
    w = plan_world
    plan_services.message_post(actor=w.person, plan=w.plan, body="En")
    plan_services.message_post(actor=w.relative_with_consent, plan=w.plan, body="To")
    client = plan_client("coordinator")
    plans = client.get(reverse("plans:my_plans")).content.decode()
    assert '<span class="badge">2<span class="visually-hidden"> uleste' in plans
    inbox = client.get(reverse("plans:inbox")).content.decode()
    assert inbox.count('<span class="badge">Ny</span>') == 2 and "2 uleste" in inbox


def test_needs_you_lists_who_waits_for_an_answer_and_who_wants_a_call(plan_world, plan_client):
    w = plan_world
    asked = plan_services.message_post(actor=w.person, plan=w.plan, body="Kan noen ringe meg?")
    Message.objects.filter(pk=asked.pk).update(created_at=timezone.now() - dt.timedelta(days=6))
    plan_services.message_post(actor=w.relative_with_consent, plan=w.plan, body="Hei")
    services.call_request(actor=w.person, plan=w.plan, time_of_day="afternoon")
    body = plan_client("coordinator").get(reverse("continuity:dashboard")).content.decode()
    assert "Lise Testesen vil bli ringt" in body and "om ettermiddagen" in body
    # The relative wrote last: the plan waits, by a relative.
    assert "En pårørende til Lise Testesen venter på svar" in body
    # A professional's answer takes the plan off the list.
    plan_services.message_post(actor=w.team_professional, plan=w.plan, body="Vi ringer.")
    body = plan_client("coordinator").get(reverse("continuity:dashboard")).content.decode()
    assert "venter på svar" not in body and "vil bli ringt" in body
    # Others see nothing of it.
    other = plan_client("team_professional").get(reverse("continuity:dashboard")).content
    assert b"Testesen" not in other


def test_the_dashboard_logs_each_plan_it_shows_once(plan_world, plan_client):
    """A plan on "Trenger deg" is logged; shown also in the attention list above it, it is
    logged once for the page, not once per section."""
    from laget.audit.models import AccessLogEntry

    w = plan_world
    client = plan_client("coordinator")
    entries = AccessLogEntry.objects.filter(person_id=w.plan.person_id, category="attention")
    plan_services.message_post(actor=w.person, plan=w.plan, body="Kan noen ringe meg?")
    before = entries.count()
    body = client.get(reverse("continuity:dashboard")).content.decode()
    assert "Lise Testesen venter på svar" in body
    assert entries.count() == before + 1  # only under "Trenger deg": logged there
    plan_services.task_add(
        actor=w.coordinator,
        plan=w.plan,
        title="Ringe tilbake",
        due=timezone.localdate() - dt.timedelta(days=1),
        assignee_user=w.coordinator,
    )
    before = entries.count()
    body = client.get(reverse("continuity:dashboard")).content.decode()
    assert "Lise Testesen venter på svar" in body and "forfalt" in body
    assert entries.count() == before + 1  # in both sections: one entry for the page


def test_a_question_unanswered_two_working_days_stands_out_on_needs_you(plan_world, plan_client):
    """Issue 13: the person's question unanswered for two working days is told to the
    coordinator and shows, flagged, on "Trenger deg"; a fresh one shows without the flag."""
    w = plan_world
    asked = plan_services.message_post(actor=w.person, plan=w.plan, body="Kan noen ringe meg?")
    body = plan_client("coordinator").get(reverse("continuity:dashboard")).content.decode()
    assert "Lise Testesen venter på svar" in body and "mer enn to virkedager" not in body
    # Ten days back spans two working days whatever today is (Easter and Christmas too).
    Message.objects.filter(pk=asked.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
    assert services.scheduled_events_raise() >= 1
    assert services.scheduled_events_raise() == 0  # told once, however often it runs
    body = plan_client("coordinator").get(reverse("continuity:dashboard")).content.decode()
    assert "Lise Testesen venter på svar" in body and "mer enn to virkedager" in body
    told = Notification.objects.filter(kind=Kind.QUESTION_UNANSWERED, recipient=w.coordinator)
    assert told.count() == 1


def test_a_closed_plan_takes_no_call_request(plan_world):
    from django.core.exceptions import ValidationError
    from django.utils.translation import override

    from laget.plans import lifecycle

    w = plan_world
    lifecycle.plan_close(actor=w.coordinator, plan=w.plan, reason="Målene er nådd")
    w.plan.refresh_from_db()
    with pytest.raises(ValidationError) as exc, override("nb"):
        services.call_request(actor=w.person, plan=w.plan, time_of_day="morning")
    with override("nb"):
        assert "avsluttet og kan bare leses" in " ".join(exc.value.messages)
    assert not CallRequest.objects.exists() and not Task.objects.exists()


def test_asking_to_be_called_makes_a_task_for_the_coordinator_once(plan_world, plan_client):
    w = plan_world
    client = plan_client("person")
    url = reverse("notifications:call_me", kwargs={"plan_id": w.plan.pk})
    back = reverse("plans:messages", kwargs={"plan_id": w.plan.pk})
    response = client.post(url, {"time_of_day": "morning", "next": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    assert "Koordinatoren har fått beskjed om å ringe deg" in response.content.decode()
    task = Task.objects.get()
    assert task.assignee_user == w.coordinator and "om morgenen" in task.title
    assert task.due > timezone.localdate()
    again = client.post(url, {"time_of_day": "morning"}, follow=True).content.decode()
    assert "Du har allerede bedt om å bli ringt" in again
    assert CallRequest.objects.count() == 1
    bad = client.post(url, {"time_of_day": "midnatt"}, follow=True).content.decode()
    assert "Velg når det passer" in bad
    # An outside address for "next" is not followed.
    outside = client.post(url, {"time_of_day": "any", "next": "https://example.com/"})
    assert outside["Location"] == reverse("plans:plan", kwargs={"plan_id": w.plan.pk})


def test_the_safety_net_is_for_the_person_and_relatives(plan_world, plan_client):
    w = plan_world
    url = reverse("plans:messages", kwargs={"plan_id": w.plan.pk})
    person = plan_client("person").get(url).content.decode()
    assert "Meldinger leses på hverdager." in person
    assert 'href="tel:116117"' in person and 'href="tel:113"' in person
    assert person.index("Meldinger leses på hverdager.") < person.index('name="body"')
    assert "Jeg vil bli ringt" in person
    plan_page = plan_client("relative_with_consent").get(
        reverse("plans:plan", kwargs={"plan_id": w.plan.pk})
    )
    assert "Meldinger leses på hverdager." in plan_page.content.decode()
    coordinator = plan_client("coordinator").get(url).content.decode()
    assert "Meldinger leses på hverdager." not in coordinator


def test_the_crisis_plans_own_contacts_come_first_on_the_persons_plan_page(plan_world, plan_client):
    w = plan_world
    from laget.plans.models import CrisisPlan

    crisis = CrisisPlan.objects.get(plan=w.plan)
    plan_services.crisis_plan_update(
        actor=w.coordinator,
        plan=w.plan,
        based_on_version=crisis.version,
        data={"who_to_contact": "Mamma Kari 911 22 333"},
    )
    body = (
        plan_client("person")
        .get(reverse("plans:plan", kwargs={"plan_id": w.plan.pk}))
        .content.decode()
    )
    assert body.index("Mamma Kari 911 22 333") < body.index("116 117") < body.index("113<")


def test_preferences_page_saves_and_refuses_bad_input_in_norwegian(plan_world, plan_client):
    client = plan_client("coordinator")
    url = reverse("notifications:preferences")
    assert "Stille timer" in client.get(url).content.decode()
    bad = client.post(url, {"message_new__sms": "on", "quiet_from": "22:00"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "mobilnummeret ditt" in text and "både når de stille timene starter" in text
    good = client.post(
        url,
        {
            "message_new__sms": "on",
            "phone": "912 34 567",
            "quiet_from": "22:00",
            "quiet_to": "07:00",
            "daily_digest": "on",
        },
    )
    assert good.status_code == 302
    mine = plan_world.coordinator.notification_settings
    assert mine.phone == "91234567" and mine.daily_digest and mine.quiet_to == dt.time(7, 0)
    person_page = plan_client("person").get(url).content.decode()
    assert "daily_digest" not in person_page


@pytest.mark.parametrize("n", [2, 20])
def test_unread_counts_cost_one_query_on_the_plans_list_and_inbox(
    plan_world, plan_client, django_assert_num_queries, n
):
    w = plan_world
    grow(w, n)
    client = plan_client("coordinator")
    url = reverse("plans:my_plans")
    client.get(url)
    # 1-3 session, user, TOTP authenticator; 4 the user's places with plans and persons;
    # 5 the consents in force for those persons (a place without one is only counted);
    # 6-8 the access-log entries for the plans listed, written together on either engine
    # (read the chains' heads, one INSERT, move the heads); 9 the unread state of every plan
    # (notifications.selectors.unread).
    with django_assert_num_queries(9):
        response = client.get(url)
    assert f'<span class="badge">{2 * n}<span' in response.content.decode()


def test_waiting_messages_are_each_open_plans_newest_when_the_person_or_a_relative_wrote_it(
    plan_world,
):
    from laget.notifications.access import waiting_messages
    from laget.plans import lifecycle

    w = plan_world
    assert waiting_messages() == []
    first = plan_services.message_post(actor=w.person, plan=w.plan, body="Kan noen ringe meg?")
    assert [m.pk for m in waiting_messages()] == [first.pk]
    assert [m.pk for m in waiting_messages(plan_ids=[w.plan.pk])] == [first.pk]
    assert waiting_messages(plan_ids=[]) == []
    plan_services.message_post(actor=w.coordinator, plan=w.plan, body="Jeg ringer i morgen.")
    assert waiting_messages() == []  # answered: the newest is the coordinator's
    again = plan_services.message_post(actor=w.person, plan=w.plan, body="Takk, i morgen passer.")
    (waiting,) = waiting_messages()
    assert waiting.pk == again.pk and waiting.plan.person.pk == w.plan.person_id
    lifecycle.plan_close(actor=w.coordinator, plan=w.plan, reason="Målene er nådd")
    assert waiting_messages() == []  # a closed plan waits for nobody
