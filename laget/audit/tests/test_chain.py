"""The audit chains: intact when untouched; every kind of tampering is found and named,
including by someone who can write the database but does not hold the audit key."""

from __future__ import annotations

import hashlib
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from laget.audit.chain import GENESIS, entry_hash, walk
from laget.audit.checkpoints import read_checkpoints, write_checkpoint
from laget.audit.models import AccessLogEntry, AuditChain, ChangeRecord
from laget.audit.services import access_log_write, access_log_write_many, change_record
from laget.audit.verify import verify_log

KEY = b"test key"


@pytest.fixture(autouse=True)
def _own_checkpoint_file(settings, tmp_path):
    settings.LAGET_AUDIT_CHECKPOINTS = tmp_path / "checkpoints.jsonl"


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


def forge(entry: AccessLogEntry, key: bytes, prev_hash: str | None = None, **changes) -> str:
    """What an attacker writes: the changed entry with a hash recomputed under `key`."""
    forged = AccessLogEntry.objects.get(pk=entry.pk)
    for name, value in changes.items():
        setattr(forged, name, value)
    forged.prev_hash = prev_hash or forged.prev_hash
    forged.entry_hash = entry_hash(key, forged.prev_hash, forged.payload())
    AccessLogEntry.objects.filter(pk=forged.pk).update(
        **changes, prev_hash=forged.prev_hash, entry_hash=forged.entry_hash
    )
    return forged.entry_hash


