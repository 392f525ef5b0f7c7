"""The identifier guard for anonymised cases: finds what could point to a person before a
case text is saved. Pure functions; the names of persons known to Laget are passed in.

It looks for classes of identifiers, not for examples of them:

- anything shaped like a national identity number: 11 digits whether or not the check
  digits hold (people mistype), plain or grouped 6+5 or day.month.year+5 with spaces,
  hyphens, dots or slashes; and digits after a word like "fnr" or "personnummer";
- birth dates and other full dates (a day, a month and a year) as digits in any common
  order and separator, or in words ("1. januar 1970"), and whatever follows "født"/"f.";
- an age together with a place ("42 år fra Fjordvik", "42-årig mann fra Fjordvik");
- phone numbers, e-mail addresses, street addresses with numbers, postcodes with a place;
- names: a known person's full name; a first name followed by a surname; a known surname
  on its own, except where it stands in a literature reference ("Hagen & Johnsen, 2013",
  "(Hagen 2013)", "Hagen et al.") with no personal details beside it.

It errs on the side of finding too much: the organiser may override a false positive,
with a written reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Finding:
    # national_id, birth_date, date, age_place, phone, email, address, postcode, name
    kind: str
    start: int
    end: int
    text: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


# One separator inside a number as people type it: space (also non-breaking or thin),
# hyphen or dash, dot, slash.
SEP = r"[ \u00a0\u2009\u202f./\-–]"
# Eleven digits, whatever the check digits say: plain, 6+5, dd.mm.yy+5, dd.mm.yy+3+2.
NATIONAL_ID = re.compile(
    rf"(?<![\d.,/-])(?:\d{{11}}|\d{{6}}{SEP}{{1,3}}\d{{5}}|\d{{2}}{SEP}\d{{2}}{SEP}\d{{2}}{SEP}{{0,3}}\d{{5}}"
    rf"|\d{{6}}{SEP}\d{{3}}{SEP}\d{{2}})(?![\d]|[.,/-]\d)"
)
# A word that says "this is an identity number", then digits (a part of one is enough).
NATIONAL_ID_WORD = re.compile(
    r"\b(?:f(?:ødsels)?(?:nr|nummer)|fnr|pnr|pers(?:on)?(?:nr|nummer)|person-?nummer|"
    r"d-?(?:nr|nummer)|h-?(?:nr|nummer)|hjelpenummer)\.?:?\s*(?:er\s+)?"
    rf"(?P<n>\d(?:{SEP}?\d){{3,10}})(?!\d)",
    re.IGNORECASE,
)
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

# --- Dates ------------------------------------------------------------------------------

MONTHS = (
    "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember|"
    "january|february|march|may|june|july|october|december|"
    "jan|feb|mar|apr|jun|jul|aug|sept|sep|okt|oct|nov|des|dec"
)
# Day, month and year as digits: 01.01.1970, 1/1/70, 01-01-70, 1. 1. 1970.
DATE_DMY = re.compile(
    r"(?<![\d.,/-])(?P<d>[0-3]?\d)(?P<s>\.\s?|/|-)(?P<m>[01]?\d)(?P=s)(?P<y>\d{4}|\d{2})"
    r"(?![\d]|[./-]\d)"
)
# Year first: 1970-01-01, 1970.01.01, 1970/1/1.
DATE_YMD = re.compile(
    r"(?<![\d.,/-])(?P<y>(?:18|19|20)\d{2})(?P<s>[-./])(?P<m>[01]?\d)(?P=s)(?P<d>[0-3]?\d)"
    r"(?![\d]|[./-]\d)"
)
# In words: "1. januar 1970", "1 jan. 70", "01. januar '70".
DATE_WORDS = re.compile(
    rf"(?<![\d.])(?P<d>[0-3]?\d)\.?\s+(?P<m>{MONTHS})\.?,?\s+(?P<y>\d{{4}}|'?\d{{2}})(?![\d])",
    re.IGNORECASE,
)
# What follows "født" (born): a date, a day and a month, a month and a year, or a year.
BIRTH = re.compile(
    r"(?<![\wæøå])(?:født|fødd|f\.|fødselsdato|fødselsdag|født den|d\.o\.b\.?|dob|born)"
    r":?\s*(?:den\s+|i\s+|on\s+|in\s+)?"
    r"(?:(?:18|19|20)\d{2}[-./][01]?\d[-./][0-3]?\d"
    rf"|[0-3]?\d(?:\.\s?|/|-)[01]?\d(?:(?:\.\s?|/|-)(?:\d{{4}}|\d{{2}}))?"
    rf"|[0-3]?\d\.?\s+(?:{MONTHS})\.?(?:,?\s+(?:\d{{4}}|'?\d{{2}}))?"
    rf"|(?:{MONTHS})\.?\s+(?:\d{{4}}|'\d{{2}})"
    r"|(?:18|19|20)\d{2}|'\d{2})(?![\d])",
    re.IGNORECASE,
)

# --- Ages with a place ------------------------------------------------------------------

# An age that cannot be anything else: "42-årig", "42-åring", "42 år gammel", "(42)",
# "på 42 år", "42 years old".
AGE = (
    r"(?:\b\d{1,3}\s?[-–]?\s?år(?:ig|ige|ing|ingen|inger|ingene)\b"
    r"|\b\d{1,3}\s+år\s+gam(?:mel|le)\b|\(\d{1,3}(?:\s*år)?\)|\bpå\s+\d{1,3}\s+år\b"
    r"|\b\d{1,3}[ -]years?[ -]old\b|\b\d{1,3}\s+år(?=,?\s+(?:gam|fra|bosatt|bor|boende)))"
)
# A place: a preposition and a capitalised word, "fra Fjordvik", "bosatt i Nord-Fjordvik".
PLACE = (
    r"(?:\b(?:fra|i|på|ved|bosatt\s+(?:i|på)|bor\s+(?:i|på)|boende\s+(?:i|på)|from|in)"
    r"\s+[A-ZÆØÅ][\wæøåÆØÅ'-]+|\b[A-ZÆØÅ][\wæøåÆØÅ]+-(?:mann|kvinne|gutt|jente|kvinnen|mannen))"
)
# Both within one sentence, in either order.
AGE_PLACE = re.compile(rf"{AGE}[^.!?\n]{{0,50}}?{PLACE}|{PLACE}[^.!?\n]{{0,50}}?{AGE}")

# --- Names --------------------------------------------------------------------------------

# Common Norwegian first names (besides those of persons known to Laget): a first name
# followed by a surname points at someone even when that someone is not in Laget.
COMMON_FIRST_NAMES = frozenset(
    """
    Ada Agnes Ahmed Ali Alexander Alma Amalie Amanda Andrea Andreas Ane Anette Anita Anja Anna
    Anne Anders Arne Astrid Aud Audun Bjørn Bente Berit Birgit Bodil Brit Britt Camilla Carina
    Caroline Christian Dag Daniel Eirik Elin Elisabeth Ella Ellen Emil Emilie Emma Erik Erlend
    Espen Eva Even Frida Frode Geir Gunn Gunnar Guro Hanne Hans Harald Heidi Helene Helge
    Henrik Hilde Ida Inger Ingrid Ingvild Ivar Jan Jens Jon Jonas Jorunn Julie Kari Karin Karl
    Kjell Kjersti Knut Kristian Kristin Lars Lea Leif Lene Linda Line Lise Liv Magnus Maja
    Marianne Marit Markus Martin Mathias Mette Mona Morten Nils Nina Nora Ole Olav Ola Oskar
    Pål Per Petter Ragnhild Randi Rune Sara Sigrid Silje Sindre Siri Sofie Solveig Stein Stian
    Svein Sverre Terje Thomas Tobias Tone Tor Tore Torill Tove Trine Trond Turid Unni Vegard
    Vilde Wenche Øystein Åse Aisha Fatima Mohammed Muhammad Omar Yusuf Hassan Maria Sofia Jakob
    Noah Oliver William Lucas Filip Isak Henning Ingeborg
    """.split()  # noqa: SIM905 (a word list reads better as words)
)
NAME_WORD = r"[A-ZÆØÅ][a-zæøåéü'’]+(?:-[A-ZÆØÅ][a-zæøåéü'’]+)?"
# A literature reference: surnames joined by , & og and, with initials or "et al.", then
# a year (in brackets or not), or "et al." alone.
_AUTHORS = (
    rf"{NAME_WORD}(?:,?\s+(?:[A-ZÆØÅ]\.\s?)+)?"
    rf"(?:\s*(?:,|&|\bog\b|\band\b)\s*{NAME_WORD}(?:,?\s+(?:[A-ZÆØÅ]\.\s?)+)?)*"
)
_ET_AL = r"(?:\s+(?:et\s+al\.?|mfl\.|m\.\s?fl\.|og\s+medarbeidere|og\s+kolleger|and\s+colleagues))"
_YEAR = r"(?:19|20)\d{2}[a-z]?"
CITATION = re.compile(
    rf"{_AUTHORS}(?:{_ET_AL}?,?\s*\(?(?:{_YEAR}|u\.å\.|n\.d\.)|{_ET_AL})"
    rf"|\((?:[^()]{{0,80}}?[\s;(])?{_AUTHORS}{_ET_AL}?,?\s+{_YEAR}"
)
# How near (in characters) personal details must be for a surname to count as a name.
DETAILS_NEAR = 80


@dataclass(frozen=True)
class KnownNames:
    full: tuple[str, ...]  # "Jonas Eriksen"
    first: frozenset[str]
    surnames: frozenset[str]


def known_names_from(names: Iterable[str]) -> KnownNames:
    """Split what the caller knows: full names, and the first names and surnames in them.
    A single word is a surname."""
    full: set[str] = set()
    first: set[str] = set()
    surnames: set[str] = set()
    for raw in names:
        words = raw.split()
        if not words or len(" ".join(words)) < 3:
            continue
        if len(words) == 1:
            surnames.add(words[0])
        else:
            full.add(" ".join(words))
            first.update(w for w in words[:-1] if len(w) >= 2)
    return KnownNames(
        tuple(sorted(full, key=len, reverse=True)), frozenset(first), frozenset(surnames)
    )


def _valid_date(day: str, month: str) -> bool:
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12


def scan(text: str, known_names: Iterable[str] = ()) -> list[Finding]:
    """Everything in `text` that could identify a person, in order of position."""
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        if any(start < e and s < end for s, e in taken):
            return  # already found as something more specific
        taken.append((start, end))
        findings.append(Finding(kind, start, end, text[start:end]))

    citations = [m.span() for m in CITATION.finditer(text)]

    def in_citation(start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in citations)

    for m in NATIONAL_ID_WORD.finditer(text):
        add("national_id", m.start("n"), m.end("n"))
    for m in NATIONAL_ID.finditer(text):
        add("national_id", m.start(), m.end())
    for m in EMAIL.finditer(text):
        add("email", m.start(), m.end())
    for m in BIRTH.finditer(text):
        add("birth_date", m.start(), m.end())
    for pattern in (DATE_DMY, DATE_YMD, DATE_WORDS):
        for m in pattern.finditer(text):
            if pattern is DATE_WORDS or _valid_date(m["d"], m["m"]):
                add("date", m.start(), m.end())
    for m in PHONE.finditer(text):
        # An eight-digit number that is also a valid national id's start is still a phone.
        add("phone", m.start(), m.end())
    for m in AGE_PLACE.finditer(text):
        add("age_place", m.start(), m.end())
    for m in ADDRESS.finditer(text):
        add("address", m.start(), m.end())
    for m in POSTCODE.finditer(text):
        if not any(s < m.end() and m.start() < e for s, e in citations):
            add("postcode", m.start(), m.end())
    details = [(f.start, f.end) for f in findings]
    _scan_names(text, known_names_from(known_names), add, in_citation, details)
    return sorted(findings, key=lambda f: (f.start, f.end))


def _scan_names(
    text: str,
    known: KnownNames,
    add: Callable[[str, int, int], None],
    in_citation: Callable[[int, int], bool],
    details: list[tuple[int, int]],
) -> None:
    # 1. A known person's full name, whatever the case and spacing.
    for name in known.full:
        pattern = r"\b" + r"\s+".join(map(re.escape, name.split())) + r"\b"
        for m in re.finditer(pattern, text, re.IGNORECASE):
            add("name", m.start(), m.end())
    # 2. A first name (common or known) followed by a capitalised surname.
    first_names = COMMON_FIRST_NAMES | known.first
    for m in re.finditer(rf"\b({NAME_WORD})\s+((?:{NAME_WORD}\s+)?{NAME_WORD})\b", text):
        if all(part in first_names for part in m[1].split("-")):
            add("name", m.start(), m.end())
    # 3. A known surname alone: a name unless it stands in a literature reference with
    # no personal details nearby.
    for surname in sorted(known.surnames, key=len, reverse=True):
        # Capitalised (or all capitals): "i hagen" is a garden, "Hagen" may be a person.
        cap = re.escape(surname[:1].upper()) + re.escape(surname[1:].lower())
        pattern = rf"(?<![\wæøåÆØÅ])(?:{cap}|{re.escape(surname.upper())})(?![\wæøåÆØÅ])"
        for m in re.finditer(pattern, text):
            near = any(
                s - DETAILS_NEAR < m.end() and m.start() < e + DETAILS_NEAR for s, e in details
            )
            if in_citation(m.start(), m.end()) and not near:
                continue
            add("name", m.start(), m.end())
