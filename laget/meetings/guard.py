"""The identifier guard for anonymised cases: finds what could point to a person before a
case text is saved. Pure functions; the names of persons known to Laget are passed in.

It looks for national identity numbers (valid check digits, D- and H-numbers, the 2032
rule), phone numbers, e-mail addresses, street addresses with numbers, postcodes with a
place, and known names. It errs on the side of finding too much: the organiser may
override a false positive, with a written reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from laget.core.identifiers import is_valid_national_id


@dataclass(frozen=True)
class Finding:
    kind: str  # national_id, phone, email, address, postcode, name
    start: int
    end: int
    text: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


# Eleven digits, optionally written 6 + space + 5.
NATIONAL_ID = re.compile(r"(?<!\d)(\d{6})[ ]?(\d{5})(?!\d)")
# Norwegian numbers: eight digits (in groups of 2 or 3+2+3), optionally +47 / 0047 first.
PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)47[ ]?)?(?:\d{8}|\d{2}(?:[ .]\d{2}){3}|\d{3}[ .]\d{2}[ .]\d{3})(?!\d)"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A street-like word (ends in gata/gate/veien/vei/vegen/...) followed by a house number.
ADDRESS = re.compile(
    r"\b[A-ZÆØÅ][\wæøåÆØÅ.-]*(?:gata|gate|gaten|veien|vei|vegen|veg|stien|sti|plassen|plass|"
    r"allé|alle|bakken|svingen|lia|tunet|brygga|torget)\s+\d{1,4}\s?[A-Za-z]?\b"
)
POSTCODE = re.compile(r"(?<!\d)\d{4}\s+[A-ZÆØÅ][a-zæøå]+(?:[ -][A-ZÆØÅ][a-zæøå]+)*")


def scan(text: str, known_names: Iterable[str] = ()) -> list[Finding]:
    """Everything in `text` that could identify a person, in order of position."""
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        if any(start < e and s < end for s, e in taken):
            return  # already found as something more specific
        taken.append((start, end))
        findings.append(Finding(kind, start, end, text[start:end]))

    for m in NATIONAL_ID.finditer(text):
        if is_valid_national_id(m.group(1) + m.group(2)):
            add("national_id", m.start(), m.end())
    for m in EMAIL.finditer(text):
        add("email", m.start(), m.end())
    for m in PHONE.finditer(text):
        add("phone", m.start(), m.end())
    for m in ADDRESS.finditer(text):
        add("address", m.start(), m.end())
    for m in POSTCODE.finditer(text):
        add("postcode", m.start(), m.end())
    for name in sorted(
        {n.strip() for n in known_names if len(n.strip()) >= 3}, key=len, reverse=True
    ):
        pattern = re.compile(
            r"\b" + r"\s+".join(map(re.escape, name.split())) + r"\b", re.IGNORECASE
        )
        for m in pattern.finditer(text):
            add("name", m.start(), m.end())
    return sorted(findings, key=lambda f: (f.start, f.end))
