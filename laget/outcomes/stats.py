"""The statistics on columns: each person's first and last score, reliable and clinically
significant change, and the figures per service (shares, effect size, dropout).

One code path serves the pages, the reports, the API and `manage.py outcome_analyze`:
`analyse_columns` takes NumPy columns (one row per rating) and groups with a sort and
bincounts, so 50,000 ratings cost a few sorts, not 50,000 Python steps.

Conventions (issue 17, item 8): first/last are the totals of the earliest and latest
session (by date, then session number); a change is reliable when its size is at least the
instrument's reliable-change value; recovery is a reliable improvement from inside the
clinical range to outside it; the effect size is the mean change over persons with two
sessions or more divided by the sample SD of those persons' first scores, positive when
people got better; a person with one session counts in n and in dropout, with no change.
A service × instrument cell with fewer than `min_n` persons (default 5, never below 3, as
in the surveys) shows only its n.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np

from laget.outcomes.instruments import HIGHER, INSTRUMENTS, Instrument

DEFAULT_MIN_N = 5
ABSOLUTE_MIN_N = 3


@dataclass(frozen=True)
class Score:
    """One total, for the analysis: who, where, which instrument, when."""

    person: str
    service: str
    instrument: str
    session: int
    date_ordinal: int
    total: float


@dataclass
class Columns:
    person: np.ndarray  # int codes
    service: np.ndarray
    instrument: np.ndarray
    order: np.ndarray  # int64: date ordinal, then session
    total: np.ndarray  # float64
    person_names: list[str]
    service_names: list[str]
    instrument_keys: list[str]


def _codes(values: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    names = sorted(set(values))
    index = {name: i for i, name in enumerate(names)}
    return np.fromiter((index[v] for v in values), dtype=np.int64, count=len(values)), names


def columns_from(scores: Iterable[Score]) -> Columns:
    rows = list(scores)
    person, person_names = _codes([r.person for r in rows])
    service, service_names = _codes([r.service for r in rows])
    instrument, instrument_keys = _codes([r.instrument for r in rows])
    order = np.fromiter(
        (r.date_ordinal * 1_000_000 + r.session for r in rows), dtype=np.int64, count=len(rows)
    )
    total = np.fromiter((r.total for r in rows), dtype=np.float64, count=len(rows))
    return Columns(
        person, service, instrument, order, total, person_names, service_names, instrument_keys
    )


def columns_from_rows(rows: Sequence[tuple], service: str) -> Columns:
    """Columns for one service's figures from database rows (person id, instrument,
    session, total as float), without a Python object per row. Within one service the
    session number orders a person's ratings, so no date is needed; the person ids are
    the codes themselves (the figures name nobody, so there are no person names)."""
    n = len(rows)
    names = list(map(itemgetter(1), rows))
    keys = sorted(set(names))
    return Columns(
        np.fromiter(map(itemgetter(0), rows), np.int64, n),
        np.zeros(n, dtype=np.int64),
        np.fromiter(map({k: i for i, k in enumerate(keys)}.__getitem__, names), np.int64, n),
        np.fromiter(map(itemgetter(2), rows), np.int64, n),
        np.fromiter(map(itemgetter(3), rows), np.float64, n),
        [],
        [service],
        keys,
    )


@dataclass
class Series:
    """One row per group (e.g. person × instrument): its keys, first, last and count."""

    keys: tuple[np.ndarray, ...]
    first: np.ndarray
    last: np.ndarray
    count: np.ndarray


def series(keys: tuple[np.ndarray, ...], order: np.ndarray, total: np.ndarray) -> Series:
    """First and last total per group, by `order` within the group: one lexsort."""
    if len(total) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Series(tuple(empty for _ in keys), np.zeros(0), np.zeros(0), empty)
    idx = np.lexsort((order, *reversed(keys)))
    sorted_keys = [k[idx] for k in keys]
    change = np.zeros(len(idx), dtype=bool)
    change[0] = True
    for k in sorted_keys:
        change[1:] |= k[1:] != k[:-1]
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], len(idx)) - 1
    return Series(
        tuple(k[starts] for k in sorted_keys),
        total[idx[starts]],
        total[idx[ends]],
        ends - starts + 1,
    )


@dataclass
class Classified:
    better: np.ndarray  # improvement in points (positive = better), 0 without change
    improved: np.ndarray
    deteriorated: np.ndarray
    recovered: np.ndarray
    has_change: np.ndarray


def _parameters(keys: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    instruments = [INSTRUMENTS[k] for k in keys]
    sign = np.array([1.0 if i.direction == HIGHER else -1.0 for i in instruments])
    cutoff = np.array([float(i.cutoff) for i in instruments])
    rc = np.array([float(i.reliable_change) for i in instruments])
    return sign, cutoff, rc


def classify(s: Series, instrument_code: np.ndarray, instrument_keys: list[str]) -> Classified:
    sign_of, cutoff_of, rc_of = _parameters(instrument_keys)
    if len(instrument_code) == 0:
        nothing = np.zeros(0, dtype=bool)
        return Classified(np.zeros(0), nothing, nothing, nothing, nothing)
    sign, cutoff, rc = (
        sign_of[instrument_code],
        cutoff_of[instrument_code],
        rc_of[instrument_code],
    )
    has_change = s.count >= 2
    better = np.where(has_change, np.round(sign * (s.last - s.first), 6), 0.0)
    improved = has_change & (better >= rc)
    deteriorated = has_change & (-better >= rc)

    def clinical(x: np.ndarray) -> np.ndarray:
        return np.where(sign > 0, x < cutoff, x >= cutoff)

    recovered = improved & clinical(s.first) & ~clinical(s.last)
    return Classified(better, improved, deteriorated, recovered, has_change)


def service_figures(data: Columns, *, min_n: int = DEFAULT_MIN_N) -> list[dict]:
    """Per service × instrument: n, then the shares (percent of n), the effect size and
    dropout, or only `suppressed: true` when n < min_n."""
    s = series((data.service, data.instrument, data.person), data.order, data.total)
    return figures_from_series(s, data.service_names, data.instrument_keys, min_n=min_n)


def series_from_groups(rows: Sequence[tuple]) -> tuple[Series, list[str]]:
    """One service's Series from rows the database has already grouped (person id,
    instrument, count, first, last: one row per person × instrument), so Python sees a
    row per person and instrument, not per rating. First and last come packed as
    session × 1000 + total × 10 (selectors.grouped_ratings); the total is the remainder."""
    n = len(rows)
    names = list(map(itemgetter(1), rows))
    keys = sorted(set(names))
    instrument = np.fromiter(
        map({k: i for i, k in enumerate(keys)}.__getitem__, names), np.int64, n
    )
    return (
        Series(
            (
                np.zeros(n, dtype=np.int64),
                instrument,
                np.fromiter(map(itemgetter(0), rows), np.int64, n),
            ),
            _unpack(np.fromiter(map(itemgetter(3), rows), np.float64, n)),
            _unpack(np.fromiter(map(itemgetter(4), rows), np.float64, n)),
            np.fromiter(map(itemgetter(2), rows), np.int64, n),
        ),
        keys,
    )


def _unpack(packed: np.ndarray) -> np.ndarray:
    """session × 1000 + total × 10 -> total (tenths are whole numbers, below 1000)."""
    return (np.rint(packed).astype(np.int64) % 1000) / 10.0


def figures_from_series(
    s: Series, service_names: list[str], instrument_keys: list[str], *, min_n: int = DEFAULT_MIN_N
) -> list[dict]:
    """The service × instrument figures from a Series keyed (service, instrument, person)."""
    min_n = max(min_n, ABSOLUTE_MIN_N)
    service, instrument, _ = s.keys
    c = classify(s, instrument, instrument_keys)
    n_instr = max(len(instrument_keys), 1)
    cell = service * n_instr + instrument
    size = len(service_names) * n_instr

    def count(mask: np.ndarray | None = None, weights: np.ndarray | None = None) -> np.ndarray:
        w = weights if weights is not None else None
        if mask is not None:
            w = mask.astype(np.float64) if w is None else np.where(mask, w, 0.0)
        return np.bincount(cell, weights=w, minlength=size)

    n = count()
    improved, deteriorated, recovered = (
        count(c.improved),
        count(c.deteriorated),
        count(c.recovered),
    )
    completers = count(c.has_change)
    dropout = count(s.count == 1)
    sum_better = count(c.has_change, c.better)
    sum_first = count(c.has_change, s.first)
    sum_first_sq = count(c.has_change, s.first * s.first)
    out: list[dict] = []
    for code in np.flatnonzero(n):
        svc, ins = divmod(int(code), n_instr)
        entry: dict = {
            "service": service_names[svc],
            "instrument": instrument_keys[ins],
            "n": int(n[code]),
        }
        if n[code] < min_n:
            entry["suppressed"] = True
        else:
            total = n[code]
            entry["improved_pct"] = 100.0 * improved[code] / total
            entry["deteriorated_pct"] = 100.0 * deteriorated[code] / total
            entry["recovered_pct"] = 100.0 * recovered[code] / total
            entry["effect_size"] = _effect(
                completers[code], sum_better[code], sum_first[code], sum_first_sq[code]
            )
            entry["dropout_pct"] = 100.0 * dropout[code] / total
        out.append(entry)
    return out


def _effect(m: float, sum_better: float, sum_first: float, sum_first_sq: float) -> float | None:
    """Mean improvement / sample SD of the first scores; None without two completers or
    with no spread at the start."""
    if m < 2:
        return None
    var = (sum_first_sq - sum_first * sum_first / m) / (m - 1)
    if var <= 1e-12:
        return None
    return float((sum_better / m) / np.sqrt(var))


def effect_size(first: Sequence[float], last: Sequence[float], instrument: Instrument) -> float:
    """The same effect size on plain lists (for the tests and the person's chart)."""
    if len(first) < 2:
        raise ValueError("needs two persons")
    f, la = np.asarray(first, float), np.asarray(last, float)
    sign = 1.0 if instrument.direction == HIGHER else -1.0
    return float(np.mean(sign * (la - f)) / np.std(f, ddof=1))


def person_figures(data: Columns) -> list[dict]:
    """Per person × instrument (across services): first, last, change and its meaning."""
    s = series((data.person, data.instrument), data.order, data.total)
    person, instrument = s.keys
    c = classify(s, instrument, data.instrument_keys)
    out = []
    for i in range(len(s.count)):
        key = data.instrument_keys[int(instrument[i])]
        has = bool(c.has_change[i])
        first, last = _number(s.first[i]), _number(s.last[i])
        out.append(
            {
                "person": data.person_names[int(person[i])],
                "instrument": key,
                "first": first,
                "last": last,
                "change": _number(round(float(s.last[i] - s.first[i]), 6)) if has else None,
                "reliable_change": (
                    "improved" if c.improved[i] else "deteriorated" if c.deteriorated[i] else "none"
                ),
                "clinically_significant": bool(c.recovered[i]),
                "sessions": int(s.count[i]),
            }
        )
    return out


def instrument_figures(keys: Iterable[str]) -> list[dict]:
    out = []
    for key in keys:
        i = INSTRUMENTS[key]
        out.append(
            {
                "instrument": key,
                "direction": i.direction,
                "cutoff": _number(i.cutoff),
                "reliable_change": _number(i.reliable_change),
            }
        )
    return out


def analyse_columns(data: Columns, *, min_n: int = DEFAULT_MIN_N) -> dict:
    return {
        "persons": person_figures(data),
        "instruments": instrument_figures(data.instrument_keys),
        "services": service_figures(data, min_n=min_n),
    }


def analyse(scores: Iterable[Score], *, min_n: int = DEFAULT_MIN_N) -> dict:
    return analyse_columns(columns_from(scores), min_n=min_n)


def _number(x: float) -> float | int:
    """Whole numbers print as 14, not 14.0."""
    x = float(x)
    return int(x) if x.is_integer() else x
