"""Retire the access log's months older than LAGET_AUDIT_RETENTION_YEARS (schedule nightly,
after audit_checkpoint). Every chain stays verifiable from its signed anchor."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from laget.audit.retention import retire


class Command(BaseCommand):
    help = "Retire access-log entries older than LAGET_AUDIT_RETENTION_YEARS, whole months."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only say what is due.")

    def handle(self, *args: Any, **options: Any) -> None:
        done = retire(dry_run=options["dry_run"])
        verb = "due" if options["dry_run"] else "retired"
        self.stdout.write(
            f"{done.entries} access-log entries in {done.chains} chains from before "
            f"{done.before:%Y-%m-%d} {verb}; {done.partitions} yearly partitions dropped"
        )
