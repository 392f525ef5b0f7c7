"""Meeting reminders, run in the background (django-tasks).

A reminder goes the day before to everyone invited by name, once per meeting. Like the
calendar, it never names the person a meeting is about: it gives the time, the place and
a link.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from laget.meetings.models import Meeting, Participant


@task()
def send_meeting_reminders(hours_ahead: int = 36) -> int:
    """Remind those invited to meetings starting within `hours_ahead` hours. Returns how
    many e-mails went out."""
    now = timezone.now()
    base_url = getattr(settings, "LAGET_BASE_URL", "http://127.0.0.1:8000")
    sent = 0
    with transaction.atomic():
        meetings = list(
            Meeting.objects.select_for_update(skip_locked=True).filter(
                status=Meeting.Status.PLANNED,
                reminded_at__isnull=True,
                starts_at__gt=now,
                starts_at__lte=now + dt.timedelta(hours=hours_ahead),
            )
        )
        emails: dict[int, list[str]] = {}
        for p in Participant.objects.filter(
            meeting__in=meetings, user__isnull=False, user__is_active=True
        ).values_list("meeting_id", "user__email"):
            emails.setdefault(p[0], []).append(p[1])
        messages = []
        with translation.override("nb"):
            for m in meetings:
                start = timezone.localtime(m.starts_at)
                link = base_url + reverse("meetings:meeting", kwargs={"meeting_id": m.pk})
                body = _(
                    "Reminder: %(title)s on %(date)s at %(time)s, %(place)s.\n"
                    "Agenda and your own points: %(url)s"
                ) % {
                    "title": m.title,
                    "date": start.strftime("%d.%m.%Y"),
                    "time": start.strftime("%H:%M"),
                    "place": m.place or m.video_link,
                    "url": link,
                }
                subject = _("Laget: meeting %(date)s") % {"date": start.strftime("%d.%m")}
                messages += [(subject, body, None, [e]) for e in sorted(emails.get(m.pk, []))]
        Meeting.objects.filter(pk__in=[m.pk for m in meetings]).update(reminded_at=now)
        transaction.on_commit(lambda: send_mass_mail(messages))
        sent = len(messages)
    return sent
