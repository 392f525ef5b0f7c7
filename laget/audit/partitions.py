"""The access log's monthly partitions on PostgreSQL (elsewhere one plain table).

The table is range-partitioned on `at`, one partition a month, made ahead of time by
`manage.py audit_partitions` (schedule it nightly), with a DEFAULT partition so an insert never
fails when a month was not made in time: the next run moves such rows into their month.
Retention (audit/retention.py) drops whole months.

PostgreSQL requires the partition key in every primary key and unique index, so the table's
primary key is (id, at) while Django keeps `id` as the model's pk (ids come from one sequence,
so `id` stays unique in practice), and (chain, seq) is a plain index: the chain head's row lock
hands out each place once and verify_audit checks every place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

TABLE = "audit_accesslogentry"
DEFAULT = f"{TABLE}_default"
MONTHS_AHEAD = 3


def month_start(moment: dt.datetime | dt.date) -> dt.datetime:
    return dt.datetime(moment.year, moment.month, 1, tzinfo=dt.UTC)


def add_months(month: dt.datetime, n: int) -> dt.datetime:
    index = month.year * 12 + month.month - 1 + n
    return dt.datetime(index // 12, index % 12 + 1, 1, tzinfo=dt.UTC)


def partition_name(month: dt.datetime) -> str:
    return f"{TABLE}_y{month:%Y}m{month:%m}"


def is_partitioned(cursor: Any = None) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as own:
        (cursor or own).execute(
            "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass)",
            [TABLE],
        )
        return bool((cursor or own).fetchone()[0])


def months(cursor: Any) -> dict[dt.datetime, str]:
    """The monthly partitions that exist: {first moment of the month: table name}."""
    cursor.execute(
        """
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = %s::regclass AND c.relname <> %s
        """,
        [TABLE, DEFAULT],
    )
    found = {}
    for (name,) in cursor.fetchall():
        stamp = name.removeprefix(f"{TABLE}_y")
        found[dt.datetime(int(stamp[:4]), int(stamp[5:7]), 1, tzinfo=dt.UTC)] = name
    return found


def ensure_months(cursor: Any, first: dt.datetime, last: dt.datetime) -> list[str]:
    """Make every month's partition from `first` to `last` that is missing; rows that went
    to the DEFAULT partition meanwhile move into theirs. Returns the names made."""
    made, have = [], months(cursor)
    month = month_start(first)
    while month <= last:
        if month not in have:
            made.append(_make_month(cursor, month))
        month = add_months(month, 1)
    return made


def ensure_ahead(months_ahead: int = MONTHS_AHEAD) -> list[str]:
    """This month and the next `months_ahead`, plus any month whose rows sit in DEFAULT."""
    if not is_partitioned():
        return []
    this = month_start(dt.datetime.now(dt.UTC))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(at), max(at) FROM {DEFAULT}")  # noqa: S608 (constant)
        low, high = cursor.fetchone()
        made = []
        if low is not None:
            made += ensure_months(cursor, low, month_start(high))
        return made + ensure_months(cursor, this, add_months(this, months_ahead))


def _make_month(cursor: Any, month: dt.datetime) -> str:
    """One month's partition, made beside the table and attached once it holds the month's
    rows from DEFAULT (PostgreSQL refuses a new partition whose rows DEFAULT still holds)."""
    name, end = partition_name(month), add_months(month, 1)
    cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute(
        f"""
        WITH moved AS (DELETE FROM {DEFAULT} WHERE at >= %s AND at < %s RETURNING *)
        INSERT INTO {name} SELECT * FROM moved
        """,  # noqa: S608 (names made here, values parameters)
        [month, end],
    )
    cursor.execute(
        f"ALTER TABLE {TABLE} ATTACH PARTITION {name} "
        f"FOR VALUES FROM ('{month.isoformat()}') TO ('{end.isoformat()}')"
    )
    return name


def convert(schema_editor: Any, *, to_partitioned: bool) -> None:
    """Rebuild the access log as a partitioned table (or back as a plain one), keeping
    every row, id, index and foreign key: make the new table beside the old, copy, drop the
    old, then put the primary key, indexes and foreign keys back under their names."""
    if schema_editor.connection.vendor != "postgresql":
        return
    old = f"{TABLE}_old"
    with schema_editor.connection.cursor() as cursor:
        if is_partitioned(cursor) == to_partitioned:
            return
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = %s AND indexname <> %s",
            [TABLE, f"{TABLE}_pkey"],
        )
        indexes = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [TABLE],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
        (sequence,) = cursor.fetchone()
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {old}")
        like = f"(LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        if to_partitioned:
            cursor.execute(f"CREATE TABLE {TABLE} {like} PARTITION BY RANGE (at)")
            cursor.execute(f"CREATE TABLE {DEFAULT} PARTITION OF {TABLE} DEFAULT")
            cursor.execute(f"SELECT min(at) FROM {old}")  # noqa: S608 (constant)
            (low,) = cursor.fetchone()
            this = month_start(dt.datetime.now(dt.UTC))
            ensure_months(cursor, min(low, this) if low else this, add_months(this, MONTHS_AHEAD))
        else:
            cursor.execute(f"CREATE TABLE {TABLE} {like}")
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {old}")  # noqa: S608 (constant)
        # The ids' sequence: an identity column's goes with its table (a new one is made);
        # a sequence the table owns is handed over.
        cursor.execute(
            "SELECT column_default FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s AND column_name = 'id'",
            [TABLE],
        )
        if cursor.fetchone()[0] is not None:
            cursor.execute(f"ALTER SEQUENCE {sequence} OWNED BY {TABLE}.id")
        cursor.execute(f"DROP TABLE {old}")
        if _missing_default(cursor):
            cursor.execute(f"CREATE SEQUENCE {TABLE}_id_seq OWNED BY {TABLE}.id")
            cursor.execute(f"ALTER TABLE {TABLE} ALTER id SET DEFAULT nextval('{TABLE}_id_seq')")
            cursor.execute(
                f"SELECT setval('{TABLE}_id_seq', coalesce(max(id), 0) + 1, false) FROM {TABLE}"  # noqa: S608
            )
        key = "(id, at)" if to_partitioned else "(id)"
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY {key}")
        for definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")


def _missing_default(cursor: Any) -> bool:
    cursor.execute(
        "SELECT column_default IS NULL FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s AND column_name = 'id'",
        [TABLE],
    )
    return bool(cursor.fetchone()[0])
