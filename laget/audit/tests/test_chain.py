"""The audit chain: intact when untouched; every kind of tampering is found and named."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from laget.audit.chain import GENESIS, entry_hash, walk
from laget.audit.models import AccessLogEntry, AuditChain, ChangeRecord
from laget.audit.services import access_log_write, change_record
from laget.audit.verify import verify_chain


def write(n: int, person_id: int = 1) -> list[AccessLogEntry]:
    entries = []
    for i in range(n):
        with transaction.atomic():
            entries.append(
                access_log_write(
                    actor=None,
                    actor_name=f"Fagperson {i}",
                    actor_role="sykepleier",
                    actor_service="Testvik DPS",
                    person_id=person_id,
                    category="plan",
                    purpose="care",
                    request_id=f"req-{i}",
                )
            )
    return entries


def verify_exit_code(capsys) -> tuple[int, str]:
    try:
        call_command("verify_audit")
    except SystemExit as exc:
        return int(exc.code or 0), capsys.readouterr().err
    return 0, capsys.readouterr().out


@pytest.mark.django_db
class TestVerify:
    def test_untouched_chain_is_intact(self, capsys):
        write(5)
        code, out = verify_exit_code(capsys)
        assert code == 0
        assert "access: 5 entries, intact" in out

    def test_altered_entry_is_named(self, capsys):
        entries = write(5)
        AccessLogEntry.objects.filter(pk=entries[2].pk).update(actor_name="Noen andre")
        code, err = verify_exit_code(capsys)
        assert code == 1
        assert f"access: BROKEN at entry {entries[2].pk}" in err

    def test_removed_entry_breaks_the_next_link(self, capsys):
        entries = write(5)
        AccessLogEntry.objects.filter(pk=entries[1].pk).delete()
        code, err = verify_exit_code(capsys)
        assert code == 1
        assert f"at entry {entries[2].pk}" in err

    def test_removed_newest_entries_are_found(self):
        entries = write(4)
        AccessLogEntry.objects.filter(pk=entries[3].pk).delete()
        report = verify_chain(AccessLogEntry)
        assert not report.intact
        assert "missing at the end" in report.problem

    def test_rehashing_an_altered_entry_still_breaks_the_chain(self):
        entries = write(3)
        forged = AccessLogEntry.objects.get(pk=entries[0].pk)
        forged.actor_name = "Forfalsket"
        forged_hash = entry_hash(forged.prev_hash, forged.payload())
        AccessLogEntry.objects.filter(pk=forged.pk).update(
            actor_name="Forfalsket", entry_hash=forged_hash
        )
        assert verify_chain(AccessLogEntry).broken_at == entries[1].pk


@pytest.mark.django_db
def test_many_entries_written_together_keep_the_chain(capsys):
    from laget.audit.services import access_log_write_many

    write(2)
    rows = [
        {
            "actor": None,
            "actor_name": f"Liste {i}",
            "actor_role": "",
            "actor_service": "",
            "person_id": i,
            "category": "plan_list",
            "purpose": "care",
        }
        for i in range(5)
    ]
    with transaction.atomic():
        access_log_write_many(rows)
    write(1)
    report = verify_chain(AccessLogEntry)
    assert report.intact and report.entries == 8


@pytest.mark.django_db
def test_entries_read_back_with_the_hash_python_computes():
    # On PostgreSQL the database computes the hash (one statement per entry); it must be
    # the very hash chain.entry_hash gives, for Norwegian text and JSON values too.
    with transaction.atomic():
        read = access_log_write(
            actor=None,
            actor_name="Kåre Ødegård",
            actor_role="sykepleier – «vikar»",
            actor_service="Testvik DPS",
            person_id=7,
            category="plan,health",
            purpose="care",
        )
        change = change_record(
            actor=None,
            action="plan_edit",
            obj=read,
            before={"needs": "Bolig og ærlig hjelp", "n": 3},
            after={"needs": "Bolig – og «arbeid»", "list": [1, 2.5, None]},
        )
    for entry in (read, change):
        stored = type(entry).objects.get(pk=entry.pk)
        assert stored.prev_hash == entry.prev_hash
        assert stored.entry_hash == entry.entry_hash
        assert stored.entry_hash == entry_hash(stored.prev_hash, stored.payload())
        assert AuditChain.objects.get(name=entry.CHAIN).last_hash == entry.entry_hash


@pytest.mark.django_db(transaction=True)
def test_a_change_record_refuses_to_be_written_outside_the_changes_transaction():
    with pytest.raises(RuntimeError):
        change_record(actor=None, action="plan_edit", obj=AuditChain(name="x"), before={}, after={})
    assert not ChangeRecord.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_read_is_logged_on_its_own_without_a_surrounding_transaction():
    # A read has no change to be saved with; its entry is atomic by itself.
    for i in range(3):
        access_log_write(
            actor=None,
            actor_name="x",
            actor_role="",
            actor_service="",
            person_id=i,
            category="plan",
            purpose="care",
        )
    report = verify_chain(AccessLogEntry)
    assert report.intact and report.entries == 3
    assert AuditChain.objects.get(name="access").length == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_the_chain_whole():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): real concurrent connections")
    barrier = threading.Barrier(4)

    def worker(person_id: int) -> None:
        try:
            barrier.wait()
            write(10, person_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = verify_chain(AccessLogEntry)
    assert report.intact, report
    assert report.entries == 40
    assert AuditChain.objects.get(name="access").length == 40


@given(st.lists(st.dictionaries(st.text(max_size=5), st.integers()), min_size=1, max_size=8))
def test_walk_finds_any_single_tampered_entry(payloads):
    chain, prev = [], GENESIS
    for i, payload in enumerate(payloads):
        h = entry_hash(prev, payload)
        chain.append((i, prev, h, payload))
        prev = h
    assert walk(chain).broken_at is None
    assert walk(chain).last_hash == prev
    for i in range(len(chain)):
        tampered = list(chain)
        entry_id, prev_hash, h, payload = tampered[i]
        tampered[i] = (entry_id, prev_hash, h, {**payload, "tampered": True})
        assert walk(tampered).broken_at == i
