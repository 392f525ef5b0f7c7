"""Relational coordination analysis: pure functions (NumPy, no ORM), see domain.md.

Input is long-format answers: (respondent, rater_group, target_group, item, value) with
values already scored 1-5 (the frequency item scored by "right amount"). A respondent's
tie score is the mean of the items they answered for that tie, if at least MIN_ITEMS of
the seven; otherwise the tie is left out.

Anonymity: a cell with fewer than min_n respondents (never below ABSOLUTE_MIN_N) is
suppressed, and so are the totals it would otherwise feed (within/between means are taken
over visible cells only), so no hidden cell can be recovered by subtraction.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

ITEMS = (
    "frequent",
    "timely",
    "accurate",
    "problem_solving",
    "shared_goals",
    "shared_knowledge",
    "mutual_respect",
)
COMMUNICATION = ITEMS[:4]
RELATIONSHIP = ITEMS[4:]
MIN_ITEMS = 4
DEFAULT_MIN_N = 5
ABSOLUTE_MIN_N = 3
UNIFORM_NULL_VARIANCE = (5**2 - 1) / 12  # (A² − 1) / 12 for a 5-point scale = 2


@dataclass(frozen=True)
class Answer:
    respondent: str
    rater: str
    target: str
    item: str
    value: float


def t_quantile_975(df: int) -> float:
    """The 97.5 % quantile of Student's t with `df` degrees of freedom (Cornish-Fisher
    expansion around the normal; within 0.002 of the exact value from df = 3 up)."""
    exact = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306}
    if df in exact:
        return exact[df]
    z = 1.959964
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
    )


def ci95(values: np.ndarray) -> tuple[float, float] | None:
    n = len(values)
    if n < 2:
        return None
    mean = float(values.mean())
    half = t_quantile_975(n - 1) * float(values.std(ddof=1)) / math.sqrt(n)
    return (mean - half, mean + half)


def rwg_j(item_matrix: np.ndarray) -> float | None:
    """Within-group agreement r_wg(J) against the uniform null (James, Demaree & Wolf).

    `item_matrix`: respondents × items, NaN where not answered. Items with fewer than two
    answers are left out; agreement below the null is reported as 0.
    """
    variances = []
    for column in item_matrix.T:
        answered = column[~np.isnan(column)]
        if len(answered) >= 2:
            variances.append(float(answered.var(ddof=1)))
    if not variances:
        return None
    j = len(variances)
    ratio = float(np.mean(variances)) / UNIFORM_NULL_VARIANCE
    if ratio >= 1:
        return 0.0
    return j * (1 - ratio) / (j * (1 - ratio) + ratio)


def cronbach_alpha(item_matrix: np.ndarray) -> float | None:
    """Cronbach's α over the rows with every item answered (listwise)."""
    complete = item_matrix[~np.isnan(item_matrix).any(axis=1)]
    k = complete.shape[1]
    if k < 2 or len(complete) < 2:
        return None
    total_variance = float(complete.sum(axis=1).var(ddof=1))
    if total_variance == 0:
        return None
    return k / (k - 1) * (1 - float(complete.var(axis=0, ddof=1).sum()) / total_variance)


def icc(groups: list[np.ndarray]) -> tuple[float | None, float | None]:
    """ICC(1) and ICC(2) from a one-way ANOVA with unequal group sizes (Bliese)."""
    groups = [g for g in groups if len(g) > 0]
    g_count = len(groups)
    n_total = sum(len(g) for g in groups)
    if g_count < 2 or n_total <= g_count:
        return None, None
    grand = float(np.concatenate(groups).mean())
    ss_between = sum(len(g) * (float(g.mean()) - grand) ** 2 for g in groups)
    ss_within = sum(float(((g - g.mean()) ** 2).sum()) for g in groups)
    ms_between = ss_between / (g_count - 1)
    ms_within = ss_within / (n_total - g_count)
    k0 = (n_total - sum(len(g) ** 2 for g in groups) / n_total) / (g_count - 1)
    denominator = ms_between + (k0 - 1) * ms_within
    icc1 = (ms_between - ms_within) / denominator if denominator else None
    icc2 = (ms_between - ms_within) / ms_between if ms_between else None
    return icc1, icc2


def _nanmean_rows(matrix: np.ndarray) -> np.ndarray:
    counts = (~np.isnan(matrix)).sum(axis=1)
    sums = np.nansum(matrix, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def analyse(answers: Iterable[Answer], *, min_n: int = DEFAULT_MIN_N) -> dict:
    """The whole analysis as plain data (see the rc_analyze command for the format)."""
    min_n = max(min_n, ABSOLUTE_MIN_N)
    index = {item: i for i, item in enumerate(ITEMS)}
    # (rater, target) -> respondent -> item values
    ties: dict[tuple[str, str], dict[str, np.ndarray]] = defaultdict(dict)
    for a in answers:
        row = ties[(a.rater, a.target)].setdefault(a.respondent, np.full(len(ITEMS), np.nan))
        row[index[a.item]] = a.value
    cells = []
    per_respondent: dict[str, list[float]] = defaultdict(list)
    respondent_group: dict[str, str] = {}
    tie_rows: list[np.ndarray] = []
    visible: dict[str, list[float]] = {"within": [], "between": []}
    for (rater, target), by_respondent in sorted(ties.items()):
        rows = np.array(
            [r for r in by_respondent.values() if (~np.isnan(r)).sum() >= MIN_ITEMS]
        ).reshape(-1, len(ITEMS))
        for respondent, r in by_respondent.items():
            if (~np.isnan(r)).sum() >= MIN_ITEMS:
                per_respondent[respondent].append(float(np.nanmean(r)))
                respondent_group[respondent] = rater
        tie_rows.extend(rows)
        n = len(rows)
        cell: dict = {"rater": rater, "target": target, "n": n}
        if n < min_n:
            cell["suppressed"] = True
            cells.append(cell)
            continue
        scores = _nanmean_rows(rows)
        communication = _nanmean_rows(rows[:, : len(COMMUNICATION)])
        relationship = _nanmean_rows(rows[:, len(COMMUNICATION) :])
        interval = ci95(scores)
        cell.update(
            suppressed=False,
            rc=float(scores.mean()),
            communication=float(np.nanmean(communication)),
            relationship=float(np.nanmean(relationship)),
            dimensions={
                item: (float(np.nanmean(rows[:, i])) if (~np.isnan(rows[:, i])).any() else None)
                for i, item in enumerate(ITEMS)
            },
            ci95=list(interval) if interval else None,
            rwg=rwg_j(rows),
        )
        cells.append(cell)
        visible["within" if rater == target else "between"].extend(scores.tolist())
    groups: dict[str, list[float]] = defaultdict(list)
    for respondent, scores_list in per_respondent.items():
        groups[respondent_group[respondent]].append(float(np.mean(scores_list)))
    icc1, icc2 = icc([np.array(v) for _, v in sorted(groups.items())])
    all_rows = np.array(tie_rows).reshape(-1, len(ITEMS))
    return {
        "min_n": min_n,
        "cells": cells,
        "within": float(np.mean(visible["within"])) if visible["within"] else None,
        "between": float(np.mean(visible["between"])) if visible["between"] else None,
        "icc1": icc1,
        "icc2": icc2,
        "alpha": {
            "rc": cronbach_alpha(all_rows),
            "communication": cronbach_alpha(all_rows[:, : len(COMMUNICATION)]),
            "relationship": cronbach_alpha(all_rows[:, len(COMMUNICATION) :]),
        },
    }
