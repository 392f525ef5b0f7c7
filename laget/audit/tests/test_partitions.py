"""The access log on PostgreSQL: yearly partitions made ahead, a DEFAULT partition whose rows
move into their month, and only the indexes its queries use, each query using its index."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from laget.audit.models import AccessLogEntry
from laget.audit.partitions import (
    DEFAULT,
    TABLE,
    add_months,
    ensure_ahead,
    partition_name,
    year_start,
    years,
)
from laget.audit.services import access_log_entry, chain_append_many
from laget.audit.verify import verify_log

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_only(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): partitions")
    settings.LAGET_AUDIT_CHECKPOINTS = tmp_path / "checkpoints.jsonl"


def write_at(person_id: int, moment: dt.datetime) -> AccessLogEntry:
    entry = access_log_entry(
        actor=None,
        actor_name="Kari Nordmann",
        actor_role="sykepleier",
        actor_service="Testvik DPS",
        person_id=person_id,
        category="plan",
        purpose="care",
    )
    entry.at = moment
    with transaction.atomic():
        return chain_append_many([entry])[0]


def where(entry: AccessLogEntry) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s", [entry.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_the_table_is_partitioned_by_year_with_the_next_year_made():
    this = year_start(dt.datetime.now(dt.UTC))
    with connection.cursor() as cursor:
        made = years(cursor)
    assert this in made and add_months(this, 12) in made
    assert where(write_at(1, dt.datetime.now(dt.UTC))) == partition_name(this)


def test_a_year_not_made_in_time_goes_to_default_and_moves_to_its_year():
    later = add_months(year_start(dt.datetime.now(dt.UTC)), 12 * 3) + dt.timedelta(days=40)
    entry = write_at(1, later)
    assert where(entry) == DEFAULT
    made = ensure_ahead()
    assert partition_name(year_start(later)) in made
    assert where(entry) == partition_name(year_start(later))
    assert ensure_ahead() == []
    assert verify_log(AccessLogEntry).intact


def test_only_the_indexes_its_queries_use():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [TABLE])
        indexes = {name: definition.split(" USING ")[1] for name, definition in cursor.fetchall()}
    assert indexes == {
        f"{TABLE}_pkey": "btree (id, at)",  # unique; the partition key must be in it
        "audit_acces_person__281bf1_idx": "btree (person_id, at)",  # a person's reads
        "audit_access_chain_seq_idx": "btree (chain, seq)",  # verify and retention
    }


def plan(queryset) -> str:
    """The plan when the planner may not choose a sequential scan unless nothing else
    fits: a "Seq Scan" left in it means no index fits the query."""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("name", "index"),
    [
        ("person's reads, newest first", "person_id_at_idx"),
        ("a person's reads in a period", "person_id_at_idx"),
        ("every chain in order", "chain_seq_idx"),
        ("one entry", "id_at_idx"),
    ],
)
def test_each_query_on_the_log_uses_an_index(name, index):
    write_at(1, dt.datetime.now(dt.UTC))
    now = dt.datetime.now(dt.UTC)
    queries = {
        "person's reads, newest first": AccessLogEntry.objects.filter(person_id=1)
        .exclude(purpose="self")
        .order_by("-at", "-pk")[:200],
        "a person's reads in a period": AccessLogEntry.objects.filter(
            person_id=1, at__gte=now - dt.timedelta(days=3), at__lt=now
        ),
        "every chain in order": AccessLogEntry.objects.order_by("chain", "seq"),
        "one entry": AccessLogEntry.objects.filter(pk=1),
    }
    explained = plan(queries[name])
    assert "Seq Scan" not in explained, explained
    assert index in explained, explained


def test_a_period_reads_only_its_years():
    now = dt.datetime.now(dt.UTC)
    explained = plan(
        AccessLogEntry.objects.filter(person_id=1, at__gte=year_start(now), at__lt=now)
    )
    assert partition_name(year_start(now)) in explained
    assert partition_name(add_months(year_start(now), 12)) not in explained
