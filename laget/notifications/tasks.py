"""Delivery off the request path (django-tasks; the database backend in production).

notify() queues `deliver` after the event's transaction commits. A delivery that fails
waits (notifications.services.RETRY_MINUTES) and is tried again: by a deferred `deliver`
where the backend can defer (the database backend), and in any case by
`manage.py deliver_notifications`, which should run every few minutes and also raises the
day's overdue tasks and unanswered questions and sends the daily digests when asked.
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from laget.notifications import services
from laget.notifications.models import Delivery


@task()
def deliver(keys: list[str]) -> int:
    """Send the deliveries named by `keys` that are due; schedule a retry for failures."""
    sent = services.deliver_due(keys=keys)
    retry = (
        Delivery.objects.filter(idempotency_key__in=keys, status=Delivery.Status.PENDING)
        .order_by("not_before")
        .values_list("not_before", flat=True)
        .first()
    )
    backend = deliver.get_backend()
    if retry is not None and backend.supports_defer:
        deliver.using(run_after=max(retry, timezone.now())).enqueue(keys)
    return sent


@task()
def deliver_all_due() -> int:
    """Everything pending whose time has come (quiet hours over, retry waited)."""
    return services.deliver_due()


@task()
def raise_scheduled_events() -> int:
    return services.scheduled_events_raise()


@task()
def send_digests() -> int:
    return services.digests_send()
