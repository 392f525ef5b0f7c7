"""Input every route shares: what a text may contain and how large a number may be.

The database is the last place to find out that a value is impossible: PostgreSQL refuses
NUL characters in text and numbers beyond 64 bits, SQLite refuses integers beyond 64 bits,
and both arrive as a 500. These checks run before any view (core.middleware.InputGuard)
and in the API's schemas, so a new route is covered without doing anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Annotated, Any

from annotated_types import Ge, Le

# The largest id a BigAutoField can hold; larger numbers name nothing.
MAX_ID = 2**63 - 1
# No list in Laget has ten thousand pages; beyond it a page number is an error, not a page.
MAX_PAGE = 10_000

# C0 control characters but tab, newline and carriage return; DEL; C1 controls; lone
# surrogates (not encodable as UTF-8, so PostgreSQL and psycopg refuse them).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# A number too long for any id (compared as a number below): a run of digits standing on
# its own, as a path segment or a parameter is. Digits inside a longer token are not a
# number: a survey link (40 hex characters) held a run of 20 digits in about one link in
# 1,400, and was refused.
LONG_NUMBER = re.compile(r"\b\d{19,}\b")

Id = Annotated[int, Ge(1), Le(MAX_ID)]
PageNumber = Annotated[int, Ge(1), Le(MAX_PAGE)]


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def has_number_beyond_ids(value: str) -> bool:
    return any(int(run) > MAX_ID for run in LONG_NUMBER.findall(value))


def strings_in(value: Any) -> Iterator[str]:
    """Every string in a parsed JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def json_strings(body: bytes) -> Iterable[str]:
    """The strings of a JSON body; nothing when it is not JSON (the view says so itself)."""
    try:
        return list(strings_in(json.loads(body)))
    except (ValueError, RecursionError):
        return []


def bounded_page(value: str | int | None, *, default: int = 1) -> int:
    """A page number from a query string: a number from 1 to MAX_PAGE, else `default`."""
    try:
        number = int(str(value)) if value is not None else default
    except ValueError:
        return default
    return min(max(number, 1), MAX_PAGE)
