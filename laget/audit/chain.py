"""The hash chains that make the audit logs tamper-evident. Pure functions, no database.

Each entry carries the hash of the entry before it in its chain; its own hash is an
HMAC-SHA256, under a key kept outside the database, over its content and that previous hash.
Removing, altering or reordering an entry breaks every hash after it, and whoever can write
the database but lacks the key cannot compute a hash that holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

GENESIS = "0" * 64
_BLOCK = 64  # SHA-256's block size, for HMAC's inner and outer keys


def canonical(payload: dict[str, Any]) -> str:
    """One stable text for the same content: sorted keys, no spaces, UTC timestamps."""

    def default(value: Any) -> str:
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
        return str(value)

    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=default)


def entry_hash(key: bytes, prev_hash: str, payload: dict[str, Any]) -> str:
    message = f"{prev_hash}\n{canonical(payload)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@lru_cache(maxsize=8)  # the same key for every entry: derived once, not on every read
def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC's inner and outer keys, so a database can compute the same HMAC with two plain
    SHA-256 calls: sha256(outer || sha256(inner || message)). They are sent as parameters
    with each statement and never stored."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


@dataclass(frozen=True)
class Walk:
    broken_at: Any  # id of the first entry whose links do not hold, or None
    problem: str
    count: int  # entries read, including the broken one
    last_hash: str  # hash of the last entry that held


def walk(
    key: bytes,
    entries: Iterable[tuple[Any, str, str, dict[str, Any]]],
    start: str = GENESIS,
) -> Walk:
    """Follow one chain of (id, prev_hash, hash, payload) in chain order."""
    expected_prev, count = start, 0
    for entry_id, prev_hash, stored_hash, payload in entries:
        count += 1
        if prev_hash != expected_prev:
            return Walk(entry_id, "the link to the entry before is broken", count, expected_prev)
        if not hmac.compare_digest(entry_hash(key, prev_hash, payload), stored_hash):
            return Walk(entry_id, "the entry's content was changed", count, expected_prev)
        expected_prev = stored_hash
    return Walk(None, "", count, expected_prev)
