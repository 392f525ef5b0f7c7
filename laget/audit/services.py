"""Writing to the audit logs.

A change record is written inside the transaction of the change it records, so the two are
saved together or not at all. An access-log entry records a read, which has nothing to be
saved with: it is atomic on its own, written in the same request as the read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, models, transaction

from laget.audit.chain import GENESIS, canonical, entry_hash, hmac_pads
from laget.audit.models import (
    AccessLogEntry,
    AuditChain,
    ChainedEntry,
    ChangeRecord,
    RefusedAttempt,
)

E = TypeVar("E", bound=ChainedEntry)
M = TypeVar("M", bound=models.Model)


def chain_append(entry: E) -> E:
    """Link `entry` to the end of its chain and save it, inside the caller's transaction."""
    _require_transaction()
    return _append(entry)


def audit_key() -> bytes:
    """The key of the entries' HMAC: from the settings (outside the database)."""
    return settings.LAGET_AUDIT_KEY.encode()


def _append(entry: E) -> E:
    """One entry at the end of its chain, atomically.

    Every read of personal data appends one, so on PostgreSQL it is a single statement,
    atomic by itself: there each round trip costs more than the work it carries. SQLite,
    where a statement is a function call, reads the head, inserts and moves the head in a
    transaction (the caller's, if there is one).
    """
    entry.chain = entry.chain_name()
    if connection.vendor != "postgresql":
        with transaction.atomic(savepoint=False):
            return chain_append_many([entry])[0]
    return _append_in_one_statement(entry)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of `obj` as JSON-friendly values, for before/after."""
    return {f: _jsonable(getattr(obj, f)) for f in fields}


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def change_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> ChangeRecord:
    return chain_append(
        ChangeRecord(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            before=before,
            after=after,
        )
    )


def create_recorded(*, actor: Any, action: str, obj: M, fields: list[str]) -> M:
    """Validate and save a new object, and record its creation with the named fields."""
    obj.full_clean()
    obj.save()
    change_record(actor=actor, action=action, obj=obj, before=None, after=snapshot(obj, fields))
    return obj


def access_log_write(**fields: Any) -> AccessLogEntry:
    """Record one read of a person's data. Selectors call this; nothing else should."""
    return _append(access_log_entry(**fields))


def refused_attempt_write(
    *, actor: Any, person_id: int | None, obj: models.Model | None = None, path: str = ""
) -> RefusedAttempt:
    """Record a refused attempt to read a person's data (one entry, atomic on its own)."""
    signed_in = getattr(actor, "is_authenticated", False)
    return _append(
        RefusedAttempt(
            actor=actor if signed_in else None,
            actor_name=str(actor) if signed_in else "",
            person_id=person_id,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            path=path[:300],
        )
    )


def access_log_write_many(rows: list[dict[str, Any]]) -> list[AccessLogEntry]:
    """Record several reads in one go (a list naming many persons)."""
    with transaction.atomic(savepoint=False):
        return chain_append_many([access_log_entry(**row) for row in rows])


def access_log_entry(
    *,
    actor: Any,
    actor_name: str,
    actor_role: str,
    actor_service: str,
    person_id: int,
    category: str,
    purpose: str,
    obj: models.Model | None = None,
    request_id: str = "",
) -> AccessLogEntry:
    """An unsaved access-log entry (written by access_log_write or _many)."""
    return AccessLogEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=actor_name,
        actor_role=actor_role,
        actor_service=actor_service,
        person_id=person_id,
        category=category,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        purpose=purpose,
        request_id=request_id,
    )


def chain_append_many(entries: list[E]) -> list[E]:
    """Link entries in order and save them, whichever chains they belong to: the heads are
    read and locked in one query, the entries inserted in one, the heads moved in one, so a
    list that shows many persons logs each without a query per person.

    The heads are locked in the order of their names until the surrounding transaction
    ends, so concurrent appends take turns on each chain and never wait on each other in a
    circle.
    """
    if not entries:
        return entries
    _require_transaction()
    key = audit_key()
    for entry in entries:
        entry.chain = entry.chain_name()
    names = sorted({entry.chain for entry in entries})
    heads = {
        name: AuditChain(name=name, last_hash=last_hash, length=length)
        for name, last_hash, length in _lock_heads(names)
    }
    for name in names:
        heads.setdefault(name, AuditChain(name=name, last_hash=GENESIS, length=0))
    for entry in entries:
        head = heads[entry.chain]
        head.length += 1
        entry.seq, entry.prev_hash = head.length, head.last_hash
        entry.entry_hash = head.last_hash = entry_hash(key, head.last_hash, entry.payload())
    type(entries[0])._default_manager.bulk_create(entries)
    AuditChain.objects.bulk_create(
        list(heads.values()),
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["last_hash", "length"],
    )
    return entries


