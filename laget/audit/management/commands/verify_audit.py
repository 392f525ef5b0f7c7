"""Check that the audit logs are intact. Exit 0 if every chain holds and agrees with the
signed checkpoints; otherwise exit 1 and name the first broken entry."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from laget.audit.verify import verify_all


class Command(BaseCommand):
    help = "Verify the audit logs: every keyed hash, link, head and checkpoint."

    def handle(self, *args: Any, **options: Any) -> None:
        reports, checkpoint_problem = verify_all()
        broken = bool(checkpoint_problem)
        if checkpoint_problem:
            self.stderr.write(f"checkpoints: BROKEN: {checkpoint_problem}")
        for report in reports:
            if report.intact:
                retired = f" ({report.retired} older entries retired)" if report.retired else ""
                self.stdout.write(
                    f"{report.log}: {report.entries} entries in {report.chains} chains, "
                    f"intact{retired}"
                )
                continue
            broken = True
            where = f" at entry {report.broken_at}" if report.broken_at is not None else ""
            self.stderr.write(
                f"{report.log}: BROKEN in chain {report.chain}{where}: {report.problem}"
            )
        if broken:
            sys.exit(1)
