"""Queue the meeting reminders (schedule this daily, like send_reminders)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from laget.meetings.tasks import send_meeting_reminders


class Command(BaseCommand):
    help = "Queue reminders for tomorrow's meetings."

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_meeting_reminders.enqueue()
        self.stdout.write(f"Queued the meeting reminders ({result.status}).")
