"""Scores collected outside Laget, in long format:

    person,service,instrument,session,date,total

`instrument` is one of outcome, alliance, phq9, gad7, audit, dudit; `session` a whole
number from 1; `date` YYYY-MM-DD; `total` the instrument's sum, within its scale (whole
numbers except for the two 0–40 line scales). Every problem is told in Norwegian with the
line it is on (the header is line 1), and nothing is analysed from a file with problems.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path

from laget.outcomes.instruments import CSV_INSTRUMENTS, INSTRUMENTS
from laget.outcomes.stats import Score

HEADER = ["person", "service", "instrument", "session", "date", "total"]


class CsvProblem(ValueError):
    pass


def read_scores(path: Path) -> list[Score]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise CsvProblem(f"Fant ikke filen {path}.") from exc
    except OSError as exc:
        raise CsvProblem(f"Kunne ikke lese {path}: {exc.strerror}.") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CsvProblem(f"Linje {line}: filen er ikke UTF-8. Lagre den som UTF-8.") from exc
    return parse_scores(text)


def parse_scores(text: str) -> list[Score]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration as exc:
        raise CsvProblem(
            "Linje 1: filen er tom. Første linje skal være: " + ",".join(HEADER)
        ) from exc
    except csv.Error as exc:
        raise CsvProblem(f"Linje 1: {exc}.") from exc
    if [h.strip().lower() for h in header] != HEADER:
        raise CsvProblem("Linje 1: overskriften skal være nøyaktig «" + ",".join(HEADER) + "».")
    scores: list[Score] = []
    seen: dict[tuple[str, str, str, int], int] = {}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise CsvProblem(f"Linje {reader.line_num}: {exc}.") from exc
        line = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue  # a blank line
        scores.append(_score(row, line, seen))
    if not scores:
        raise CsvProblem("Filen har ingen skårer under overskriften (linje 2 og videre).")
    return scores


def _score(row: list[str], line: int, seen: dict) -> Score:
    def fail(what: str) -> CsvProblem:
        return CsvProblem(f"Linje {line}: {what}")

    if len(row) != len(HEADER):
        raise fail(f"har {len(row)} felt, men skal ha {len(HEADER)} (" + ",".join(HEADER) + ").")
    person, service, instrument, session_text, date_text, total_text = (c.strip() for c in row)
    if not person:
        raise fail("«person» er tom. Skriv personens kode.")
    if not service:
        raise fail("«service» er tom. Skriv tjenestens navn eller kode.")
    if instrument not in CSV_INSTRUMENTS:
        raise fail(
            f"ukjent instrument «{instrument}». Bruk ett av: " + ", ".join(CSV_INSTRUMENTS) + "."
        )
    try:
        session = int(session_text)
    except ValueError:
        raise fail(f"«session» må være et helt tall fra 1, ikke «{session_text}».") from None
    if session < 1:
        raise fail(f"«session» må være et helt tall fra 1, ikke «{session_text}».")
    try:
        date = dt.date.fromisoformat(date_text)
    except ValueError:
        raise fail(f"«date» må være en dato som 2026-03-01, ikke «{date_text}».") from None
    try:
        total = float(total_text.replace(",", "."))
    except ValueError:
        raise fail(f"«total» må være et tall, ikke «{total_text}».") from None
    spec = INSTRUMENTS[instrument]
    if not math.isfinite(total) or not spec.minimum <= total <= spec.maximum:
        raise fail(
            f"«total» {total_text} er utenfor skalaen for {instrument} "
            f"({spec.minimum:g}–{spec.maximum:g})."
        )
    if spec.integer_totals and not total.is_integer():
        raise fail(f"«total» for {instrument} skal være et helt tall, ikke {total_text}.")
    key = (person, service, instrument, session)
    if key in seen:
        raise fail(
            f"økt {session} for {person} på {instrument} hos {service} står allerede på "
            f"linje {seen[key]}. Fjern den ene."
        )
    seen[key] = line
    return Score(person, service, instrument, session, date.toordinal(), total)
