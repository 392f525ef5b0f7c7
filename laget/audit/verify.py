"""Checking the audit chains end to end (used by `manage.py verify_audit`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from laget.audit.chain import GENESIS, walk
from laget.audit.models import AccessLogEntry, AuditChain, ChainedEntry, ChangeRecord

CHAINED_MODELS: list[type[ChainedEntry]] = [ChangeRecord, AccessLogEntry]


@dataclass(frozen=True)
class ChainReport:
    chain: str
    entries: int
    broken_at: int | None  # id of the first entry that does not hold
    problem: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


def _links(model: type[ChainedEntry]) -> Iterator[tuple[int, str, str, dict[str, Any]]]:
    # Streams in id order; appends hold the chain's lock, so id order is chain order.
    for entry in model._default_manager.order_by("pk").iterator(chunk_size=2000):
        yield entry.pk, entry.prev_hash, entry.entry_hash, entry.payload()


def verify_chain(model: type[ChainedEntry]) -> ChainReport:
    result = walk(_links(model))
    if result.broken_at is not None:
        return ChainReport(model.CHAIN, result.count, result.broken_at, result.problem)
    head = AuditChain.objects.filter(name=model.CHAIN).first()
    head_hash, head_length = (head.last_hash, head.length) if head else (GENESIS, 0)
    if head_hash != result.last_hash or head_length != result.count:
        return ChainReport(
            model.CHAIN,
            result.count,
            None,
            f"entries are missing at the end ({head_length} written, {result.count} found)",
        )
    return ChainReport(model.CHAIN, result.count, None)


def verify_all() -> list[ChainReport]:
    return [verify_chain(model) for model in CHAINED_MODELS]
