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
# Ties get a slot per respondent × group (no sort) unless that wastes more than this.
DENSE_TIES_LIMIT = 1_000_000
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


def rwg_j(item_matrix: np.ndarray) -> float | None:
    """Within-group agreement r_wg(J) against the uniform null (James, Demaree & Wolf),
    for one group: respondents × items, NaN where not answered (the analysis computes the
    same for every cell at once, with _rwg)."""
    answered = ~np.isnan(item_matrix)
    count = answered.sum(axis=0)
    values = np.where(answered, item_matrix, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = values.sum(axis=0) / count
        var = ((values - mean) ** 2 * answered).sum(axis=0) / (count - 1)
    rwg, j = _rwg(count[None, :], var[None, :])
    return float(rwg[0]) if j[0] else None


def _rwg(item_count: np.ndarray, item_var: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """r_wg(J) per row (cell) from per-item answer counts and variances: items with two or
    more answers count; agreement below the null is 0. Also returns J per row (0: none)."""
    valid = item_count >= 2
    j = valid.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(valid, item_var, 0.0).sum(axis=1) / np.maximum(j, 1)
        ratio = ratio / UNIFORM_NULL_VARIANCE
        rwg = np.where(ratio >= 1, 0.0, j * (1 - ratio) / (j * (1 - ratio) + ratio))
    return rwg, j


def cronbach_alpha(item_matrix: np.ndarray) -> float | None:
    """Cronbach's α over the rows with every item answered (listwise); respondents ×
    items, NaN where not answered."""
    complete = ~np.isnan(item_matrix).any(axis=1)
    return _alpha(np.nan_to_num(item_matrix).T, complete)


def icc(groups: list[np.ndarray]) -> tuple[float | None, float | None]:
    """ICC(1) and ICC(2) from a one-way ANOVA with unequal group sizes (Bliese)."""
    codes = np.concatenate([np.full(len(g), i) for i, g in enumerate(groups)] or [np.zeros(0)])
    values = np.concatenate([np.asarray(g, dtype=float) for g in groups] or [np.zeros(0)])
    return _icc_arrays(codes.astype(np.int64), values)


@dataclass(frozen=True)
class Columns:
    """Answers as parallel arrays (one entry per answered item): integer codes for the
    respondent, their group, the rated group and the item (an index into ITEMS), and the
    scored value. `groups` names the group codes."""

    respondent: np.ndarray
    rater: np.ndarray
    target: np.ndarray
    item: np.ndarray
    value: np.ndarray
    groups: list[str]


def columns_from(answers: Iterable[Answer]) -> Columns:
    rows = list(answers)
    index = {item: i for i, item in enumerate(ITEMS)}
    groups = sorted({a.rater for a in rows} | {a.target for a in rows})
    code = {g: i for i, g in enumerate(groups)}
    respondents: dict[str, int] = {}
    return Columns(
        respondent=np.array(
            [respondents.setdefault(a.respondent, len(respondents)) for a in rows], dtype=np.int64
        ),
        rater=np.array([code[a.rater] for a in rows], dtype=np.int64),
        target=np.array([code[a.target] for a in rows], dtype=np.int64),
        item=np.array([index[a.item] for a in rows], dtype=np.int64),
        value=np.array([a.value for a in rows], dtype=float),
        groups=groups,
    )


def analyse(answers: Iterable[Answer], *, min_n: int = DEFAULT_MIN_N) -> dict:
    """The whole analysis as plain data (see the rc_analyze command for the format)."""
    return analyse_columns(columns_from(answers), min_n=min_n)


def _group_mean(keys: np.ndarray, values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Per key: how many non-NaN values, and their mean (NaN where none)."""
    ok = ~np.isnan(values)
    count = np.bincount(keys[ok], minlength=size)
    total = np.bincount(keys[ok], weights=values[ok], minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return count, np.where(count > 0, total / np.maximum(count, 1), np.nan)


def analyse_columns(data: Columns, *, min_n: int = DEFAULT_MIN_N) -> dict:
    """The analysis over columnar answers, with array operations throughout: bincount
    group-bys over the answers (per tie, per cell, per cell and item) and one item matrix
    for Cronbach's α. No Python loop touches an answer."""
    min_n = max(min_n, ABSOLUTE_MIN_N)
    g, k, size = len(data.groups), len(ITEMS), len(data.groups) ** 2
    n_comm = len(COMMUNICATION)
    # The tie (respondent × rated group) of each answer. Respondent codes are dense, so
    # the tie's number is respondent × groups + target, unless that would make the
    # per-tie arrays much longer than the answers themselves.
    key = data.respondent * g
    key += data.target  # in place: one large array fewer to allocate
    slots = (int(data.respondent.max()) + 1) * g if len(key) else 0
    tie: np.ndarray
    tie_key: np.ndarray
    if slots <= 4 * len(key) + DENSE_TIES_LIMIT:
        tie, tie_key = key, np.arange(slots, dtype=np.int64)
    else:
        unique = np.unique(key, return_inverse=True)
        tie_key, tie = unique[0], unique[1]
        slots = len(tie_key)
    # Item-major matrices over all ties: the values (zeros where not answered) and 1.0
    # where answered. Item-major keeps each item's column contiguous for the group-bys;
    # row sums are matrix products.
    flat = data.item * slots
    flat += tie
    filled = np.zeros((k, slots))
    filled.ravel()[flat] = data.value
    answered = filled != 0  # scores are 1-5: zero means not answered
    tie_rater = np.full(slots, -1, dtype=np.int64)
    tie_rater[tie] = data.rater
    ones = np.ones(k)
    tie_n = answered.sum(axis=0, dtype=np.float64)
    tie_sum = ones @ filled
    comm_n = answered[:n_comm].sum(axis=0, dtype=np.float64)
    comm_sum = ones[:n_comm] @ filled[:n_comm]
    base_cell = tie_rater * g + tie_key % g  # -1 × g … for ties nobody answered
    present = np.bincount(base_cell[tie_rater >= 0], minlength=size).nonzero()[0]
    keep = tie_n >= MIN_ITEMS
    # Ties left out go to an extra bin (number `size`) that is dropped.
    tie_cell = np.where(keep, base_cell, size)
    bins = size + 1
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(keep, tie_sum / np.maximum(tie_n, 1), 0.0)
        communication = np.where(comm_n > 0, comm_sum / comm_n, np.nan)
        relationship = np.where(tie_n > comm_n, (tie_sum - comm_sum) / (tie_n - comm_n), np.nan)
        n = np.bincount(tie_cell, minlength=bins).astype(float)
        total = np.bincount(tie_cell, weights=score, minlength=bins)
        squares = np.bincount(tie_cell, weights=score * score, minlength=bins)
        rc = np.where(n > 0, total / n, np.nan)
        rc_var = np.where(
            n >= 2, np.maximum(squares - total * rc, 0.0) / np.maximum(n - 1, 1), np.nan
        )
    _, comm_mean = _group_mean(tie_cell, communication, bins)
    _, rel_mean = _group_mean(tie_cell, relationship, bins)
    # Per cell and item: count, mean and variance of the answers. One pass (sums of
    # squares): the values are small scores, so the subtraction loses nothing that
    # matters; variances are clipped at zero.
    item_count = np.empty((bins, k))
    item_sum = np.empty((bins, k))
    item_squares = np.empty((bins, k))
    for i in range(k):
        item_count[:, i] = np.bincount(tie_cell[answered[i]], minlength=bins)
        item_sum[:, i] = np.bincount(tie_cell, weights=filled[i], minlength=bins)
        item_squares[:, i] = np.bincount(tie_cell, weights=filled[i] * filled[i], minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        item_mean = np.where(item_count > 0, item_sum / item_count, np.nan)
        item_var = np.where(
            item_count >= 2,
            np.maximum(item_squares - item_sum * item_mean, 0.0) / np.maximum(item_count - 1, 1),
            np.nan,
        )
    kept = np.flatnonzero(keep)
    cell = tie_cell[kept]
    rater, target = cell // g, cell % g
    score = score[kept]
    # r_wg(J) per cell: items with two or more answers, against the uniform null.
    rwg, j = _rwg(item_count, item_var)
    labels = data.groups
    order = sorted(present.tolist(), key=lambda c: (labels[c // g], labels[c % g]))
    visible = np.zeros(size, dtype=bool)
    visible[order] = n[order] >= min_n
    # Plain Python numbers for the cells' dictionaries (indexing NumPy scalars one by one
    # would cost more than the statistics).
    n_of, rc_of, var_of = n.tolist(), rc.tolist(), rc_var.tolist()
    comm_of, rel_of, rwg_of, j_of = comm_mean.tolist(), rel_mean.tolist(), rwg.tolist(), j.tolist()
    means_of, counts_of = item_mean.tolist(), item_count.tolist()
    cells = []
    for c in order:
        count = int(n_of[c])
        entry: dict = {"rater": labels[c // g], "target": labels[c % g], "n": count}
        if count < min_n:
            entry["suppressed"] = True
            cells.append(entry)
            continue
        mean = rc_of[c]
        half = t_quantile_975(count - 1) * math.sqrt(max(var_of[c], 0.0) / count)
        means, counts = means_of[c], counts_of[c]
        entry.update(
            suppressed=False,
            rc=mean,
            communication=comm_of[c],
            relationship=rel_of[c],
            dimensions={name: (means[i] if counts[i] else None) for i, name in enumerate(ITEMS)},
            ci95=[mean - half, mean + half],
            rwg=rwg_of[c] if j_of[c] else None,
        )
        cells.append(entry)
    # Within and between: respondents' tie scores in visible cells only.
    shown = visible[cell]
    same = rater == target
    within, between = score[shown & same], score[shown & ~same]
    # ICC over rating groups: each respondent's mean tie score, in their own group.
    respondent = tie_key[kept] // g
    person_n = np.bincount(respondent)
    person_sum = np.bincount(respondent, weights=score)
    person_group = np.zeros(len(person_n), dtype=np.int64)
    person_group[respondent] = rater
    people = person_n > 0
    icc1, icc2 = _icc_arrays(person_group[people], person_sum[people] / person_n[people])
    return {
        "min_n": min_n,
        "cells": cells,
        "within": float(within.mean()) if len(within) else None,
        "between": float(between.mean()) if len(between) else None,
        "icc1": icc1,
        "icc2": icc2,
        "alpha": {
            "rc": _alpha(filled, tie_n == k),
            "communication": _alpha(filled[:n_comm], comm_n == n_comm),
            "relationship": _alpha(filled[n_comm:], tie_n - comm_n == k - n_comm),
        },
    }


def _alpha(items: np.ndarray, complete: np.ndarray) -> float | None:
    """Cronbach's α over the complete rows (`items` is item-major), from their covariance
    matrix: the complete rows are weighted in rather than copied out, so it costs one
    product of the item matrix with itself."""
    k = items.shape[0]
    weight = complete.astype(float)
    n = float(weight.sum())
    if k < 2 or n < 2:
        return None
    weighted = items * weight
    sums = weighted.sum(axis=1)
    products = weighted @ items.T
    cov = (products - np.outer(sums, sums) / n) / (n - 1)
    total = float(cov.sum())
    if total <= 1e-12:
        return None
    return k / (k - 1) * (1 - float(np.trace(cov)) / total)


def _icc_arrays(group: np.ndarray, values: np.ndarray) -> tuple[float | None, float | None]:
    """ICC(1) and ICC(2) from group codes and values, by bincount."""
    codes, of = np.unique(group, return_inverse=True)
    g_count, n_total = len(codes), len(values)
    if g_count < 2 or n_total <= g_count:
        return None, None
    sizes = np.bincount(of)
    means = np.bincount(of, weights=values) / sizes
    grand = float(values.mean())
    ms_between = float((sizes * (means - grand) ** 2).sum()) / (g_count - 1)
    ms_within = float(((values - means[of]) ** 2).sum()) / (n_total - g_count)
    k0 = (n_total - float((sizes**2).sum()) / n_total) / (g_count - 1)
    denominator = ms_between + (k0 - 1) * ms_within
    icc1 = (ms_between - ms_within) / denominator if denominator else None
    icc2 = (ms_between - ms_within) / ms_between if ms_between else None
    return icc1, icc2