@pytest.mark.django_db
class TestVerify:
    def test_untouched_chains_are_intact(self, capsys):
        write(5)
        write(2, person_id=2)
        code, out = verify_exit_code(capsys)
        assert code == 0
        assert "access: 7 entries in 2 chains, intact" in out

    def test_each_person_has_a_chain_of_their_own(self):
        write(3, person_id=1)
        write(2, person_id=2)
        assert dict(
            AuditChain.objects.filter(name__startswith="access:").values_list("name", "length")
        ) == {"access:1": 3, "access:2": 2}
        assert list(
            AccessLogEntry.objects.filter(person_id=2).order_by("seq").values_list("seq", flat=True)
        ) == [1, 2]

    def test_altered_entry_is_named(self, capsys):
        entries = write(5)
        AccessLogEntry.objects.filter(pk=entries[2].pk).update(actor_name="Noen andre")
        code, err = verify_exit_code(capsys)
        assert code == 1
        assert f"access: BROKEN in chain access:1 at entry {entries[2].pk}" in err

    def test_removed_entry_is_named(self, capsys):
        entries = write(5)
        AccessLogEntry.objects.filter(pk=entries[1].pk).delete()
        code, err = verify_exit_code(capsys)
        assert code == 1
        assert f"at entry {entries[2].pk}" in err

    def test_removed_newest_entries_are_found(self):
        entries = write(4)
        AccessLogEntry.objects.filter(pk=entries[3].pk).delete()
        report = verify_log(AccessLogEntry)
        assert not report.intact
        assert "missing at the end" in report.problem

    def test_rehashing_without_the_key_is_found(self):
        # Someone with write access to the database alters an entry and recomputes every
        # hash after it, as a plain SHA-256 chain would allow: the keyed hashes do not hold.
        entries = write(3)
        prev = GENESIS
        for entry in entries:
            changes = {"actor_name": "Forfalsket"} if entry == entries[0] else {}
            prev = forge(entry, b"a key the attacker guessed", prev_hash=prev, **changes)
        AuditChain.objects.filter(name="access:1").update(last_hash=prev)
        report = verify_log(AccessLogEntry)
        assert report.broken_at == entries[0].pk
        assert "changed" in report.problem

    def test_deleting_the_newest_and_moving_the_head_is_caught_by_the_checkpoint(self, capsys):
        entries = write(4)
        write_checkpoint()
        AccessLogEntry.objects.filter(pk__in=[entries[2].pk, entries[3].pk]).delete()
        AuditChain.objects.filter(name="access:1").update(last_hash=entries[1].entry_hash, length=2)
        code, err = verify_exit_code(capsys)
        assert code == 1
        assert "the checkpoint of" in err and "saw 4, 2 are left" in err

    def test_even_with_the_key_an_older_copy_of_the_log_is_caught(self):
        # Restoring yesterday's table (every hash genuine) loses what was read since.
        entries = write(2)
        write_checkpoint()
        write(1)
        write_checkpoint()
        AccessLogEntry.objects.filter(seq=3).delete()
        AuditChain.objects.filter(name="access:1").update(last_hash=entries[1].entry_hash, length=2)
        report = verify_log(AccessLogEntry)
        assert not report.intact and "saw 3, 2 are left" in report.problem

    def test_a_rewritten_entry_under_the_real_key_differs_from_the_checkpoint(self, settings):
        # Even a thief of the key cannot rewrite what a checkpoint already saw.
        entries = write(2)
        write_checkpoint()
        key = settings.LAGET_AUDIT_KEY.encode()
        first = forge(entries[0], key, actor_name="Forfalsket")
        second = forge(entries[1], key, prev_hash=first)
        AuditChain.objects.filter(name="access:1").update(last_hash=second)
        report = verify_log(AccessLogEntry)
        assert report.broken_at == entries[1].pk
        assert "differs from the one the checkpoint" in report.problem

    def test_swapping_two_persons_entries_is_found(self):
        first, second = write(1, person_id=1)[0], write(1, person_id=2)[0]
        # Move each row's content to the other's chain (chain, place and hashes as they were).
        AccessLogEntry.objects.filter(pk=first.pk).update(person_id=2)
        AccessLogEntry.objects.filter(pk=second.pk).update(person_id=1)
        report = verify_log(AccessLogEntry)
        assert not report.intact
        assert report.broken_at in (first.pk, second.pk)

    def test_a_whole_chain_removed_is_found(self):
        write(2, person_id=1)
        write(2, person_id=2)
        write_checkpoint()
        AccessLogEntry.objects.filter(person_id=2).delete()
        AuditChain.objects.filter(name="access:2").delete()
        report = verify_log(AccessLogEntry)
        assert report.chain == "access:2" and "all 2 entries are missing" in report.problem

    def test_a_changed_checkpoint_file_is_found(self, settings, capsys):
        write(2)
        write_checkpoint()
        path = settings.LAGET_AUDIT_CHECKPOINTS
        path.write_text(path.read_text().replace('"access:1":[2', '"access:1":[1'))
        assert "was changed" in read_checkpoints().problem
        code, err = verify_exit_code(capsys)
        assert code == 1 and "checkpoints: BROKEN" in err

    def test_checkpoints_hold_only_heads_that_moved(self, settings):
        write(2, person_id=1)
        write(1, person_id=2)
        assert write_checkpoint() == 2
        assert write_checkpoint() == 0
        write(1, person_id=2)
        assert write_checkpoint() == 1
        assert read_checkpoints().heads["access:2"][:2] == (
            2,
            AuditChain.objects.get(name="access:2").last_hash,
        )
        assert len(settings.LAGET_AUDIT_CHECKPOINTS.read_text().splitlines()) == 2


@pytest.mark.django_db
def test_many_entries_written_together_keep_their_chains():
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
    report = verify_log(AccessLogEntry)
    assert report.intact and report.entries == 8 and report.chains == 5
    assert AuditChain.objects.get(name="access:1").length == 4


