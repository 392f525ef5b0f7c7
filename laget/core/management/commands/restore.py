"""manage.py restore FILE --yes: put a backup back, then verify the audit chains.

Replaces the database and the attachments with the backup's. Exits non-zero when the
backup cannot be read (wrong passphrase, changed file) or verify_audit finds a break.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from laget.core import backup
from laget.core.management.commands.backup import passphrase


class Command(BaseCommand):
    help = "Restore an encrypted backup (database, attachments, key), then run verify_audit."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--yes", action="store_true", help="replace the current database and attachments"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError(
                "restore replaces the database and the attachments with the backup's. "
                "Run it again with --yes if that is what you want."
            )
        try:
            manifest = backup.restore(Path(options["file"]).read_bytes(), passphrase=passphrase())
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} ({manifest['engine']})."
        )
        if manifest.get("key_written"):
            self.stdout.write(f"The key was written to {manifest['key_written']}.")
        elif not manifest["key_matches"]:
            self.stderr.write(
                "SECRET_KEY differs from the backup's: set SECRET_KEY (or SECRET_KEY_FILE) "
                "to the key in the backup, or sessions and number digests will not match."
            )
        if manifest.get("audit_key_written"):
            self.stdout.write(f"The audit key was written to {manifest['audit_key_written']}.")
        elif manifest.get("audit_key_matches") is False:
            self.stderr.write(
                "LAGET_AUDIT_KEY differs from the backup's: set it to the key in the backup, "
                "or the audit logs cannot be verified."
            )
        call_command("verify_audit", stdout=self.stdout, stderr=self.stderr)
