"""The names of persons known to Laget, for the identifier guard. A system read (the
names never leave the guard), so it is not an access-log event."""

from __future__ import annotations

from laget.plans.models import Person


def known_person_names() -> list[str]:
    names = []
    for first, last in Person.objects.values_list("first_name", "last_name"):
        names.append(f"{first} {last}")
        if len(last) >= 4:
            names.append(last)  # a surname alone can be enough to point at someone
    return names
