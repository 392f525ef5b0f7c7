"""The service report for outcome ratings at scale: 50,000 ratings from 5,000 persons in
one service (six outcome and four alliance ratings each; one in twenty stops after the
first outcome session), as the report's one query hands them over (person id, instrument,
session, total cast to float in SQL).

Prints, measured side by side in one run:
- the median time of the service report (laget.outcomes.stats.columns_from_rows, then
  service_figures: first/last per person, reliable change, recovery, effect size, dropout,
  suppression), which is what the report page, CSV and XLSX run after their one query;
- the median time of a bare NumPy computation of the same figures from ready-made arrays
  (lexsort, boundaries, bincount), and the ratio of the two;
- the analysis alone (from the same ready-made arrays) and its ratio, to show where the
  time goes;
- the peak memory of one report (tracemalloc, which sees NumPy's buffers).

Target: ratio <= 3.

    .venv/bin/python bench/outcome_report.py           # 21 rounds
    .venv/bin/python bench/outcome_report.py --quick   # 5 rounds

The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from laget.outcomes.instruments import INSTRUMENTS
from laget.outcomes.stats import Columns, columns_from_rows, service_figures

PERSONS = 5_000
OUTCOME_SESSIONS, ALLIANCE_SESSIONS = 6, 4


def synthetic_rows(seed: int = 17) -> list[tuple]:
    rng = np.random.default_rng(seed)
    rows: list[tuple] = []
    intake = np.clip(rng.normal(19, 6, PERSONS), 0, 40)
    gain = rng.normal(5, 6, PERSONS)
    for p in range(PERSONS):
        sessions = OUTCOME_SESSIONS if p % 20 else 1
        for s in range(1, OUTCOME_SESSIONS + 1):
            if s > sessions:  # the dropout's outcome sessions become alliance ratings
                continue
            total = float(np.clip(intake[p] + gain[p] * (s - 1) / 5 + rng.normal(0, 2), 0, 40))
            rows.append((1000 + p, "outcome", s, round(total, 1)))
        for s in range(1, ALLIANCE_SESSIONS + 1 + (OUTCOME_SESSIONS - sessions)):
            total = float(np.clip(rng.normal(36, 3), 0, 40))
            rows.append((1000 + p, "alliance", s, round(total, 1)))
    return rows


def arrays(rows: list[tuple]) -> tuple[np.ndarray, ...]:
    """Ready-made arrays for the reference (not timed)."""
    person = np.array([r[0] for r in rows], dtype=np.int64)
    instrument = np.array([0 if r[1] == "alliance" else 1 for r in rows], dtype=np.int64)
    order = np.array([r[2] for r in rows], dtype=np.int64)
    total = np.array([r[3] for r in rows], dtype=np.float64)
    return person, instrument, order, total


def reference(person, instrument, order, total) -> dict[int, tuple]:  # type: ignore[no-untyped-def]
    """The same figures per instrument (0 alliance, 1 outcome), bare NumPy."""
    sign = np.array([1.0, 1.0])
    cutoff = np.array([36.0, 25.0])
    rc = np.array([5.0, 5.0])
    idx = np.lexsort((order, person, instrument))
    p, i = person[idx], instrument[idx]
    start = np.flatnonzero(np.r_[True, (p[1:] != p[:-1]) | (i[1:] != i[:-1])])
    end = np.r_[start[1:], len(idx)] - 1
    first, last, count, ins = total[idx[start]], total[idx[end]], end - start + 1, i[start]
    done = count >= 2
    better = np.where(done, np.round(sign[ins] * (last - first), 6), 0.0)
    up = done & (better >= rc[ins])
    down = done & (-better >= rc[ins])
    inside_first, inside_last = first < cutoff[ins], last < cutoff[ins]
    recovered = up & inside_first & ~inside_last
    out = {}
    for k in (0, 1):
        m = ins == k
        n = m.sum()
        d = m & done
        sd = np.std(first[d], ddof=1)
        out[k] = (
            int(n),
            100.0 * up[m].sum() / n,
            100.0 * down[m].sum() / n,
            100.0 * recovered[m].sum() / n,
            float(better[d].mean() / sd),
            100.0 * (m & ~done).sum() / n,
        )
    return out


def interleaved_medians(fns, rounds: int) -> list[float]:  # type: ignore[no-untyped-def]
    """Median seconds of each function, run in turn each round, so a busy machine slows
    them alike (the ratio is what counts)."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for slot, fn in zip(times, fns, strict=True):
            start = time.perf_counter()
            fn()
            slot.append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rounds = 5 if args.quick else 21
    rows = synthetic_rows()
    assert len(rows) == PERSONS * (OUTCOME_SESSIONS + ALLIANCE_SESSIONS), len(rows)
    person, instrument, order, total = arrays(rows)
    assert set(INSTRUMENTS["alliance"].items) and INSTRUMENTS["outcome"].cutoff == 25

    def report() -> list[dict]:
        return service_figures(columns_from_rows(rows, "DPS"))

    # The two agree on every figure before anything is timed.
    ours = {r["instrument"]: r for r in report()}
    ref = reference(person, instrument, order, total)
    for k, key in ((0, "alliance"), (1, "outcome")):
        r = ours[key]
        got = (r["n"], r["improved_pct"], r["deteriorated_pct"], r["recovered_pct"],
               r["effect_size"], r["dropout_pct"])  # fmt: skip
        assert all(abs(a - b) < 1e-9 for a, b in zip(got, ref[k], strict=True)), (key, got, ref[k])

    prepared = columns_from_rows(rows, "DPS")
    columns = Columns(
        prepared.person, prepared.service, prepared.instrument, prepared.order,
        prepared.total, prepared.person_names, prepared.service_names, prepared.instrument_keys,
    )  # fmt: skip
    full, analysis, bare = interleaved_medians(
        [
            report,
            lambda: service_figures(columns),
            lambda: reference(person, instrument, order, total),
        ],
        rounds,
    )
    tracemalloc.start()
    report()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures = {
        "ratings": len(rows),
        "persons": PERSONS,
        "rounds": rounds,
        "report_s": round(full, 4),
        "analysis_only_s": round(analysis, 4),
        "numpy_reference_s": round(bare, 4),
        "ratio": round(full / bare, 2),
        "analysis_ratio": round(analysis / bare, 2),
        "peak_mb": round(peak / 1e6, 1),
    }
    print(
        f"service report {full * 1000:.1f} ms (analysis alone {analysis * 1000:.1f} ms) | "
        f"bare NumPy {bare * 1000:.1f} ms | ratio {full / bare:.2f} "
        f"(analysis {analysis / bare:.2f}) | peak {peak / 1e6:.1f} MB | {len(rows):,} ratings"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
