"""The statistics, against hand-computed values and a plain-loop version written here."""

from __future__ import annotations

import json
import math
import random
import statistics

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from laget.surveys.analysis import (
    ITEMS,
    Answer,
    analyse,
    cronbach_alpha,
    icc,
    rwg_j,
    t_quantile_975,
)


def answers_for(respondent, rater, target, values):  # type: ignore[no-untyped-def]
    return [
        Answer(respondent, rater, target, item, v)
        for item, v in zip(ITEMS, values, strict=False)
        if v is not None
    ]


# --- plain-loop references -------------------------------------------------------------


def loop_mean(xs):  # type: ignore[no-untyped-def]
    return sum(xs) / len(xs)


def loop_var(xs):  # type: ignore[no-untyped-def]
    m = loop_mean(xs)
    return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)


def loop_alpha(rows):  # type: ignore[no-untyped-def]
    k = len(rows[0])
    item_vars = [loop_var([r[i] for r in rows]) for i in range(k)]
    total = loop_var([sum(r) for r in rows])
    return k / (k - 1) * (1 - sum(item_vars) / total)


def loop_icc(groups):  # type: ignore[no-untyped-def]
    all_values = [x for g in groups for x in g]
    grand, n_total, g_count = loop_mean(all_values), len(all_values), len(groups)
    msb = sum(len(g) * (loop_mean(g) - grand) ** 2 for g in groups) / (g_count - 1)
    msw = sum((x - loop_mean(g)) ** 2 for g in groups for x in g) / (n_total - g_count)
    k0 = (n_total - sum(len(g) ** 2 for g in groups) / n_total) / (g_count - 1)
    return (msb - msw) / (msb + (k0 - 1) * msw), (msb - msw) / msb


# --- hand-computed values -------------------------------------------------------------


def test_t_quantiles_match_the_table():
    for df, exact in [(1, 12.706), (4, 2.776), (9, 2.262), (20, 2.086), (60, 2.000), (1000, 1.962)]:
        assert abs(t_quantile_975(df) - exact) < 0.003, df


def test_rwg_hand_computed():
    # Two items, each with variance 1/3 (4,5,4,5 and 3,4,4,3) → mean variance / 2 = 1/6;
    # rwg(2) = 2·(5/6) / (2·(5/6) + 1/6) = 10/11.
    matrix = np.array([[4, 3], [5, 4], [4, 4], [5, 3]], dtype=float)
    assert rwg_j(matrix) == pytest.approx(10 / 11)
    assert rwg_j(np.array([[5, 5], [5, 5]], dtype=float)) == 1.0  # zero variance: full agreement
    assert rwg_j(np.array([[1, 1], [5, 5]], dtype=float)) == 0.0  # worse than chance → 0
    assert rwg_j(np.array([[4, 3]], dtype=float)) is None  # n = 1


def test_alpha_and_icc_against_the_loops():
    rows = [[4, 5, 4], [3, 3, 2], [5, 5, 5], [2, 3, 3], [4, 4, 5]]
    assert cronbach_alpha(np.array(rows, dtype=float)) == pytest.approx(loop_alpha(rows))
    assert cronbach_alpha(np.array([[3, 3], [3, 3]], dtype=float)) is None  # zero variance
    groups = [[4.0, 4.5, 5.0], [2.0, 2.5], [3.0, 3.5, 3.0, 4.0]]
    got = icc([np.array(g) for g in groups])
    expected = loop_icc(groups)
    assert got[0] == pytest.approx(expected[0]) and got[1] == pytest.approx(expected[1])
    assert icc([np.array([3.0])]) == (None, None)


def test_a_cell_with_missing_answers_and_the_four_item_rule():
    answers = []
    for i in range(5):
        answers += answers_for(f"r{i}", "DPS", "NAV", [4, 4, 3, 4, 5, None, None])
    answers += answers_for("few", "DPS", "NAV", [1, 1, 1, None, None, None, None])  # 3 items: out
    result = analyse(answers)
    cell = result["cells"][0]
    assert cell["n"] == 5 and not cell["suppressed"]
    assert cell["rc"] == pytest.approx(4.0)
    assert cell["communication"] == pytest.approx(3.75)
    assert cell["relationship"] == pytest.approx(5.0)
    assert cell["dimensions"]["shared_knowledge"] is None
    assert cell["ci95"] == [pytest.approx(4.0), pytest.approx(4.0)]  # zero variance
    assert cell["rwg"] == 1.0


# --- anonymity -----------------------------------------------------------------------


def test_small_cells_are_suppressed_and_cannot_be_recovered_from_totals():
    answers = []
    for i in range(6):
        answers += answers_for(f"a{i}", "GP", "DPS", [2] * 7)
    for i in range(2):
        answers += answers_for(f"b{i}", "NAV", "DPS", [5] * 7)  # only two: hidden
    result = analyse(answers, min_n=5)
    hidden = next(c for c in result["cells"] if c["rater"] == "NAV")
    assert hidden == {"rater": "NAV", "target": "DPS", "n": 2, "suppressed": True}
    # The between-group mean covers visible cells only, so n·mean differences reveal nothing.
    assert result["between"] == pytest.approx(2.0)


