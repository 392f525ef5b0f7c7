"""Retention: the months past LAGET_AUDIT_RETENTION_YEARS are retired, every chain still
verifies from its signed anchor, and tampering is still caught afterwards."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from laget.audit.checkpoints import read_checkpoints, write_checkpoint
from laget.audit.models import AccessLogEntry, AuditChain
from laget.audit.partitions import ensure_years
from laget.audit.retention import cutoff, retire
from laget.audit.services import access_log_entry, chain_append_many
from laget.audit.verify import verify_log

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
BEFORE = dt.datetime(2016, 12, 1, tzinfo=dt.UTC)  # ten years before this month began
OLD = dt.datetime(2015, 6, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _own_checkpoint_file(settings, tmp_path):
    settings.LAGET_AUDIT_CHECKPOINTS = tmp_path / "checkpoints.jsonl"
    settings.LAGET_AUDIT_RETENTION_YEARS = 10


def write_at(person_id: int, *moments: dt.datetime) -> list[AccessLogEntry]:
    entries = []
    for moment in moments:
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
        entries.append(entry)
    with transaction.atomic():
        return chain_append_many(entries)


def recent(n: int) -> list[dt.datetime]:
    return [NOW - dt.timedelta(days=30, minutes=i) for i in range(n, 0, -1)]


def old(n: int) -> list[dt.datetime]:
    return [OLD + dt.timedelta(minutes=i) for i in range(n)]


@pytest.fixture
def log():
    """Person 1 has old and recent reads, person 2 only old ones, person 3 only recent."""
    one = write_at(1, *old(3), *recent(2))
    two = write_at(2, *old(2))
    three = write_at(3, *recent(2))
    write_checkpoint()
    return {1: one, 2: two, 3: three}


def test_the_cut_is_whole_months_ten_years_back_by_default():
    assert cutoff(NOW) == BEFORE
    assert cutoff(NOW, years=1) == dt.datetime(2025, 12, 1, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_retention_removes_what_is_due_and_every_chain_still_verifies(log):
    done = retire(now=NOW)
    assert (done.before, done.entries, done.chains) == (BEFORE, 5, 2)
    assert sorted(AccessLogEntry.objects.values_list("person_id", "seq")) == [
        (1, 4),
        (1, 5),
        (3, 1),
        (3, 2),
    ]
    report = verify_log(AccessLogEntry)
    assert report.intact, report.problem
    assert (report.entries, report.retired) == (4, 5)
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "access: 4 entries in 2 chains, intact (5 older entries retired)" in out.getvalue()
    # The chains go on from their anchors.
    write_at(1, *recent(1))
    write_at(2, *recent(1))
    assert verify_log(AccessLogEntry).intact
    assert AccessLogEntry.objects.get(person_id=2).seq == 3


@pytest.mark.django_db
def test_a_dry_run_and_a_second_run_retire_nothing_more(log, settings):
    assert retire(now=NOW, dry_run=True).entries == 5
    assert AccessLogEntry.objects.count() == 9
    retire(now=NOW)
    lines = settings.LAGET_AUDIT_CHECKPOINTS.read_text().splitlines()
    assert retire(now=NOW).entries == 0
    assert settings.LAGET_AUDIT_CHECKPOINTS.read_text().splitlines() == lines
    assert verify_log(AccessLogEntry).intact


@pytest.mark.django_db
def test_tampering_after_retention_is_still_caught(log):
    retire(now=NOW)
    AccessLogEntry.objects.filter(person_id=1, seq=4).update(actor_name="Noen andre")
    report = verify_log(AccessLogEntry)
    assert report.chain == "access:1" and "changed" in report.problem


@pytest.mark.django_db
def test_removing_the_first_kept_entry_after_retention_is_caught(log):
    retire(now=NOW)
    AccessLogEntry.objects.filter(person_id=1, seq=4).delete()
    report = verify_log(AccessLogEntry)
    assert report.chain == "access:1" and "entry 4 of the chain is missing" in report.problem


@pytest.mark.django_db
def test_deleting_the_newest_after_retention_is_caught_by_the_checkpoint(log):
    retire(now=NOW)
    AccessLogEntry.objects.filter(person_id=1, seq=5).delete()
    AuditChain.objects.filter(name="access:1").update(last_hash=log[1][3].entry_hash, length=4)
    report = verify_log(AccessLogEntry)
    assert "saw 5, 4 are left" in report.problem


@pytest.mark.django_db
def test_old_entries_deleted_by_hand_are_caught(log):
    # Without a signed anchor, removing old entries is removal, not retention.
    AccessLogEntry.objects.filter(at__lt=BEFORE).delete()
    report = verify_log(AccessLogEntry)
    assert "entry 1 of the chain is missing" in report.problem or "all 2 entries" in report.problem


@pytest.mark.django_db
def test_a_forged_anchor_breaks_the_checkpoint_file(log, settings):
    retire(now=NOW)
    path = settings.LAGET_AUDIT_CHECKPOINTS
    path.write_text(path.read_text().replace('"access:1":[3', '"access:1":[4'))
    assert "was changed" in read_checkpoints().problem


@pytest.mark.django_db
def test_a_broken_log_is_not_retired(log):
    AccessLogEntry.objects.filter(person_id=2, seq=1).update(actor_name="Noen andre")
    with pytest.raises(RuntimeError, match="nothing is retired"):
        retire(now=NOW)
    assert AccessLogEntry.objects.count() == 9
    assert not read_checkpoints().anchors


@pytest.mark.django_db
def test_an_entry_whose_time_is_out_of_order_at_the_cut_is_retired_with_its_chain():
    # Two appends raced at the cut: place 1 took a time just after it, place 2 just before.
    write_at(4, BEFORE + dt.timedelta(seconds=1), BEFORE - dt.timedelta(seconds=1))
    write_at(4, *recent(1))
    done = retire(now=NOW)
    assert done.entries == 2
    assert list(AccessLogEntry.objects.values_list("seq", flat=True)) == [3]
    assert verify_log(AccessLogEntry).intact


@pytest.mark.django_db
def test_on_postgresql_whole_years_are_dropped_and_due_months_deleted():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): partitions")
    with connection.cursor() as cursor:
        ensure_years(cursor, OLD, BEFORE)
    # 2015 is wholly due; of 2016, January to November are.
    kept_2016 = BEFORE + dt.timedelta(days=3)
    write_at(1, *old(3), BEFORE - dt.timedelta(days=40), kept_2016, *recent(1))
    done = retire(now=NOW)
    assert (done.entries, done.partitions) == (4, 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('audit_accesslogentry_y2015')")
        assert cursor.fetchone()[0] is None
        cursor.execute("SELECT at FROM audit_accesslogentry_y2016")
        assert [row[0] for row in cursor.fetchall()] == [kept_2016]
    assert verify_log(AccessLogEntry).intact
