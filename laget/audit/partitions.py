"""The access log's yearly partitions on PostgreSQL (elsewhere one plain table).

The table is range-partitioned on `at`, one partition a year, made ahead of time by
`manage.py audit_partitions` (schedule it nightly), with a DEFAULT partition so an insert never
fails when a year was not made in time: the next run moves such rows into their year.
Retention (audit/retention.py) drops whole years and deletes the due months of the oldest kept
one. Years, not months: a person's log is read without a time range, and PostgreSQL plans
every partition such a query touches; with ten years kept, 120 monthly partitions made the
"who has read my plan" query several times slower than on one plain table (measured in
docs/architecture.md), 11 yearly ones do not.

PostgreSQL requires the partition key in every primary key and unique index, so the table's
key is a unique index on (id, at) while Django keeps `id` as the model's pk (ids come from one
sequence, so `id` stays unique in practice), and (chain, seq) is a plain index: the chain
head's row lock hands out each place once and verify_audit checks every place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

TABLE = "audit_accesslogentry"
DEFAULT = f"{TABLE}_default"
YEARS_AHEAD = 1


def month_start(moment: dt.datetime | dt.date) -> dt.datetime:
    return dt.datetime(moment.year, moment.month, 1, tzinfo=dt.UTC)


def year_start(moment: dt.datetime | dt.date) -> dt.datetime:
    return dt.datetime(moment.year, 1, 1, tzinfo=dt.UTC)


def add_months(month: dt.datetime, n: int) -> dt.datetime:
    index = month.year * 12 + month.month - 1 + n
    return dt.datetime(index // 12, index % 12 + 1, 1, tzinfo=dt.UTC)


def partition_name(year: dt.datetime) -> str:
    return f"{TABLE}_y{year:%Y}"


def is_partitioned(cursor: Any = None) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as own:
        (cursor or own).execute(
            "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass)",
            [TABLE],
        )
        return bool((cursor or own).fetchone()[0])


def years(cursor: Any) -> dict[dt.datetime, str]:
    """The yearly partitions that exist: {first moment of the year: table name}."""
    cursor.execute(
        """
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = %s::regclass AND c.relname <> %s
        """,
        [TABLE, DEFAULT],
    )
    found = {}
    for (name,) in cursor.fetchall():
        found[dt.datetime(int(name.removeprefix(f"{TABLE}_y")), 1, 1, tzinfo=dt.UTC)] = name
    return found


def ensure_years(cursor: Any, first: dt.datetime, last: dt.datetime) -> list[str]:
    """Make every year's partition from `first` to `last` that is missing; rows that went
    to the DEFAULT partition meanwhile move into theirs. Returns the names made."""
    made, have = [], years(cursor)
    year = year_start(first)
    while year <= last:
        if year not in have:
            made.append(_make_year(cursor, year))
        year = add_months(year, 12)
    return made


def ensure_ahead(years_ahead: int = YEARS_AHEAD) -> list[str]:
    """This year and the next `years_ahead`, plus any year whose rows sit in DEFAULT."""
    if not is_partitioned():
        return []
    this = year_start(dt.datetime.now(dt.UTC))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(at), max(at) FROM {DEFAULT}")  # noqa: S608 (constant)
        low, high = cursor.fetchone()
        made = []
        if low is not None:
            made += ensure_years(cursor, low, high)
        return made + ensure_years(cursor, this, add_months(this, 12 * years_ahead))


def _make_year(cursor: Any, year: dt.datetime) -> str:
    """One year's partition, made beside the table and attached once it holds the year's
    rows from DEFAULT (PostgreSQL refuses a new partition whose rows DEFAULT still holds)."""
    name, end = partition_name(year), add_months(year, 12)
    cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute(
        f"""
        WITH moved AS (DELETE FROM {DEFAULT} WHERE at >= %s AND at < %s RETURNING *)
        INSERT INTO {name} SELECT * FROM moved
        """,  # noqa: S608 (names made here, values parameters)
        [year, end],
    )
    cursor.execute(
        f"ALTER TABLE {TABLE} ATTACH PARTITION {name} "
        f"FOR VALUES FROM ('{year.isoformat()}') TO ('{end.isoformat()}')"
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
            this = year_start(dt.datetime.now(dt.UTC))
            ensure_years(
                cursor, min(low, this) if low else this, add_months(this, 12 * YEARS_AHEAD)
            )
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
        if to_partitioned:
            # A unique index, not a primary-key constraint: `pg_restore --clean` (the backup's
            # restore) cannot drop a partition's inherited primary key and stops.
            cursor.execute(f"CREATE UNIQUE INDEX {TABLE}_pkey ON {TABLE} (id, at)")
        else:
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id)")
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
