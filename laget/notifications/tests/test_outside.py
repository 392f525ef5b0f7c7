"""E-mail and SMS: what they say (never a name, a national id or a message's words), that
delivery survives a failing mail server without losing or doubling anything, and that the
user's choices, quiet hours and the daily digest are honoured."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from laget.notifications import services, tasks
from laget.notifications.gateway import LocmemSmsBackend
from laget.notifications.models import Channel, Delivery, Kind, Notification
from laget.plans import services as plan_services
from laget.plans.models import Person, Plan

pytestmark = pytest.mark.django_db

SECRET_WORDS = "Jeg har det veldig vondt i kveld og trenger hjelp"


class FlakyBackend(LocmemBackend):
    """A mail server that refuses the first `fails` attempts of every run of the test."""

    fails = 2
    attempts = 0

    def send_messages(self, messages):
        FlakyBackend.attempts += 1
        if FlakyBackend.attempts <= FlakyBackend.fails:
            raise ConnectionRefusedError("451 try again later")
        return super().send_messages(messages)


def _ordinary_settings(user, **kwargs):
    return services.preferences_save(
        actor=user,
        enabled=kwargs.pop("enabled", {}),
        phone=kwargs.pop("phone", ""),
        **kwargs,
    )


def test_no_outside_text_carries_the_persons_name_id_or_words(settings):
    """Every kind on every outside channel, rendered for a notification about the demo's
    Jonas Eriksen (with his message on the wall), and what was actually sent."""
    from django.core.management import call_command

    settings.LAGET_DEMO = True
    call_command("seed_demo")
    jonas = Person.objects.get(first_name="Jonas", last_name="Eriksen")
    plan = Plan.objects.filter(person=jonas).exclude(status="closed").get()
    plan_services.message_post(actor=jonas.user, plan=plan, body=SECRET_WORDS)
    told = Notification.objects.filter(plan=plan).first()
    assert told is not None
    forbidden = [jonas.first_name, jonas.last_name, jonas.national_id, SECRET_WORDS, "vondt"]
    bodies = []
    for kind in Kind.values:
        for channel in (Channel.EMAIL, Channel.SMS):
            subject, body = services.render_outside(kind, channel, told.link)
            bodies.append(subject + "\n" + body)
    # Ahmed, Jonas's coordinator, takes the daily digest: it is rendered and sent too.
    ahmed = told.recipient if told.recipient.kind == "professional" else None
    ahmed = (
        ahmed or Notification.objects.filter(plan=plan, recipient__kind="professional")[0].recipient
    )
    services.preferences_save(actor=ahmed, enabled={}, daily_digest=True)
    plan_services.message_post(actor=jonas.user, plan=plan, body=SECRET_WORDS + " igjen")
    mail.outbox.clear()
    services.deliver_due()
    assert services.digests_send() == 1
    assert mail.outbox
    bodies += [m.subject + "\n" + m.body for m in mail.outbox]
    assert len(bodies) > 2 * len(Kind.values)
    for text in bodies:
        assert "116 117" in text or "http" in text
        for word in forbidden:
            assert word not in text, (word, text)


def test_delivery_survives_a_failing_mail_server(
    told_world, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "laget.notifications.tests.test_outside.FlakyBackend"
    FlakyBackend.attempts, FlakyBackend.fails = 0, 1000  # down
    w = told_world
    mail.outbox.clear()
    # The immediate task backend tries once at commit: the server refuses.
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.message_post(actor=w.person, plan=w.plan, body="Hei")
    emails = Delivery.objects.filter(channel=Channel.EMAIL)
    assert emails.count() == 4  # coordinator, stand-in, DPS, relative
    assert set(emails.values_list("status", flat=True)) == {Delivery.Status.PENDING}
    assert mail.outbox == []
    # Retries wait: a sweep right away sends nothing.
    assert services.deliver_due() == 0
    later = timezone.now() + dt.timedelta(minutes=2)
    FlakyBackend.fails = FlakyBackend.attempts + 1  # the server refuses once more
    services.deliver_due(now=later)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 3
    still = Delivery.objects.get(channel=Channel.EMAIL, status=Delivery.Status.PENDING)
    assert still.attempts == 2 and "451" in still.last_error
    sent = services.deliver_due(now=later + dt.timedelta(minutes=10))
    assert sent == 1
    # Nothing lost, nothing twice: one e-mail per recipient, each with its own key.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in [w.coordinator, w.stand_in, w.team_professional, w.relative_with_consent]
    )
    keys = [m.extra_headers["X-Laget-Idempotency-Key"] for m in mail.outbox]
    assert len(set(keys)) == 4
    # Running again (a second worker, a repeated task) sends nothing more.
    assert services.deliver_due(now=later + dt.timedelta(hours=2)) == 0
    tasks.deliver.call(keys)
    assert len(mail.outbox) == 4


def test_a_delivery_that_keeps_failing_is_given_up(told_world, settings):
    settings.EMAIL_BACKEND = "laget.notifications.tests.test_outside.FlakyBackend"
    settings.LAGET_NOTIFICATION_MAX_ATTEMPTS = 3
    FlakyBackend.attempts, FlakyBackend.fails = 0, 1000
    w = told_world
    plan_services.message_post(actor=w.coordinator, plan=w.plan, body="Hei")
    at = timezone.now()
    for _ in range(5):
        at += dt.timedelta(days=1)
        services.deliver_due(now=at)
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.FAILED}
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {3}


def test_choices_per_kind_and_channel_are_honoured(told_world):
    w = told_world
    _ordinary_settings(
        w.coordinator,
        enabled={(Kind.MESSAGE_NEW, Channel.EMAIL): False, (Kind.MESSAGE_NEW, Channel.SMS): True},
        phone="+47 912 34 567",
    )
    _ordinary_settings(w.team_professional, enabled={(Kind.MESSAGE_NEW, Channel.EMAIL): False})
    mail.outbox.clear()
    plan_services.message_post(actor=w.person, plan=w.plan, body="Hei")
    # In the app everyone who may read it is told; outside, each as they chose.
    assert Notification.objects.count() == 4
    services.deliver_due()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [w.stand_in.email, w.relative_with_consent.email]
    )
    link = f"http://127.0.0.1:8000/planer/{w.plan.pk}/meldinger/"
    assert [(s.to, s.text) for s in LocmemSmsBackend.outbox] == [
        ("+4791234567", f"Du har en ny melding i Laget: {link}")
    ]
    # Other kinds keep the default (e-mail on).
    mail.outbox.clear()
    plan_services.task_add(
        actor=w.team_professional,
        plan=w.plan,
        title="Ring NAV",
        due=dt.date.today(),
        assignee_user=w.coordinator,
    )
    services.deliver_due()
    assert [m.to[0] for m in mail.outbox] == [w.coordinator.email]


def test_sms_without_a_number_is_refused_with_a_message(told_world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        _ordinary_settings(told_world.person, enabled={(Kind.MESSAGE_NEW, Channel.SMS): True})
    assert "mobilnummer" in str(exc.value) or "mobile number" in str(exc.value)


def test_quiet_hours_hold_back_email_and_sms_until_they_end(told_world):
    w = told_world
    now = timezone.localtime()
    start = (now - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now + dt.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    _ordinary_settings(w.coordinator, quiet_from=start, quiet_to=end)
    mail.outbox.clear()
    plan_services.message_post(actor=w.person, plan=w.plan, body="Hei")
    held = Delivery.objects.get(notification__recipient=w.coordinator)
    assert held.status == Delivery.Status.PENDING
    assert held.not_before > timezone.now() + dt.timedelta(minutes=100)
    services.deliver_due()
    assert w.coordinator.email not in [m.to[0] for m in mail.outbox]
    assert w.stand_in.email in [m.to[0] for m in mail.outbox]
    services.deliver_due(now=held.not_before + dt.timedelta(seconds=1))
    assert w.coordinator.email in [m.to[0] for m in mail.outbox]


def test_quiet_hours_across_midnight():
    from laget.notifications.models import NotificationSettings

    mine = NotificationSettings(quiet_from=dt.time(22, 0), quiet_to=dt.time(7, 0))
    tz = timezone.get_current_timezone()
    late = dt.datetime(2026, 3, 6, 23, 30, tzinfo=tz)
    assert mine.quiet_until(late) == dt.datetime(2026, 3, 7, 7, 0, tzinfo=tz)
    early = dt.datetime(2026, 3, 7, 6, 0, tzinfo=tz)
    assert mine.quiet_until(early) == dt.datetime(2026, 3, 7, 7, 0, tzinfo=tz)
    assert mine.quiet_until(dt.datetime(2026, 3, 7, 12, 0, tzinfo=tz)) is None


def test_the_daily_digest_replaces_single_emails_for_professionals(told_world):
    w = told_world
    _ordinary_settings(w.coordinator, daily_digest=True)
    mail.outbox.clear()
    plan_services.message_post(actor=w.person, plan=w.plan, body="Hei")
    plan_services.message_post(actor=w.team_professional, plan=w.plan, body="Hei igjen")
    services.deliver_due()
    assert w.coordinator.email not in [m.to[0] for m in mail.outbox]
    mail.outbox.clear()
    assert services.digests_send() == 1
    assert [m.to[0] for m in mail.outbox] == [w.coordinator.email]
    assert "2" in mail.outbox[0].body
    assert services.digests_send() == 0  # nothing twice


def test_the_digest_is_for_professionals(told_world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _ordinary_settings(told_world.person, daily_digest=True)


def test_a_meeting_invitation_carries_the_calendar_event(told_world):
    from laget.meetings import services as meeting_services

    w = told_world
    mail.outbox.clear()
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    meeting_services.group_meeting_schedule(
        actor=w.coordinator,
        plan=w.plan,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="Rådhuset",
    )
    services.deliver_due()
    to_person = next(m for m in mail.outbox if m.to == [w.person.email])
    _name, content, mimetype = to_person.attachments[0]
    assert mimetype.startswith("text/calendar")
    text = content.decode() if isinstance(content, bytes) else content
    assert "BEGIN:VEVENT" in text
    assert w.person.last_name not in text and "Testesen" not in text


def test_a_changed_and_a_cancelled_meeting_carry_the_same_calendar_event(told_world):
    """Issue 13: a change and a cancellation carry the .ics too, with the same UID, a higher
    SEQUENCE, and the Content-Type's method matching the calendar's METHOD."""
    import re

    from laget.meetings import services as meeting_services

    w = told_world
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    meeting = meeting_services.group_meeting_schedule(
        actor=w.coordinator,
        plan=w.plan,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="Rådhuset",
    )
    services.deliver_due()

    def person_ics() -> tuple[str, str]:
        to_person = [m for m in mail.outbox if m.to == [w.person.email]][-1]
        _name, content, mimetype = to_person.attachments[0]
        return mimetype, content.decode() if isinstance(content, bytes) else content

    _first_type, first = person_ics()
    mail.outbox.clear()
    meeting = meeting_services.meeting_reschedule(
        actor=w.coordinator,
        meeting=meeting,
        based_on_version=meeting.version,
        data={"place": "Legekontoret"},
    )
    services.deliver_due()
    changed_type, changed = person_ics()
    mail.outbox.clear()
    meeting_services.meeting_cancel(
        actor=w.coordinator, meeting=meeting, based_on_version=meeting.version
    )
    services.deliver_due()
    cancelled_type, cancelled = person_ics()

    def uid(text: str) -> str:
        return re.search(r"UID:(\S+)", text).group(1)  # type: ignore[union-attr]

    def sequence(text: str) -> int:
        return int(re.search(r"SEQUENCE:(\d+)", text).group(1))  # type: ignore[union-attr]

    assert uid(first) == uid(changed) == uid(cancelled)
    assert sequence(first) < sequence(changed) < sequence(cancelled)
    assert "method=PUBLISH" in changed_type and "METHOD:PUBLISH" in changed
    assert "method=CANCEL" in cancelled_type and "METHOD:CANCEL" in cancelled
    assert "STATUS:CANCELLED" in cancelled
