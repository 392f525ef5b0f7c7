"""Check that the audit logs are intact. Exit 0 if every chain holds; otherwise exit 1 and
name the first broken entry."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from laget.audit.verify import verify_all


class Command(BaseCommand):
    help = "Verify the hash chains of the change log and the access log."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = False
        for report in verify_all():
            if report.intact:
                self.stdout.write(f"{report.chain}: {report.entries} entries, intact")
                continue
            broken = True
            where = f" at entry {report.broken_at}" if report.broken_at is not None else ""
            self.stderr.write(f"{report.chain}: BROKEN{where}: {report.problem}")
        if broken:
            sys.exit(1)
