"""Recording changes. Call from inside the writing service's transaction, so a change and
its record are saved together or not at all."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction

from laget.audit.models import ChangeRecord


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
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("change_record must run inside the writing transaction.")
    return ChangeRecord.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=before,
        after=after,
    )


M = TypeVar("M", bound=models.Model)


def create_recorded(*, actor: Any, action: str, obj: M, fields: list[str]) -> M:
    """Validate and save a new object, and record its creation with the named fields."""
    obj.full_clean()
    obj.save()
    change_record(actor=actor, action=action, obj=obj, before=None, after=snapshot(obj, fields))
    return obj
