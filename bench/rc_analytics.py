"""Relational coordination analysis at scale: a synthetic round of 10,000 respondents in
40 groups (1,600 cells, seven dimensions, 2.8 million answered items, a few left blank).

Prints, measured side by side in one run:
- the median time of the full analysis (laget.surveys.analysis.analyse_columns: cells with
  n, means, subscales, CI, r_wg, within/between, ICC(1)/(2), α, suppression);
- the median time of a minimal NumPy reference that computes the same cell means (the RC
  index and the seven dimension means per cell) with bincount, and the ratio of the two;
- the peak memory of one full analysis (tracemalloc, which sees NumPy's buffers).

Targets: full analysis <= 2 s, ratio <= 3, peak <= 500 MB.

    .venv/bin/python bench/rc_analytics.py           # 7 rounds
    .venv/bin/python bench/rc_analytics.py --quick   # 3 rounds, well within 60 seconds

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

from laget.surveys.analysis import ITEMS, MIN_ITEMS, Columns, analyse_columns

RESPONDENTS = 10_000
GROUPS = 40


def synthetic_round(seed: int = 7) -> Columns:
    rng = np.random.default_rng(seed)
    k = len(ITEMS)
    group_of = rng.integers(0, GROUPS, RESPONDENTS)
    respondent = np.repeat(np.arange(RESPONDENTS), GROUPS * k)
    target = np.tile(np.repeat(np.arange(GROUPS), k), RESPONDENTS)
    item = np.tile(np.arange(k), RESPONDENTS * GROUPS)
    rater = group_of[respondent]
    # Within-group ties stronger, one weak group, noise; about 3 % left blank.
    base = 3.4 + 0.6 * (rater == target) - 0.8 * (target == 0)
    value = np.clip(np.rint(base + rng.normal(0, 0.8, len(item))), 1, 5)
    answered = rng.random(len(item)) > 0.03
    return Columns(
        respondent=respondent[answered],
        rater=rater[answered],
        target=target[answered],
        item=item[answered],
        value=value[answered],
        groups=[f"Gruppe {i:02d}" for i in range(GROUPS)],
    )


def reference_cell_means(data: Columns) -> tuple[np.ndarray, np.ndarray]:
    """The cell means the heat matrix shows, and nothing else: the RC index per cell and
    the mean of each of the seven dimensions per cell, by bincount."""
    g, k = len(data.groups), len(ITEMS)
    tie = data.respondent * g + data.target
    slots = RESPONDENTS * g
    count = np.bincount(tie, minlength=slots)
    total = np.bincount(tie, weights=data.value, minlength=slots)
    rater = np.zeros(slots, dtype=np.int64)
    rater[tie] = data.rater
    keep = count >= MIN_ITEMS
    tie_cell = np.where(keep, rater * g + np.arange(slots) % g, -1)
    cell = tie_cell[keep]
    score = total[keep] / count[keep]
    n = np.bincount(cell, minlength=g * g)
    rc = np.bincount(cell, weights=score, minlength=g * g) / np.maximum(n, 1)
    answer_cell = tie_cell[tie]
    kept = answer_cell >= 0
    key = answer_cell[kept] * k + data.item[kept]
    item_n = np.bincount(key, minlength=g * g * k)
    item_sum = np.bincount(key, weights=data.value[kept], minlength=g * g * k)
    return rc, (item_sum / np.maximum(item_n, 1)).reshape(g * g, k)


def median_seconds(fn, rounds: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rounds = 3 if args.quick else 7
    data = synthetic_round()
    # The two agree on every cell before anything is timed.
    result = analyse_columns(data)
    reference_rc, reference_items = reference_cell_means(data)
    g = len(data.groups)
    index = {name: i for i, name in enumerate(data.groups)}
    for cell in result["cells"]:
        c = index[cell["rater"]] * g + index[cell["target"]]
        assert abs(cell["rc"] - reference_rc[c]) < 1e-9, cell
        for i, item in enumerate(ITEMS):
            assert abs(cell["dimensions"][item] - reference_items[c, i]) < 1e-9, cell
    assert len(result["cells"]) == g * g

    full = median_seconds(lambda: analyse_columns(data), rounds)
    minimal = median_seconds(lambda: reference_cell_means(data), rounds)
    tracemalloc.start()
    analyse_columns(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures = {
        "respondents": RESPONDENTS,
        "groups": GROUPS,
        "cells": g * g,
        "answers": len(data.value),
        "rounds": rounds,
        "full_analysis_s": round(full, 3),
        "reference_s": round(minimal, 3),
        "ratio": round(full / minimal, 2),
        "peak_mb": round(peak / 1e6, 1),
    }
    print(
        f"full analysis {full:.3f} s | NumPy reference {minimal:.3f} s | ratio "
        f"{full / minimal:.2f} | peak {peak / 1e6:.0f} MB | {len(data.value):,} answers"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
