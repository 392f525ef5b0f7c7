"""The nightly refresh of the quality indicators' monthly figures, in the background
(django-tasks, as the reminders): `manage.py quality_refresh` queues it; schedule that
nightly (for example with cron). See quality.figures for what is kept and why."""

from __future__ import annotations

from django_tasks import task

from laget.directory.models import Network
from laget.quality import figures, selectors


@task()
def refresh_figures(
    network_slug: str | None = None, late_months: int = figures.LATE_MONTHS, current: bool = False
) -> int:
    """Count the closed months (and with `current` the current month) of one network (by
    slug), or of every network and of the whole installation. Returns how many monthly
    figures were written."""
    networks = Network.objects.order_by("pk")
    if network_slug:
        networks = networks.filter(slug=network_slug)
    written = 0
    for network in networks:
        written += figures.refresh(
            network, selectors.network_services(network), late_months=late_months, current=current
        )
    if not network_slug:
        written += figures.refresh(
            None, late_months=late_months, current=current
        )  # `quality_report` alone
    return written
