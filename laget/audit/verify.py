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

from laget.audit.chain import GENESIS, walk
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
    retired: int = 0  # entries retention retired (before the chains' anchors)

    @property
    def intact(self) -> bool:
        return not self.problem


def _entries(model: type[ChainedEntry]) -> Iterator[ChainedEntry]:
    # (chain, seq) is unique and indexed: one ordered pass, chain after chain.
    return model._default_manager.order_by("chain", "seq").iterator(chunk_size=5000)


def _check_one_chain(
    key: bytes, name: str, entries: list[ChainedEntry], seen: Seen
) -> tuple[int | None, str]:
    """`entries` are the chain's entries after its anchor (the last retired one, if any)."""
    anchor, anchor_hash = _anchor(seen, name)
    for place, entry in enumerate(entries, start=anchor + 1):
        if entry.seq != place:
            return entry.pk, f"entry {place} of the chain is missing or out of place"
        if entry.chain_name() != name:
            return entry.pk, "the entry belongs to another chain (moved or swapped)"
    result = walk(
        key, ((e.pk, e.prev_hash, e.entry_hash, e.payload()) for e in entries), anchor_hash
    )
    if result.broken_at is not None:
        return result.broken_at, result.problem
    if name in seen.heads:
        length, checkpoint_hash, at = seen.heads[name]
        if length <= anchor:
            return None, ""  # that entry is retired; the anchor holds what is left
        if anchor + len(entries) < length:
            return None, (
                f"entries are missing at the end: the checkpoint of {at} saw {length}, "
                f"{anchor + len(entries)} are left"
            )
        if entries[length - anchor - 1].entry_hash != checkpoint_hash:
            return entries[length - anchor - 1].pk, (
                f"the entry differs from the one the checkpoint of {at} saw (an older or "
                "rewritten copy of the log)"
            )
    return None, ""


def _anchor(seen: Seen, name: str) -> tuple[int, str]:
    place, entry_hash, _at = seen.anchors.get(name, (0, GENESIS, ""))
    return place, entry_hash


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
    retired = sum(seen.anchors[name][0] for name in _checkpointed(seen.anchors, prefix))
    total = chains = 0
    found: set[str] = set()
    for name, group in itertools.groupby(_entries(model), key=lambda e: e.chain):
        anchor, anchor_hash = _anchor(seen, name)
        # Entries up to the anchor are retired (any still here await deletion).
        entries: list[Any] = [e for e in group if e.seq > anchor]
        total, chains = total + len(entries), chains + 1
        found.add(name)
        broken_at, problem = _check_one_chain(key, name, entries, seen)
        if not problem:
            head_hash, head_length = heads.get(name, ("", 0))
            last = entries[-1].entry_hash if entries else anchor_hash
            if head_hash != last or head_length != anchor + len(entries):
                problem = (
                    f"entries are missing at the end ({head_length} written, "
                    f"{anchor + len(entries)} found)"
                )
        if problem:
            return ChainReport(prefix, total, chains, broken_at, problem, name, retired)
    names = set(heads) | _checkpointed(seen.heads, prefix)
    for name in sorted(names - found):
        anchor, anchor_hash = _anchor(seen, name)
        written = heads.get(name, ("", 0))[1] or seen.heads[name][0]
        if written > anchor:
            return ChainReport(
                prefix,
                total,
                chains,
                None,
                f"{written - anchor} entries are missing (all after the retired ones)"
                if anchor
                else f"all {written} entries are missing",
                name,
                retired,
            )
        if name in heads and heads[name][0] != anchor_hash:
            return ChainReport(
                prefix, total, chains, None, "the head differs from the retired anchor", name
            )
    return ChainReport(prefix, total, chains, retired=retired)


def _checkpointed(names: Any, prefix: str) -> set[str]:
    return {name for name in names if name == prefix or name.startswith(f"{prefix}:")}


def verify_all() -> tuple[list[ChainReport], str]:
    """Every log, and the checkpoint file's own problem ("" when it holds)."""
    seen = read_checkpoints()
    return [verify_log(model, seen) for model in CHAINED_MODELS], seen.problem
