"""manage.py backup FILE: the database, the attachments and the key, encrypted together.

The passphrase comes from LAGET_BACKUP_PASSPHRASE or the file LAGET_BACKUP_PASSPHRASE_FILE
names (keep it apart from the backups). See README, "Operations".
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from laget.core import backup


def passphrase() -> str:
    if path := os.environ.get("LAGET_BACKUP_PASSPHRASE_FILE"):
        return Path(path).read_text().strip()
    value = os.environ.get("LAGET_BACKUP_PASSPHRASE", "")
    if not value:
        raise CommandError(
            "Set LAGET_BACKUP_PASSPHRASE (or LAGET_BACKUP_PASSPHRASE_FILE) to the backup "
            "passphrase; keep it somewhere other than the backups."
        )
    return value


class Command(BaseCommand):
    help = "Write an encrypted backup of the database, the attachments and the key."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="where to write the backup (e.g. laget-2026-12-02.bak)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            blob, manifest = backup.create(passphrase=passphrase())
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        target = Path(options["file"])
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(blob)
        partial.chmod(0o600)
        partial.replace(target)  # a backup file is whole or absent
        files = manifest["files"]
        media = sum(1 for name in files if name.startswith("media/"))
        self.stdout.write(
            f"Backup written to {target}: {manifest['engine']} database, {media} attachment "
            f"files, the key; {len(blob)} bytes, encrypted."
        )
