"""Checking the audit chains end to end (used by `manage.py verify_audit`).

Every entry's HMAC under the audit key, every link, every place in its chain, every head,
and what the signed checkpoints saw.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from laget.audit.chain import walk
from laget.audit.checkpoints import Seen, read_checkpoints
from laget.audit.models import (
    AccessLogEntry,
    AuditChain,
    ChainedEntry,
    ChangeRecord,
    RefusedAttempt,
)
from laget.audit.services import audit_key

CHAINED_MODELS: list[type[ChainedEntry]] = [ChangeRecord, AccessLogEntry, RefusedAttempt]


@dataclass(frozen=True)
class ChainReport:
    log: str  # "access" or "change"
    entries: int
    chains: int
    broken_at: int | None = None  # id of the first entry that does not hold
    problem: str = ""
    chain: str = ""  # the chain that is broken

    @property
    def intact(self) -> bool:
        return not self.problem


def _entries(model: type[ChainedEntry]) -> Iterator[ChainedEntry]:
    # (chain, seq) is unique and indexed: one ordered pass, chain after chain.
    return model._default_manager.order_by("chain", "seq").iterator(chunk_size=5000)


def _check_one_chain(
    key: bytes, name: str, entries: list[ChainedEntry], seen: Seen
) -> tuple[int | None, str]:
    for place, entry in enumerate(entries, start=1):
        if entry.seq != place:
            return entry.pk, f"entry {place} of the chain is missing or out of place"
        if entry.chain_name() != name:
            return entry.pk, "the entry belongs to another chain (moved or swapped)"
    result = walk(key, ((e.pk, e.prev_hash, e.entry_hash, e.payload()) for e in entries))
    if result.broken_at is not None:
        return result.broken_at, result.problem
    if name in seen.heads:
        length, checkpoint_hash, at = seen.heads[name]
        if len(entries) < length:
            return None, (
                f"entries are missing at the end: the checkpoint of {at} saw {length}, "
                f"{len(entries)} are left"
            )
        if entries[length - 1].entry_hash != checkpoint_hash:
            return entries[length - 1].pk, (
                f"the entry differs from the one the checkpoint of {at} saw (an older or "
                "rewritten copy of the log)"
            )
    return None, ""


def verify_log(model: type[ChainedEntry], seen: Seen | None = None) -> ChainReport:
    """One log (the change log or the access log) in all its chains."""
    seen = seen if seen is not None else read_checkpoints()
    key = audit_key()
    prefix = model.CHAIN
    heads = {
        name: (last_hash, length)
        for name, last_hash, length in AuditChain.objects.filter(
            Q(name=prefix) | Q(name__startswith=f"{prefix}:")
        ).values_list("name", "last_hash", "length")
    }
    total = chains = 0
    found: set[str] = set()
    for name, group in itertools.groupby(_entries(model), key=lambda e: e.chain):
        entries: list[Any] = list(group)
        total, chains = total + len(entries), chains + 1
        found.add(name)
        broken_at, problem = _check_one_chain(key, name, entries, seen)
        if not problem:
            head_hash, head_length = heads.get(name, ("", 0))
            if head_hash != entries[-1].entry_hash or head_length != len(entries):
                problem = (
                    f"entries are missing at the end ({head_length} written, {len(entries)} found)"
                )
        if problem:
            return ChainReport(prefix, total, chains, broken_at, problem, name)
    for name in sorted((set(heads) | _checkpointed(seen, prefix)) - found):
        written = heads.get(name, ("", 0))[1] or seen.heads[name][0]
        if written:
            return ChainReport(
                prefix, total, chains, None, f"all {written} entries are missing", name
            )
    return ChainReport(prefix, total, chains)


def _checkpointed(seen: Seen, prefix: str) -> set[str]:
    return {name for name in seen.heads if name == prefix or name.startswith(f"{prefix}:")}


def verify_all() -> tuple[list[ChainReport], str]:
    """Every log, and the checkpoint file's own problem ("" when it holds)."""
    seen = read_checkpoints()
    return [verify_log(model, seen) for model in CHAINED_MODELS], seen.problem
