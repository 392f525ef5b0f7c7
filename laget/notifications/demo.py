"""Demo notifications on Fjordvik: everything the demo's services did has already told the
team (the bell); here a person's question has waited since last week (so it shows on the
coordinator's "Trenger deg" and tells the coordinator), and another person has asked to be
called. Jonas Eriksen's wall is left as it is: the browser journey starts there."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from laget.notifications import services
from laget.plans import services as plan_services
from laget.plans.models import Message, Plan


def load_notifications(plans: list[Plan]) -> None:
    others = [
        p
        for p in plans
        if p.status == Plan.Status.ACTIVE
        and p.person.user is not None
        and p.person.first_name != "Jonas"
    ]
    if not others:
        return
    waiting = plan_services.message_post(
        actor=others[0].person.user,
        plan=others[0],
        body="Jeg har ikke fått svar på søknaden om bolig. Vet noen hvordan det går?",
    )
    Message.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - dt.timedelta(days=6))
    services.scheduled_events_raise()
    if len(others) > 1:
        services.call_request(actor=others[1].person.user, plan=others[1], time_of_day="midday")
