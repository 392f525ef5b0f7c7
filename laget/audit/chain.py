"""The hash chain that makes the audit logs tamper-evident. Pure functions, no database.

Each entry carries the hash of the entry before it; its own hash covers its content and
that previous hash. Removing, altering or reordering an entry breaks every hash after it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(payload: dict[str, Any]) -> str:
    """One stable text for the same content: sorted keys, no spaces, UTC timestamps."""

    def default(value: Any) -> str:
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
        return str(value)

    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=default)


def entry_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical(payload)}".encode()).hexdigest()


@dataclass(frozen=True)
class Walk:
    broken_at: Any  # id of the first entry whose links do not hold, or None
    problem: str
    count: int  # entries read, including the broken one
    last_hash: str  # hash of the last entry that held


def walk(entries: Iterable[tuple[Any, str, str, dict[str, Any]]], start: str = GENESIS) -> Walk:
    """Follow a chain of (id, prev_hash, hash, payload) in chain order."""
    expected_prev, count = start, 0
    for entry_id, prev_hash, stored_hash, payload in entries:
        count += 1
        if prev_hash != expected_prev:
            return Walk(entry_id, "the link to the entry before is broken", count, expected_prev)
        if entry_hash(prev_hash, payload) != stored_hash:
            return Walk(entry_id, "the entry's content was changed", count, expected_prev)
        expected_prev = stored_hash
    return Walk(None, "", count, expected_prev)
