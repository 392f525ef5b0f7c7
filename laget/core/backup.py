"""Backups that restore: the database, the attachments and the key together, encrypted.

An archive is a tar of
    manifest.json      what is inside: when, which engine, the migrations applied, and the
                       size and SHA-256 of every other member
    database.pgdump    PostgreSQL: pg_dump's custom format    (or)
    database.sqlite3   SQLite: a copy by SQLite's online backup API (safe while in use)
    media/...          the attachments (MEDIA_ROOT)
    keys/secret_key    SECRET_KEY: it signs sessions and keys the digests in the change log
    keys/audit_key     LAGET_AUDIT_KEY: without it the audit logs' keyed hashes cannot be
                       verified (the signed checkpoints stay where they are, off the
                       database: a restored older copy is reported by verify_audit)
encrypted as a whole with a passphrase (scrypt → Fernet: AES-128-CBC + HMAC-SHA256, from
the `cryptography` library), so a stolen backup file reveals nothing and a changed one is
refused. The archive is built in memory: fine for the sizes Laget has (a few GB needs RAM
of that size; split media out then).
"""

from __future__ import annotations

import base64
import datetime as dt
import glob
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

MAGIC = b"LAGETBACKUP1\n"
SALT_BYTES = 16
FORMAT = 1


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


def _key(passphrase: str, salt: bytes) -> bytes:
    if len(passphrase) < 12:
        raise BackupError("The backup passphrase must be at least 12 characters long.")
    kdf = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1)
    return base64.urlsafe_b64encode(kdf.derive(passphrase.encode()))


def encrypt(data: bytes, passphrase: str) -> bytes:
    salt = os.urandom(SALT_BYTES)
    return MAGIC + salt + Fernet(_key(passphrase, salt)).encrypt(data)


def decrypt(blob: bytes, passphrase: str) -> bytes:
    if not blob.startswith(MAGIC):
        raise BackupError("This is not a Laget backup file.")
    salt = blob[len(MAGIC) : len(MAGIC) + SALT_BYTES]
    try:
        return Fernet(_key(passphrase, salt)).decrypt(blob[len(MAGIC) + SALT_BYTES :])
    except InvalidToken as exc:
        raise BackupError("Wrong passphrase, or the backup file has been changed.") from exc


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: from PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise BackupError(f"{name} was not found; install the PostgreSQL client tools.")
    return candidates[-1]


def _pg_args(alias: str) -> tuple[list[str], dict[str, str]]:
    db = connections[alias].settings_dict
    args = ["-d", db["NAME"]]
    if db.get("HOST"):
        args += ["-h", db["HOST"]]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _dump_database(alias: str, folder: Path) -> Path:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        target = folder / "database.pgdump"
        args, env = _pg_args(alias)
        subprocess.run(  # noqa: S603
            [pg_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", str(target), *args],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
        return target
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        with destination:
            connection.connection.backup(destination)
        destination.close()
        return target
    raise BackupError(f"Backups of {connection.vendor} are not supported.")


def _add(tar: tarfile.TarFile, name: str, data: bytes, manifest: dict) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now().timestamp())
    tar.addfile(info, io.BytesIO(data))
    manifest["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def create(*, passphrase: str, alias: str = DEFAULT_DB_ALIAS) -> tuple[bytes, dict]:
    """An encrypted backup of everything Laget needs to come back, and its manifest."""
    connection = connections[alias]
    manifest: dict = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "engine": connection.vendor,
        "migrations": sorted(
            f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
        ),
        "files": {},
    }
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        dump = _dump_database(alias, Path(tmp))
        _add(tar, dump.name, dump.read_bytes(), manifest)
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            for path in sorted(p for p in media.rglob("*") if p.is_file()):
                _add(
                    tar, "media/" + path.relative_to(media).as_posix(), path.read_bytes(), manifest
                )
        _add(tar, "keys/secret_key", settings.SECRET_KEY.encode(), manifest)
        _add(tar, "keys/audit_key", settings.LAGET_AUDIT_KEY.encode(), manifest)
        _add(tar, "manifest.json", json.dumps(manifest, indent=2).encode(), {"files": {}})
    return encrypt(buffer.getvalue(), passphrase), manifest


def read(blob: bytes, *, passphrase: str) -> tuple[dict, dict[str, bytes]]:
    """The manifest and the members of a backup, every member checked against it."""
    data = decrypt(blob, passphrase)
    members: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for info in tar.getmembers():
            if not info.isfile():
                continue
            name = info.name
            if name.startswith("/") or ".." in Path(name).parts:
                raise BackupError(f"The backup holds an unsafe path: {name}")
            extracted = tar.extractfile(info)
            members[name] = extracted.read() if extracted else b""
    manifest = json.loads(members.pop("manifest.json"))
    if manifest.get("format") != FORMAT:
        raise BackupError("This backup was made by another version of Laget's backup format.")
    for name, meta in manifest["files"].items():
        if hashlib.sha256(members.get(name, b"-")).hexdigest() != meta["sha256"]:
            raise BackupError(f"{name} in the backup does not match its manifest.")
    return manifest, members


def restore(blob: bytes, *, passphrase: str, alias: str = DEFAULT_DB_ALIAS) -> dict:
    """Put the database and the attachments back as they were in the backup. Returns the
    manifest. The key is written to the development key file when that is where it lives;
    otherwise the operator must set SECRET_KEY to the backup's (restore says so)."""
    manifest, members = read(blob, passphrase=passphrase)
    connection = connections[alias]
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"The backup is of {manifest['engine']}; this installation uses {connection.vendor}."
        )
    with tempfile.TemporaryDirectory() as tmp:
        if connection.vendor == "postgresql":
            dump = Path(tmp) / "database.pgdump"
            dump.write_bytes(members["database.pgdump"])
            connection.close()
            args, env = _pg_args(alias)
            subprocess.run(  # noqa: S603
                [pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                 "--no-privileges", "--single-transaction", "--exit-on-error", *args, str(dump)],
                check=True, env=env, capture_output=True,
            )  # fmt: skip
        else:
            source_path = Path(tmp) / "database.sqlite3"
            source_path.write_bytes(members["database.sqlite3"])
            source = sqlite3.connect(source_path)
            connection.ensure_connection()
            source.backup(connection.connection)
            source.close()
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.rmtree(media)
    for name, data in members.items():
        if name.startswith("media/"):
            target = media / name.removeprefix("media/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    manifest["key_matches"] = members["keys/secret_key"].decode() == settings.SECRET_KEY
    key_file = Path(settings.VAR_DIR) / "secret_key"
    if not manifest["key_matches"] and not os.environ.get("SECRET_KEY") and key_file.exists():
        key_file.write_bytes(members["keys/secret_key"])
        manifest["key_written"] = str(key_file)
    if "keys/audit_key" in members:
        audit_key = members["keys/audit_key"].decode()
        manifest["audit_key_matches"] = audit_key == settings.LAGET_AUDIT_KEY
        audit_file = Path(settings.VAR_DIR) / "audit_key"
        if (
            not manifest["audit_key_matches"]
            and not os.environ.get("LAGET_AUDIT_KEY")
            and audit_file.exists()
        ):
            audit_file.write_text(audit_key)
            # This process goes on to verify the log: it must use the restored key too.
            settings.LAGET_AUDIT_KEY = audit_key
            manifest["audit_key_written"] = str(audit_file)
    return manifest
