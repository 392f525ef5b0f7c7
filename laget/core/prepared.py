"""Prepared querysets: a query's SQL is compiled once per process and run again with new
values.

Django compiles every queryset to SQL on every request; on the plan page that compiling
(select lists, joins, default ordering) cost more worker CPU than the database took to
answer. A page that runs the same statements for every plan names each statement once
(`key`) and builds it from a function of the values that change (ids). The first call
builds it with stand-in values, compiles it, and notes where the stand-ins land among the
SQL parameters; later calls put the real values there and run the same SQL through the
same model iterable (instances, select_related, annotations and converters as usual).

Only for statements whose shape does not depend on the values: no lists of varying length
(`__in=[…]`), no branches on a value inside `build`. Values are integers (ids).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.db.models.sql import Query

# Stand-ins no real id reaches (far below zero; ids are positive).
_STAND_IN_BASE = -(10**15)


@dataclass(frozen=True)
class _Compiled:
    query: Query
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]  # (position among the parameters, value name)
    state: dict[str, Any]  # what compiling left on the compiler, for reading the rows
    iterable_class: type
    fields: tuple[str, ...] | None
    prefetch: tuple[Any, ...]
    converters: dict[int, Any]  # how each column's value is read (the same every run)


_cache: dict[tuple[str, str], _Compiled] = {}
_COMPILER_STATE = (
    "select",
    "klass_info",
    "annotation_col_map",
    "col_count",
    "has_extra_select",
)


def _compile(using: str, build: Callable[..., QuerySet], names: Iterable[str]) -> _Compiled:
    stand_ins = {name: _STAND_IN_BASE - i for i, name in enumerate(sorted(names))}
    queryset: Any = build(**stand_ins)
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    by_value = {value: name for name, value in stand_ins.items()}
    slots = tuple(
        (i, by_value[p]) for i, p in enumerate(params) if type(p) is int and p in by_value
    )
    missing = set(stand_ins) - {name for _i, name in slots}
    if missing:  # a value was transformed or unused: this statement cannot be prepared
        raise ValueError(f"prepared statement: {sorted(missing)} not found in its parameters")
    return _Compiled(
        query=queryset.query,
        sql=sql,
        params=tuple(params),
        slots=slots,
        state={name: getattr(compiler, name) for name in _COMPILER_STATE},
        iterable_class=queryset._iterable_class,
        fields=queryset._fields,
        prefetch=tuple(queryset._prefetch_related_lookups),
        converters=compiler.get_converters(
            [expression for expression, _sql, _alias in compiler.select[: compiler.col_count]]
        ),
    )


USING = "default"
M = TypeVar("M", bound=Model)


def prepared(key: str, build: Callable[..., QuerySet], **values: int) -> QuerySet:
    """The queryset `build(**values)` returns, with its SQL compiled once per process under
    `key` (the caller keeps one key per statement shape). Iterate it once (list(...))."""
    using = USING
    cache_key = (using, key)
    compiled = _cache.get(cache_key)
    if compiled is None:
        compiled = _compile(using, build, values)
        _cache[cache_key] = compiled
    params = list(compiled.params)
    for position, name in compiled.slots:
        params[position] = int(values[name])
    compiler = Query.get_compiler(compiled.query, using=using)
    compiler.__dict__.update(compiled.state)
    sql = compiled.sql
    compiler.as_sql = lambda *args, **kwargs: (sql, params)
    # Finding each column's converters costs more than reading the rows on a short list.
    converters = compiled.converters
    compiler.get_converters = lambda expressions: converters
    query = copy.copy(compiled.query)  # shares the compiled parts, never changes them
    query.get_compiler = lambda *args, **kwargs: compiler  # type: ignore[method-assign]
    model = compiled.query.model
    queryset: Any = QuerySet(model=model, query=query, using=using)
    queryset._iterable_class = compiled.iterable_class
    queryset._fields = compiled.fields
    queryset._prefetch_related_lookups = compiled.prefetch
    return queryset


def known(objects: list[M], field: str, value: Model) -> list[M]:
    """Set a foreign key's object on each row without a query (what a related manager
    does for `plan.goals.all()`)."""
    if objects:
        descriptor: Any = type(objects[0])._meta.get_field(field)
        for obj in objects:
            descriptor.set_cached_value(obj, value)
    return objects