@pytest.mark.django_db
def test_entries_read_back_with_the_hash_python_computes(settings):
    # On PostgreSQL the database computes the HMAC (one statement per entry); it must be the
    # very hash chain.entry_hash gives, for Norwegian text and JSON values too.
    key = settings.LAGET_AUDIT_KEY.encode()
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
        second = access_log_write(
            actor=None,
            actor_name="Kåre Ødegård",
            actor_role="",
            actor_service="",
            person_id=7,
            category="messages",
            purpose="care",
        )
        change = change_record(
            actor=None,
            action="plan_edit",
            obj=read,
            before={"needs": "Bolig og ærlig hjelp", "n": 3},
            after={"needs": "Bolig – og «arbeid»", "list": [1, 2.5, None]},
        )
    assert (read.seq, second.seq, second.prev_hash) == (1, 2, read.entry_hash)
    for entry in (read, second, change):
        stored = type(entry).objects.get(pk=entry.pk)
        assert (stored.chain, stored.seq) == (entry.chain, entry.seq)
        assert stored.prev_hash == entry.prev_hash
        assert stored.entry_hash == entry.entry_hash
        assert stored.entry_hash == entry_hash(key, stored.prev_hash, stored.payload())
        # The key matters: the same content under another key hashes otherwise.
        assert stored.entry_hash != entry_hash(b"other", stored.prev_hash, stored.payload())
    assert AuditChain.objects.get(name="access:7").last_hash == second.entry_hash
    assert AuditChain.objects.get(name="change").last_hash == change.entry_hash


@pytest.mark.django_db
def test_a_dump_and_load_round_trip_verifies(capsys, tmp_path):
    write(3, person_id=1)
    with transaction.atomic():
        change_record(actor=None, action="x", obj=AuditChain(name="y"), before=None, after={})
    write_checkpoint()
    dump = io.StringIO()
    call_command("dumpdata", "audit", format="json", stdout=dump)
    AccessLogEntry.objects.all().delete()
    ChangeRecord.objects.all().delete()
    AuditChain.objects.all().delete()
    fixture = tmp_path / "audit.json"
    fixture.write_text(dump.getvalue())
    call_command("loaddata", str(fixture), verbosity=0)
    code, out = verify_exit_code(capsys)
    assert code == 0, out
    assert "access: 3 entries in 1 chains, intact" in out


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
    report = verify_log(AccessLogEntry)
    assert report.intact and report.entries == 3 and report.chains == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_every_chain_whole():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): real concurrent connections")
    barrier = threading.Barrier(4)

    def worker(person_id: int) -> None:
        try:
            barrier.wait()
            write(10, person_id % 2)  # two writers per chain, two chains
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = verify_log(AccessLogEntry)
    assert report.intact, report
    assert report.entries == 40 and report.chains == 2
    assert AuditChain.objects.get(name="access:0").length == 20


@given(st.lists(st.dictionaries(st.text(max_size=5), st.integers()), min_size=1, max_size=8))
def test_walk_finds_any_single_tampered_entry(payloads):
    chain, prev = [], GENESIS
    for i, payload in enumerate(payloads):
        h = entry_hash(KEY, prev, payload)
        chain.append((i, prev, h, payload))
        prev = h
    assert walk(KEY, chain).broken_at is None
    assert walk(KEY, chain).last_hash == prev
    for i in range(len(chain)):
        tampered = list(chain)
        entry_id, prev_hash, h, payload = tampered[i]
        tampered[i] = (entry_id, prev_hash, h, {**payload, "tampered": True})
        assert walk(KEY, tampered).broken_at == i
        # A plain SHA-256 over the same text, as the log used before keys, does not pass.
        unkeyed = hashlib.sha256(b"x").hexdigest()
        assert walk(KEY, [(0, GENESIS, unkeyed, payload)]).broken_at == 0


@pytest.mark.django_db
def test_refused_attempts_are_kept_in_a_chain_of_their_own(capsys):
    from laget.audit.models import RefusedAttempt
    from laget.audit.services import refused_attempt_write

    for i in range(3):
        refused_attempt_write(actor=None, person_id=7, obj=None, path=f"/planer/{i}/")
    assert not AccessLogEntry.objects.exists()  # nothing was read, so nothing claims a read
    code, out = verify_exit_code(capsys)
    assert code == 0 and "refused: 3 entries in 1 chains, intact" in out
    RefusedAttempt.objects.filter(seq=2).update(path="/annet/")
    code, err = verify_exit_code(capsys)
    assert code == 1 and "refused: BROKEN in chain refused" in err
