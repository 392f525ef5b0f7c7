"""Reading answers collected outside Laget: long-format CSV with the header
`respondent,rater_group,target_group,item,value`. Every problem names its line."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from laget.surveys.analysis import ITEMS, Answer

HEADER = ["respondent", "rater_group", "target_group", "item", "value"]


class CsvProblem(ValueError):
    pass


def read_answers(path: Path) -> list[Answer]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return list(_rows(csv.reader(handle)))
    except FileNotFoundError as exc:
        raise CsvProblem(f"Fant ikke filen {path}.") from exc
    except UnicodeDecodeError as exc:
        raise CsvProblem(
            f"{path} er ikke UTF-8-tekst. Lagre filen som UTF-8 og prøv igjen."
        ) from exc


def _rows(reader: Iterator[list[str]]) -> Iterator[Answer]:
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header] != HEADER:
        raise CsvProblem("Linje 1: første linje må være nøyaktig «" + ",".join(HEADER) + "».")
    seen: set[tuple[str, str, str, str]] = set()
    for number, row in enumerate(reader, start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(HEADER):
            raise CsvProblem(f"Linje {number}: forventet 5 felt, fant {len(row)}.")
        respondent, rater, target, item, value = (cell.strip() for cell in row)
        if not (respondent and rater and target):
            raise CsvProblem(
                f"Linje {number}: respondent, rater_group og target_group må fylles ut."
            )
        if item not in ITEMS:
            raise CsvProblem(
                f"Linje {number}: ukjent item «{item}». Bruk en av: {', '.join(ITEMS)}."
            )
        try:
            score = float(value.replace(",", "."))
        except ValueError as exc:
            raise CsvProblem(
                f"Linje {number}: verdien «{value}» er ikke et tall fra 1 til 5."
            ) from exc
        if not 1 <= score <= 5:
            raise CsvProblem(f"Linje {number}: verdien {value} er utenfor skalaen 1–5.")
        key = (respondent, rater, target, item)
        if key in seen:
            raise CsvProblem(
                f"Linje {number}: {respondent} har allerede svart på {item} for {rater} → {target}."
            )
        seen.add(key)
        yield Answer(respondent, rater, target, item, score)
