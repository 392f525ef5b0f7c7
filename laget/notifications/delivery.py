"""Sending what notify() queued: e-mail and SMS deliveries (locked, retried, never twice)
and the daily digest. Split from notifications.services by sub-domain; the one path in
is still notifications.services.notify, which re-exports these names."""

from __future__ import annotations

import datetime as dt
import logging
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from laget.accounts.models import User
from laget.meetings.models import Meeting, Participant
from laget.notifications.gateway import sms_backend
from laget.notifications.models import (
    Channel,
    Delivery,
    Kind,
    Notification,
    NotificationSettings,
)
from laget.notifications.wording import headline

logger = logging.getLogger("laget.notifications.services")  # the name operators filter on

MEETING_KINDS = {
    Kind.MEETING_INVITED,
    Kind.MEETING_CHANGED,
    Kind.MEETING_CANCELLED,
    Kind.MINUTES_APPROVED,
}
RETRY_MINUTES = [1, 5, 15, 60, 240, 720]


def settings_for(user: User) -> NotificationSettings:
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)


def _base_url() -> str:
    return getattr(settings, "LAGET_BASE_URL", "http://127.0.0.1:8000")


def render_outside(kind: str, channel: str, link: str) -> tuple[str, str]:
    """Subject and body of an e-mail or the text of an SMS (subject empty): the kind of
    event and a link, in bokmål. Nothing else goes in, so nothing else can leak."""
    with translation.override("nb"):
        context = {
            "headline": headline(kind),
            "url": _base_url() + link,
            "settings_url": _base_url() + reverse("notifications:preferences"),
        }
        if channel == Channel.SMS:
            return "", render_to_string("notifications/outside/sms.txt", context).strip()
        return (
            context["headline"],
            render_to_string("notifications/outside/email.txt", context),
        )


def _calendar(notification: Notification) -> bytes | None:
    if notification.kind not in MEETING_KINDS - {Kind.MINUTES_APPROVED}:
        return None
    from laget.meetings.calendar import meeting_ics

    meeting_id = notification.target_id or 0
    if notification.target_type == "participant":
        meeting_id = (
            Participant.objects.filter(pk=meeting_id).values_list("meeting_id", flat=True).first()
            or 0
        )
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    return meeting_ics(meeting) if meeting else None


def _send(delivery: Delivery) -> None:
    notification = delivery.notification
    user = notification.recipient
    subject, body = render_outside(notification.kind, delivery.channel, notification.link)
    if delivery.channel == Channel.SMS:
        phone = settings_for(user).phone
        sms_backend().send(to=phone, text=body, idempotency_key=delivery.idempotency_key)
        return
    mail = EmailMessage(
        subject,
        body,
        to=[user.email],
        # The same Message-ID on every attempt: a mail server that got it once drops a repeat.
        headers={
            "Message-ID": make_msgid(idstring=delivery.idempotency_key, domain="laget"),
            "X-Laget-Idempotency-Key": delivery.idempotency_key,
        },
    )
    ics = _calendar(notification)
    if ics is not None:
        # The Content-Type's method must be the calendar's own METHOD (RFC 6047): PUBLISH
        # for a meeting planned or changed, CANCEL for a cancelled one.
        method = "CANCEL" if b"METHOD:CANCEL" in ics else "PUBLISH"
        mail.attach("invitasjon.ics", ics, f"text/calendar; method={method}; charset=utf-8")
    mail.send()


def deliver_due(*, keys: list[str] | None = None, now: dt.datetime | None = None) -> int:
    """Send what is due: the deliveries named by `keys`, or every pending one whose time
    has come. Each is locked while it is sent (two workers never send the same one) and
    marked sent in the same transaction; a failure counts an attempt and waits longer
    before the next (RETRY_MINUTES), until LAGET_NOTIFICATION_MAX_ATTEMPTS. Returns how
    many were sent."""
    now = now or timezone.now()
    due = Delivery.objects.filter(status=Delivery.Status.PENDING, not_before__lte=now)
    if keys is not None:
        due = due.filter(idempotency_key__in=keys)
    sent = 0
    for pk in list(due.values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            delivery = (
                Delivery.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Delivery.Status.PENDING, not_before__lte=now)
                .select_related("notification__recipient")
                .first()
            )
            if delivery is None:
                continue  # sent or taken by another worker meanwhile
            delivery.attempts += 1
            try:
                _send(delivery)
            except Exception as exc:
                logger.warning("delivery %s failed: %s", delivery.idempotency_key, exc)
                delivery.last_error = str(exc)[:200]
                if delivery.attempts >= settings.LAGET_NOTIFICATION_MAX_ATTEMPTS:
                    delivery.status = Delivery.Status.FAILED
                else:
                    wait = RETRY_MINUTES[min(delivery.attempts, len(RETRY_MINUTES)) - 1]
                    delivery.not_before = now + dt.timedelta(minutes=wait)
            else:
                delivery.status = Delivery.Status.SENT
                delivery.sent_at = now
                sent += 1
            delivery.save()
    return sent


def digests_send(*, now: dt.datetime | None = None) -> int:
    """One e-mail per professional who chose the digest and has something waiting:
    how many notifications and a link. Returns how many digests went out."""
    now = now or timezone.now()
    users = (
        Delivery.objects.filter(status=Delivery.Status.DIGEST)
        .values_list("notification__recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for user in User.objects.filter(pk__in=list(users), is_active=True):
        with transaction.atomic():
            waiting = list(
                Delivery.objects.select_for_update(skip_locked=True).filter(
                    status=Delivery.Status.DIGEST, notification__recipient=user
                )
            )
            if not waiting:
                continue
            with translation.override("nb"):
                body = render_to_string(
                    "notifications/outside/digest.txt",
                    {
                        "count": len(waiting),
                        "url": _base_url() + reverse("notifications:list"),
                        "settings_url": _base_url() + reverse("notifications:preferences"),
                    },
                )
                subject = _("Your notifications from Laget today")
            key = f"digest-{user.pk}-{min(d.pk for d in waiting)}"
            EmailMessage(
                subject,
                body,
                to=[user.email],
                headers={"Message-ID": make_msgid(idstring=key, domain="laget")},
            ).send()
            Delivery.objects.filter(pk__in=[d.pk for d in waiting]).update(
                status=Delivery.Status.SENT, sent_at=now, attempts=F("attempts") + 1
            )
            sent += 1
    return sent
