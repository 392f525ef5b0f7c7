"""The alert rules against hand-worked series."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from laget.outcomes.alerts import (
    ALLIANCE_FALL,
    ALLIANCE_LOW,
    DETERIORATION,
    NOT_ON_TRACK,
    RISK,
    Point,
    alerts,
)


def kinds(points, n=4):
    return {a.kind for a in alerts(points, sessions_before_alert=n)}


def outcome(*totals):
    return [Point("outcome", t, {}) for t in totals]


def test_not_on_track_after_the_service_s_number_of_sessions():
    assert kinds(outcome(15, 16, 17)) == set()  # three sessions: not yet
    assert kinds(outcome(15, 16, 17, 19.9)) == {NOT_ON_TRACK}  # +4.9: not reliable
    assert kinds(outcome(15, 16, 17, 20)) == set()  # +5: reliable improvement
    assert kinds(outcome(15, 16, 17), n=3) == {NOT_ON_TRACK}


def test_reliable_deterioration_on_any_instrument():
    assert DETERIORATION in kinds(outcome(20, 15))
    phq = [Point("phq9", 8, {"q9": 0}), Point("phq9", 14, {"q9": 0})]
    assert kinds(phq) == {DETERIORATION}
    assert kinds([Point("phq9", 8, {"q9": 0}), Point("phq9", 13, {"q9": 0})]) == set()


def test_alliance_below_the_cut_off_or_falling_a_point():
    ally = [Point("alliance", t, {}) for t in (38, 37)]
    assert kinds(ally) == {ALLIANCE_FALL}
    assert kinds([Point("alliance", t, {}) for t in (38, 37.1)]) == set()
    assert kinds([Point("alliance", 35.9, {})]) == {ALLIANCE_LOW}
    assert kinds([Point("alliance", 36, {})]) == set()  # on the cut-off is fine


def test_phq9_item_9_above_zero_is_urgent_only_in_the_latest():
    found = alerts([Point("phq9", 5, {"q9": 1})], sessions_before_alert=4)
    assert [(a.kind, a.urgent) for a in found] == [(RISK, True)]
    later = [Point("phq9", 5, {"q9": 1}), Point("phq9", 4, {"q9": 0})]
    assert kinds(later) == set()


def test_collateral_ratings_raise_nothing():
    assert (
        kinds([Point("outcome", 20, {}, "collateral"), Point("outcome", 5, {}, "collateral")])
        == set()
    )


@given(st.lists(st.floats(0, 40), min_size=1, max_size=1))
def test_one_session_only_raises_only_what_one_score_can(totals):
    found = kinds(outcome(*totals), n=2)
    assert found == set()
