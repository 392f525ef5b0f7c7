"""Reminders, run in the background (django-tasks; the database backend in production).

A reminder says what needs doing and links to the dashboard; it goes out when something is
new or weekly while things stay undone (continuity.reminders). It never names a person nor
quotes anything from a plan: e-mail is not a safe place for health information.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from laget.accounts.models import User
from laget.continuity import services
from laget.continuity.reminders import tally
from laget.continuity.selectors import Attention, attention
from laget.plans.models import TeamMember


@task()
def send_reminders() -> int:
    """E-mail every coordinator (and covering stand-in) with something needing attention,
    when something is new since their last reminder or a week has passed (see
    continuity.reminders). Returns how many reminders were sent."""
    sent = 0
    # Coordinators, and stand-ins (their cover is checked by attention() itself).
    coordinators = User.objects.filter(
        pk__in=TeamMember.objects.active()
        .filter(role__in=["coordinator", "member", "group"])
        .values("user_id"),
        kind="professional",
        is_active=True,
    )
    base_url = getattr(settings, "LAGET_BASE_URL", "http://127.0.0.1:8000")
    now = timezone.now()
    with translation.override("nb"):
        for user in coordinators:
            items = attention(actor=user, log=False)
            if services.reminder_send_if_due(
                user=user, tally=tally(items), at=now, send=partial(_send, user, items, base_url)
            ):
                sent += 1
    return sent


def _send(user: User, items: list[Attention], base_url: str) -> None:
    lines = [
        _("%(n)d plans need your attention in Laget:") % {"n": len(items)},
        _("- %(n)d past their revision date") % {"n": sum(i.revision_overdue for i in items)},
        _("- %(n)d overdue tasks") % {"n": sum(i.overdue_tasks for i in items)},
        _("- %(n)d consents ending within 30 days")
        % {"n": sum(i.consents_expiring for i in items)},
        _("- %(n)d measures not updated for 60 days") % {"n": sum(i.stale_measures for i in items)},
        _("- %(n)d hand-offs waiting or declined")
        % {"n": sum(i.open_handoffs + i.declined_handoffs for i in items)},
        _("- %(n)d persons with no responsible service today")
        % {"n": sum(i.gap_now for i in items)},
        "",
        _("Log in to see what to do: %(url)s")
        % {"url": base_url + reverse("continuity:dashboard")},
    ]
    send_mail(_("Laget: plans that need your attention"), "\n".join(lines), None, [user.email])
