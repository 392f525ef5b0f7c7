"""The results' comparisons and team-level scores, against hand-computed values."""

from __future__ import annotations

import math
import statistics

import pytest

from laget.surveys.analysis import t_quantile_975
from laget.surveys.report import band, change, compare, group_scores, reciprocity, weakest


def cell(rater, target, values, dims=None):
    n = len(values)
    mean = statistics.mean(values)
    half = t_quantile_975(n - 1) * statistics.stdev(values) / math.sqrt(n)
    return {
        "rater": rater,
        "target": target,
        "n": n,
        "suppressed": False,
        "rc": mean,
        "ci95": [mean - half, mean + half],
        "dimensions": dims or {},
    }


def test_compare_is_welch_by_hand():
    a = cell("A", "B", [4.0, 4.5, 5.0, 4.0, 4.5])
    b = cell("B", "A", [2.0, 3.0, 2.5, 3.0, 2.0, 2.5])
    got = compare(a, b)
    va, vb = (
        statistics.variance([4.0, 4.5, 5.0, 4.0, 4.5]) / 5,
        statistics.variance([2.0, 3.0, 2.5, 3.0, 2.0, 2.5]) / 6,
    )
    df = (va + vb) ** 2 / (va**2 / 4 + vb**2 / 5)
    half = t_quantile_975(int(df)) * math.sqrt(va + vb)
    assert got["difference"] == pytest.approx(4.4 - 2.5)
    assert got["ci95"] == [pytest.approx(1.9 - half), pytest.approx(1.9 + half)]
    assert got["clear"] is True


def test_reciprocity_needs_both_directions_visible_and_sorts_by_the_gap():
    cells = [
        cell("A", "B", [4.0, 4.5, 5.0]),
        cell("B", "A", [2.0, 3.0, 2.5]),
        cell("A", "C", [3.0, 3.5, 4.0]),
        {"rater": "C", "target": "A", "n": 2, "suppressed": True},
    ]
    pairs = reciprocity(cells)
    assert [(p["a"], p["b"]) for p in pairs] == [("A", "B")]


def test_weakest_ties_name_the_dimensions_below_their_own_index():
    dims = {"frequent": 2.0, "timely": 3.5, "accurate": 3.9, "mutual_respect": 2.5}
    cells = [
        cell("A", "B", [3.0, 3.0, 3.2], dims),
        cell("A", "A", [1.0, 1.0, 1.2]),
        cell("B", "A", [4.0, 4.2, 4.4]),
    ]
    (first, second) = weakest(cells, count=2)
    assert (first["rater"], first["target"]) == ("A", "B")
    assert first["pulling_down"] == ["frequent", "mutual_respect"]
    assert second["target"] == "A" and second["rater"] == "B"


def test_change_only_where_both_rounds_show_the_tie():
    now = [cell("A", "B", [4.0, 4.0, 4.5]), cell("B", "A", [3.0, 3.5, 3.0])]
    before = [
        cell("A", "B", [3.0, 3.0, 3.5]),
        {"rater": "B", "target": "A", "n": 2, "suppressed": True},
    ]
    out = change(now, before)
    assert [(c["rater"], c["target"]) for c in out] == [("A", "B")]
    assert out[0]["difference"] == pytest.approx(1.0)
    assert change(now, None) == []


def test_group_scores_hide_small_groups_and_leave_them_out_of_the_total():
    rows = []
    for person, group, value in [
        ("p1", "Big", 4),
        ("p2", "Big", 5),
        ("p3", "Big", 3),
        ("p4", "Small", 1),
        ("p5", "Small", 1),
    ]:
        rows += [
            (person, group, "information", float(value)),
            (person, group, "knowing", float(value)),
        ]
    out = group_scores(rows, ("information", "knowing"), min_n=3)
    big, small = out["groups"]
    assert big["mean"] == pytest.approx(4.0) and big["items"]["information"] == pytest.approx(4.0)
    assert small == {"group": "Small", "n": 2, "suppressed": True}
    assert out["all"]["n"] == 3 and out["all"]["mean"] == pytest.approx(4.0)  # without Small
    assert group_scores(rows, ("information",), min_n=1)["groups"][1]["suppressed"]  # never below 3


def test_bands():
    assert [band(x) for x in (None, 3.2, 3.5, 4.0, 4.2)] == [
        "none",
        "weak",
        "moderate",
        "moderate",
        "strong",
    ]
