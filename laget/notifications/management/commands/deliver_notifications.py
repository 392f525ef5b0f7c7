"""Queue the notification work: every few minutes, send what is due (quiet hours over,
retries waited); with --daily also tell of overdue tasks and unanswered questions and
send the daily digests (run once a day, in the morning)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from laget.notifications import tasks


class Command(BaseCommand):
    help = "Send due notifications; --daily also raises overdue tasks, questions and digests."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--daily", action="store_true")

    def handle(self, *args: Any, daily: bool = False, **options: Any) -> None:
        if daily:
            tasks.raise_scheduled_events.enqueue()
            tasks.send_digests.enqueue()
        tasks.deliver_all_due.enqueue()
        self.stdout.write("queued")