def _lock_heads(names: list[str]) -> list[tuple[str, str, int]]:
    """The heads of these chains, locked until the transaction ends, in one query.

    On PostgreSQL an upsert that changes nothing: it creates a chain's head on its first
    entry (two first writers cannot both start the chain) and locks existing ones, in the
    order of their names. SQLite locks the whole database for a writer anyway.
    """
    if connection.vendor != "postgresql":
        return list(
            AuditChain.objects.filter(name__in=names).values_list("name", "last_hash", "length")
        )
    table = connection.ops.quote_name(AuditChain._meta.db_table)
    rows = ", ".join(["(%s, %s, 0, '')"] * len(names))
    sql = f"""
        INSERT INTO {table} AS c (name, last_hash, length, before_last_hash) VALUES {rows}
        ON CONFLICT (name) DO UPDATE SET name = c.name
        RETURNING name, last_hash, length
    """  # noqa: S608 (the table name from the model, every value a parameter)
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for name in names for value in (name, GENESIS)])
        return cursor.fetchall()


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Audit entries must be written inside a transaction.")


def _append_in_one_statement(entry: E) -> E:
    """PostgreSQL: create or lock the chain's head and move it, and insert the entry with
    its place and hash, in one statement. The database computes the same HMAC-SHA256 as
    chain.entry_hash (sha256 of the outer key and of the inner key with the message, the keys
    sent as parameters and never stored), over the head's hash and the entry's canonical
    text (which Python writes, so there is one definition of it). The upsert's row lock
    makes writers to the same chain take turns; other chains do not wait."""
    sql, fields = _append_statement(type(entry))
    inner, outer = hmac_pads(audit_key())
    text = "\n" + canonical(entry.payload())
    params = [
        entry.chain,
        outer,
        inner,
        GENESIS,
        text,
        GENESIS,
        outer,
        inner,
        text,
        entry.chain,
        *(f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        entry.pk, entry.seq, entry.prev_hash, entry.entry_hash = cursor.fetchone()
    entry._state.adding, entry._state.db = False, connection.alias
    return entry


@lru_cache(maxsize=8)  # one statement per kind of entry, built once per process
def _append_statement(model: type[ChainedEntry]) -> tuple[str, list[models.Field]]:
    pk = model._meta.pk
    assert pk is not None  # noqa: S101 (a concrete model always has one)
    fields = [
        f
        for f in model._meta.concrete_fields
        if f is not pk and f.attname not in ("chain", "seq", "prev_hash", "entry_hash")
    ]
    qn = connection.ops.quote_name
    # Each value is cast to its column's type: INSERT ... SELECT does not infer it.
    values = ", ".join(f"%s::{f.db_type(connection)}" for f in fields)
    chain_table = qn(AuditChain._meta.db_table)
    mac = (
        "encode(sha256(%s::bytea || sha256(%s::bytea || convert_to({prev} || %s, 'UTF8'))), 'hex')"
    )
    sql = f"""
        WITH head AS (
            INSERT INTO {chain_table} AS c (name, last_hash, length, before_last_hash)
            VALUES (%s, {mac.format(prev="%s")}, 1, %s)
            ON CONFLICT (name) DO UPDATE SET
                before_last_hash = c.last_hash,
                last_hash = {mac.format(prev="c.last_hash")},
                length = c.length + 1
            RETURNING before_last_hash, last_hash, length
        )
        INSERT INTO {qn(model._meta.db_table)}
            (chain, seq, prev_hash, entry_hash, {", ".join(qn(f.column) for f in fields)})
        SELECT %s, length, before_last_hash, last_hash, {values}
        FROM head
        RETURNING {qn(pk.column)}, seq, prev_hash, entry_hash
    """  # noqa: S608 (names from the models, every value a parameter)
    return sql, fields


@dataclass
class EditConflict(Exception):
    """Someone saved the object after the version this edit was based on."""

    current: Any


def versioned_update(
    *,
    actor: Any,
    queryset: Any,
    lookup: dict[str, Any],
    based_on_version: int,
    data: dict[str, Any],
    action: str,
    check: Any = None,
    record_fields: list[str] | None = None,
    version_field: str = "version",
) -> Any:
    """The one way a versioned object changes: lock the row, refuse an edit based on an
    older version (EditConflict, with what is saved now), apply, check, validate, bump the
    version, and record before/after in the same transaction."""
    fields = record_fields or list(data)
    with transaction.atomic():
        current = queryset.select_for_update().get(**lookup)
        if getattr(current, version_field) != based_on_version:
            raise EditConflict(current=current)
        before = snapshot(current, fields)
        for name, value in data.items():
            setattr(current, name, value.strip() if isinstance(value, str) else value)
        if check is not None:
            check(current)
        current.full_clean()
        setattr(current, version_field, based_on_version + 1)
        current.save()
        change_record(
            actor=actor, action=action, obj=current, before=before, after=snapshot(current, fields)
        )
    return current
