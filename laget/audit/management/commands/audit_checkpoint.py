"""Append a signed checkpoint of the audit chains' heads (schedule it every few minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from laget.audit.checkpoints import checkpoint_path, write_checkpoint


class Command(BaseCommand):
    help = "Append a signed checkpoint of every audit chain head that moved since the last one."

    def handle(self, *args: Any, **options: Any) -> None:
        moved = write_checkpoint()
        self.stdout.write(f"{moved} chain heads checkpointed in {checkpoint_path()}")