def test_threshold_never_below_three():
    answers = []
    for i in range(2):
        answers += answers_for(f"x{i}", "A", "B", [3] * 7)
    assert analyse(answers, min_n=1)["cells"][0]["suppressed"] is True
    assert analyse(answers, min_n=1)["min_n"] == 3


# --- against a plain-loop implementation on generated data ------------------------------


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_cells_match_a_plain_loop(seed):
    rng = random.Random(seed)
    answers, expected = [], {}
    for rater in ["A", "B"]:
        for target in ["A", "B", "C"]:
            tie_scores = []
            for r in range(rng.randint(1, 9)):
                values = [rng.choice([None, 1, 2, 3, 4, 5, 5, 4]) for _ in ITEMS]
                answers += answers_for(f"{rater}{r}", rater, target, values)
                given_values = [v for v in values if v is not None]
                if len(given_values) >= 4:
                    tie_scores.append(loop_mean(given_values))
            expected[(rater, target)] = tie_scores
    result = analyse(answers, min_n=3)
    for cell in result["cells"]:
        scores = expected[(cell["rater"], cell["target"])]
        assert cell["n"] == len(scores)
        if cell["suppressed"]:
            assert len(scores) < 3
            continue
        assert cell["rc"] == pytest.approx(loop_mean(scores))
        half = t_quantile_975(len(scores) - 1) * math.sqrt(loop_var(scores) / len(scores))
        assert cell["ci95"][0] == pytest.approx(loop_mean(scores) - half)
    visible_between = [
        s
        for (rater, target), scores in expected.items()
        if rater != target and len(scores) >= 3
        for s in scores
    ]
    if visible_between:
        assert result["between"] == pytest.approx(statistics.mean(visible_between))


@pytest.mark.parametrize("seed", range(4))
def test_alpha_in_the_analysis_matches_the_loop_over_complete_ties(seed):
    rng = random.Random(seed)
    answers, ties = [], []
    for r in range(30):
        base = rng.choice([2, 3, 4])
        values = [
            None if rng.random() < 0.15 else min(5, max(1, base + rng.choice([-1, 0, 0, 1])))
            for _ in ITEMS
        ]
        answers += answers_for(f"r{r}", "A", "B", values)
        if sum(v is not None for v in values) >= 4:
            ties.append(values)
    alpha = analyse(answers, min_n=3)["alpha"]
    for key, columns in [
        ("rc", slice(0, 7)),
        ("communication", slice(0, 4)),
        ("relationship", slice(4, 7)),
    ]:
        rows = [t[columns] for t in ties if all(v is not None for v in t[columns])]
        assert alpha[key] == pytest.approx(loop_alpha(rows)), key


# --- the command ----------------------------------------------------------------------


def test_rc_analyze_prints_the_analysis(tmp_path, capsys):
    lines = ["respondent,rater_group,target_group,item,value"]
    for i in range(5):
        for item, value in zip(ITEMS, [4, 4, 4, 4, 5, 5, 5], strict=True):
            lines.append(f"p{i},DPS,Kommune,{item},{value}")
    path = tmp_path / "svar.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    call_command("rc_analyze", str(path))
    out = json.loads(capsys.readouterr().out)
    cell = out["cells"][0]
    assert (cell["rater"], cell["target"], cell["n"]) == ("DPS", "Kommune", 5)
    assert cell["rc"] == pytest.approx(31 / 7)
    assert set(out) >= {"cells", "within", "between", "icc1", "icc2", "alpha"}
    call_command("rc_analyze", str(path), "--min-n", "6")
    assert json.loads(capsys.readouterr().out)["cells"][0]["suppressed"] is True


@pytest.mark.parametrize(
    "body, message",
    [
        ("respondent,rater,target,item,value\n", "Linje 1"),
        (
            "respondent,rater_group,target_group,item,value\np1,A,B,frequent,7\n",
            "Linje 2: verdien 7",
        ),
        ("respondent,rater_group,target_group,item,value\np1,A,B,speed,3\n", "ukjent item «speed»"),
        ("respondent,rater_group,target_group,item,value\np1,A,B,timely\n", "forventet 5 felt"),
        (
            "respondent,rater_group,target_group,item,value\np1,A,B,timely,3\np1,A,B,timely,4\n",
            "Linje 3: p1 har allerede svart",
        ),
    ],
)
def test_invalid_files_name_the_line(tmp_path, body, message):
    path = tmp_path / "feil.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("rc_analyze", str(path))
    assert message in str(exc.value)


def test_the_sorted_path_for_sparse_ties_gives_the_same_analysis(monkeypatch):
    from laget.surveys import analysis

    rng = random.Random(11)
    answers = []
    for r in range(40):
        group = f"G{r % 4}"
        for target in ("G0", "G1", "G2", "G3"):
            values = [rng.choice([None, 1, 2, 3, 4, 5, 5]) for _ in ITEMS]
            answers += answers_for(f"r{r}", group, target, values)
    dense = analyse(answers, min_n=3)
    monkeypatch.setattr(analysis, "DENSE_TIES_LIMIT", -(10**9))
    assert analyse(answers, min_n=3) == dense
