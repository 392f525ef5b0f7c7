"""Queue the reminder run (schedule this daily, for example with cron); a worker
(`manage.py db_worker`) sends them. With the immediate backend they are sent at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from laget.continuity.tasks import send_reminders


class Command(BaseCommand):
    help = "Queue today's reminders to coordinators."

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_reminders.enqueue()
        self.stdout.write(f"Queued the reminders ({result.status}).")
