"""Scoring and statistics against hand-computed values, and their properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laget.outcomes.instruments import (
    ALLIANCE,
    AUDIT,
    AUDIT_C,
    DUDIT,
    GAD7,
    INSTRUMENTS,
    OUTCOME,
    PHQ9,
    ScoringProblem,
    clinically_significant,
    jacobson_truax,
    rc_score,
    reliable_change_index,
    score,
)
from laget.outcomes.stats import (
    Score,
    analyse,
    columns_from_rows,
    effect_size,
    figures_from_series,
    series_from_groups,
    service_figures,
)


def test_line_totals_to_one_decimal():
    assert (
        score(OUTCOME, {"individual": 4.3, "interpersonal": "5,1", "social": 6, "overall": 7.2})
        == 22.6
    )
    assert score(ALLIANCE, dict.fromkeys(ALLIANCE.items, 10)) == 40.0


def test_lines_refuse_missing_out_of_scale_and_two_decimals():
    with pytest.raises(ScoringProblem, match="alle fire"):
        score(OUTCOME, {"individual": 4, "interpersonal": 5, "social": 6})
    with pytest.raises(ScoringProblem, match="mellom 0 og 10"):
        score(OUTCOME, {"individual": 10.1, "interpersonal": 5, "social": 6, "overall": 1})
    with pytest.raises(ScoringProblem, match="én desimal"):
        score(OUTCOME, {"individual": 4.25, "interpersonal": 5, "social": 6, "overall": 1})
    with pytest.raises(ScoringProblem, match="ikke et tall"):
        score(OUTCOME, {"individual": "mye", "interpersonal": 5, "social": 6, "overall": 1})


def test_phq9_prorates_up_to_two_missing_items():
    full = {f"q{i}": 1 for i in range(1, 10)}
    assert score(PHQ9, full) == 9
    # 7 answered, sum 14: 14 * 9 / 7 = 18 exactly.
    seven = {f"q{i}": 2 for i in range(1, 8)}
    assert score(PHQ9, seven) == 18
    # 8 answered summing 11: 11 * 9 / 8 = 12.375 -> 12.
    eight = {f"q{i}": 1 for i in range(1, 9)} | {"q1": 3, "q2": 2}  # 3+2+1*6 = 11
    assert score(PHQ9, eight) == 12
    with pytest.raises(ScoringProblem, match="minst 7"):
        score(PHQ9, {f"q{i}": 1 for i in range(1, 7)})


def test_gad7_prorates_one_missing_item_and_rounds_half_up():
    # 6 answered summing 3: 3 * 7 / 6 = 3.5 -> 4 (half up).
    assert score(GAD7, {f"q{i}": (1 if i <= 3 else 0) for i in range(1, 7)}) == 4
    with pytest.raises(ScoringProblem, match="minst 6"):
        score(GAD7, {f"q{i}": 1 for i in range(1, 6)})


def test_audit_and_dudit_score_the_last_items_0_2_4_and_allow_nothing_missing():
    audit = {f"q{i}": 4 for i in range(1, 9)} | {"q9": 4, "q10": 4}
    assert score(AUDIT, audit) == 40 == AUDIT.maximum
    with pytest.raises(ScoringProblem, match="0, 2, 4"):
        score(AUDIT, audit | {"q9": 3})
    with pytest.raises(ScoringProblem, match="alle spørsmålene"):
        score(AUDIT, {f"q{i}": 0 for i in range(1, 10)})
    assert score(AUDIT_C, {"q1": 2, "q2": 1, "q3": 1}) == 4
    assert DUDIT.maximum == 44 and score(DUDIT, {f"q{i}": 0 for i in range(1, 12)}) == 0
    with pytest.raises(ScoringProblem, match="Ukjent"):
        score(AUDIT_C, {"q1": 2, "q2": 1, "q3": 1, "q4": 0})


def test_cut_offs_exactly_on_the_line():
    assert not OUTCOME.in_clinical_range(25) and OUTCOME.in_clinical_range(24.9)
    assert PHQ9.in_clinical_range(10) and not PHQ9.in_clinical_range(9)
    assert GAD7.in_clinical_range(8) and not GAD7.in_clinical_range(7)
    assert not ALLIANCE.in_clinical_range(36) and ALLIANCE.in_clinical_range(35.9)


def test_reliable_change_at_exactly_the_value_and_just_under():
    assert reliable_change_index(OUTCOME, 18.0, 23.0) == "improved"
    assert reliable_change_index(OUTCOME, 18.0, 22.9) == "none"
    assert reliable_change_index(OUTCOME, 20.1, 15.1) == "deteriorated"  # float-safe
    assert reliable_change_index(PHQ9, 16, 10) == "improved"
    assert reliable_change_index(PHQ9, 10, 16) == "deteriorated"
    assert reliable_change_index(PHQ9, 16, 11) == "none"


def test_clinically_significant_means_reliable_and_crossing_the_cut_off():
    assert clinically_significant(OUTCOME, 19, 25)  # +6, from 19 (inside) to 25 (outside)
    assert not clinically_significant(OUTCOME, 20, 24.9)  # crosses nothing
    assert not clinically_significant(OUTCOME, 23, 27)  # crosses, but +4 is not reliable
    assert clinically_significant(PHQ9, 15, 9)
    assert not clinically_significant(PHQ9, 16, 10)  # 10 is still inside


def test_jacobson_truax_by_hand():
    # SD 7.5, r 0.8: S_diff = √2 · 7.5 · √0.2 = 4.7434; 1.96 · S_diff = 9.2971.
    assert jacobson_truax(7.5, 0.8) == pytest.approx(9.2971, abs=1e-4)
    assert rc_score(10, 20, 7.5, 0.8) == pytest.approx(10 / 4.74342, abs=1e-4)
    with pytest.raises(ValueError):
        jacobson_truax(5, 1.5)


def test_effect_size_by_hand():
    # First 18, 25, 10, 12 (SD 6.7515); changes +8, -6, +4, +10 (mean 4): d = 0.5925.
    assert effect_size([18, 25, 10, 12], [26, 19, 14, 22], OUTCOME) == pytest.approx(
        0.59246, abs=1e-4
    )
    # Lower is better: PHQ-9 falling by 4 on average is positive.
    assert effect_size([20, 12], [14, 10], PHQ9) > 0


def _scores(rows):
    return [Score(p, s, i, n, 739000 + n, t) for p, s, i, n, t in rows]


def test_service_figures_by_hand_and_suppression():
    rows = [
        ("a", "DPS", "outcome", 1, 18), ("a", "DPS", "outcome", 2, 26),
        ("b", "DPS", "outcome", 1, 25), ("b", "DPS", "outcome", 2, 19),
        ("c", "DPS", "outcome", 1, 30),
        ("d", "DPS", "outcome", 1, 10), ("d", "DPS", "outcome", 2, 14),
        ("e", "DPS", "outcome", 1, 12), ("e", "DPS", "outcome", 2, 22),
        ("a", "K", "phq9", 1, 10), ("a", "K", "phq9", 2, 4),
    ]  # fmt: skip
    result = analyse(_scores(rows))
    dps, k = result["services"]
    assert dps == {
        "service": "DPS",
        "instrument": "outcome",
        "n": 5,
        "improved_pct": 40.0,  # a and e
        "deteriorated_pct": 20.0,  # b
        "recovered_pct": 20.0,  # a: 18 -> 26; e ends at 22, still inside
        "effect_size": pytest.approx(0.59246, abs=1e-4),
        "dropout_pct": 20.0,  # c
    }
    assert k == {"service": "K", "instrument": "phq9", "n": 1, "suppressed": True}
    c = next(p for p in result["persons"] if p["person"] == "c")
    assert c == {
        "person": "c",
        "instrument": "outcome",
        "first": 30,
        "last": 30,
        "change": None,
        "reliable_change": "none",
        "clinically_significant": False,
        "sessions": 1,
    }
    outcome, phq9 = result["instruments"]
    assert outcome == {
        "instrument": "outcome",
        "direction": "higher_is_better",
        "cutoff": 25,
        "reliable_change": 5,
    }
    assert phq9 == {
        "instrument": "phq9",
        "direction": "lower_is_better",
        "cutoff": 10,
        "reliable_change": 6,
    }
    # min_n never goes below 3.
    assert analyse(_scores(rows[:4]), min_n=1)["services"][0]["suppressed"] is True


def test_first_and_last_follow_the_date_across_services():
    rows = [
        Score("j", "DPS", "outcome", 1, 739010, 20),
        Score("j", "Kommunen", "outcome", 1, 739001, 12),
        Score("j", "Kommunen", "outcome", 2, 739020, 28),
    ]
    (person,) = analyse(rows)["persons"]
    assert (person["first"], person["last"], person["sessions"]) == (12, 28, 3)
    assert person["clinically_significant"] is True


# --- properties ---------------------------------------------------------------------

tenths = st.integers(0, 100).map(lambda n: n / 10)


@given(st.lists(tenths, min_size=4, max_size=4))
def test_line_total_is_the_sum_within_the_scale(values):
    total = score(OUTCOME, dict(zip(OUTCOME.items, values, strict=True)))
    assert 0 <= total <= 40
    assert total == pytest.approx(sum(values), abs=1e-9)


@given(st.sampled_from(sorted(INSTRUMENTS)), st.data())
def test_every_instrument_scores_within_its_range_with_allowed_missing(key, data):
    instrument = INSTRUMENTS[key]
    answers = {
        item: data.draw(st.sampled_from(instrument.values[item])) / (10 if instrument.lines else 1)
        for item in instrument.items
    }
    missing = data.draw(st.integers(0, instrument.max_missing))
    for item in instrument.items[:missing]:
        answers[item] = None
    total = score(instrument, answers)
    assert instrument.minimum <= total <= instrument.maximum
    too_many = dict.fromkeys(instrument.items[: instrument.max_missing + 1])
    with pytest.raises(ScoringProblem):
        score(instrument, answers | too_many)


@given(st.sampled_from(sorted(INSTRUMENTS)), st.floats(0, 44), st.floats(0, 44))
def test_reliable_change_is_symmetric_and_recovery_implies_improvement(key, a, b):
    instrument = INSTRUMENTS[key]
    a, b = min(a, instrument.maximum), min(b, instrument.maximum)
    forward, backward = (
        reliable_change_index(instrument, a, b),
        reliable_change_index(instrument, b, a),
    )
    assert {forward, backward} in ({"none"}, {"improved", "deteriorated"})
    if clinically_significant(instrument, a, b):
        assert forward == "improved"
        assert instrument.in_clinical_range(a) and not instrument.in_clinical_range(b)
    assert reliable_change_index(instrument, a, a) == "none"


@given(st.sampled_from(sorted(INSTRUMENTS)), st.integers(0, 40))
def test_a_score_exactly_on_the_cut_off(key, offset):
    instrument = INSTRUMENTS[key]
    on = float(instrument.cutoff)
    # Higher is better: the cut-off itself is outside the clinical range; lower: inside.
    assert instrument.in_clinical_range(on) is (instrument.direction == "lower_is_better")


@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(1, 5), st.integers(0, 40)),
        min_size=1,
        max_size=60,
    ),
    st.integers(3, 8),
)
def test_service_figures_are_consistent(rows, min_n):
    seen = set()
    scores = []
    for person, session, total in rows:
        if (person, session) in seen:
            continue
        seen.add((person, session))
        scores.append(Score(f"p{person}", "S", "outcome", session, 739000 + session, total))
    result = analyse(scores, min_n=min_n)
    persons = result["persons"]
    (cell,) = result["services"]
    assert cell["n"] == len(persons)
    one_session = [p for p in persons if p["sessions"] == 1]
    for p in one_session:  # one session only: counted, no change
        assert p["change"] is None and p["reliable_change"] == "none"
    if cell["n"] < min_n:
        assert cell == {"service": "S", "instrument": "outcome", "n": cell["n"], "suppressed": True}
        return
    assert cell["dropout_pct"] == pytest.approx(100 * len(one_session) / cell["n"])
    improved = sum(p["reliable_change"] == "improved" for p in persons)
    recovered = sum(p["clinically_significant"] for p in persons)
    assert cell["improved_pct"] == pytest.approx(100 * improved / cell["n"])
    assert cell["recovered_pct"] <= cell["improved_pct"]
    assert cell["recovered_pct"] == pytest.approx(100 * recovered / cell["n"])
    assert cell["improved_pct"] + cell["deteriorated_pct"] <= 100 + 1e-9
    if cell["effect_size"] is not None:
        assert math.isfinite(cell["effect_size"])


@given(
    st.lists(
        st.tuples(
            st.integers(1, 12), st.sampled_from(["outcome", "alliance"]), st.integers(0, 400)
        ),
        min_size=1,
        max_size=80,
        unique_by=lambda r: (r[0], r[1]),
    ),
    st.integers(1, 4),
)
def test_the_report_from_database_rows_matches_the_general_path(people, sessions):
    """The service report builds columns straight from rows; it must agree with the path
    the CSV analysis takes."""
    rows, scores = [], []
    for person, instrument, seed in people:
        for s in range(1, (seed % sessions) + 2):
            total = float((seed * 7 + s * 13) % 401) / 10
            rows.append((person, instrument, s, total))
            scores.append(Score(str(person), "S", instrument, s, 739000 + s, total))
    fast = service_figures(columns_from_rows(rows, "S"), min_n=3)
    general = analyse(scores, min_n=3)["services"]
    # As selectors.grouped_ratings hands them over: per person × instrument, first and
    # last packed as session × 1000 + total × 10.
    groups: dict[tuple, list] = {}
    for person, instrument, session, total in rows:
        packed = session * 1000 + round(total * 10)
        g = groups.setdefault((person, instrument), [0, packed, packed])
        g[0], g[1], g[2] = g[0] + 1, min(g[1], packed), max(g[2], packed)
    s, keys = series_from_groups([(p, i, n, f, la) for (p, i), (n, f, la) in groups.items()])
    grouped = figures_from_series(s, ["S"], keys, min_n=3)
    assert sorted(grouped, key=str) == sorted(fast, key=str) or all(
        a.keys() == b.keys()
        and all(v == (pytest.approx(b[k]) if isinstance(v, float) else b[k]) for k, v in a.items())
        for a, b in zip(
            sorted(grouped, key=lambda r: r["instrument"]),
            sorted(fast, key=lambda r: r["instrument"]),
            strict=True,
        )
    )
    assert len(fast) == len(general)
    for a, b in zip(fast, general, strict=True):
        assert a.keys() == b.keys()
        for key, value in a.items():
            assert value == (pytest.approx(b[key]) if isinstance(value, float) else b[key])
