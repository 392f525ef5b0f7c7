"""Retiring the access log's oldest months (`manage.py audit_retention`, run it nightly).

Entries are kept LAGET_AUDIT_RETENTION_YEARS (docs/architecture.md says where 10 comes
from), then retired a whole month at a time, without breaking any chain: the log is verified
first (retiring must not launder tampering), then a signed line in the checkpoint file names,
for each chain, the last entry retired (its place and hash). That entry becomes the chain's
anchor: verify_audit checks that the chain goes on from it and says how many were retired.
Only the checkpoint file, which the database administrator cannot rewrite, can move an
anchor, so deleting old entries by hand is still found. On PostgreSQL a yearly partition
wholly due is dropped; the due months of the oldest kept year, the DEFAULT partition's rows
and every row elsewhere are deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from laget.audit import partitions
from laget.audit.checkpoints import write_anchors
from laget.audit.models import AccessLogEntry
from laget.audit.partitions import TABLE, add_months, is_partitioned, month_start
from laget.audit.verify import verify_log

# Appends take the time before they take the chain's lock, so near the cut an entry with a
# later place can carry an earlier time: retire those too, not leave a hole.
STRAGGLERS = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Retired:
    before: dt.datetime  # entries older than this are due
    entries: int
    chains: int
    partitions: int = 0  # yearly partitions dropped (PostgreSQL)


def cutoff(now: dt.datetime | None = None, years: int | None = None) -> dt.datetime:
    """The first moment of the oldest month that is kept."""
    years = settings.LAGET_AUDIT_RETENTION_YEARS if years is None else years
    return add_months(month_start(now or dt.datetime.now(dt.UTC)), -12 * years)


def retire(
    now: dt.datetime | None = None, years: int | None = None, dry_run: bool = False
) -> Retired:
    before = cutoff(now, years)
    due = AccessLogEntry.objects.filter(at__lt=before)
    anchors: dict[str, tuple[int, str]] = {}
    count = 0
    for chain, seq, entry_hash in (
        due.order_by("chain", "seq").values_list("chain", "seq", "entry_hash").iterator(5000)
    ):
        anchors[chain] = (seq, entry_hash)
        count += 1
    stragglers = [
        pk
        for pk, chain, seq in AccessLogEntry.objects.filter(
            at__gte=before, at__lt=before + STRAGGLERS
        ).values_list("pk", "chain", "seq")
        if seq <= anchors.get(chain, (0, ""))[0]
    ]
    count += len(stragglers)
    if dry_run or not anchors:
        return Retired(before, count, len(anchors))
    report = verify_log(AccessLogEntry)
    if not report.intact:
        raise RuntimeError(
            f"The access log is broken in chain {report.chain} ({report.problem}): nothing is "
            "retired, as that could hide the break. Run verify_audit."
        )
    # Signed first: if the deletion below fails, the entries stay but no longer count.
    write_anchors(anchors, before.isoformat())
    dropped = 0
    with transaction.atomic():
        if is_partitioned():
            with connection.cursor() as cursor:
                # Run the deferred foreign-key checks now: PostgreSQL drops no table that has
                # some pending (only when rows were written in this transaction, as in tests).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for year, name in sorted(partitions.years(cursor).items()):
                    if add_months(year, 12) <= before:
                        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
                        cursor.execute(f"DROP TABLE {name}")
                        dropped += 1
        # What no dropped partition held: the DEFAULT partition's, or every row elsewhere.
        AccessLogEntry.objects.filter(at__lt=before)._raw_delete(connection.alias)
        AccessLogEntry.objects.filter(
            at__gte=before, at__lt=before + STRAGGLERS, pk__in=stragglers
        )._raw_delete(connection.alias)
    return Retired(before, count, len(anchors), dropped)
