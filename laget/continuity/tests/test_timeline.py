"""Gap and overlap rules on hand-made timelines and on generated ones."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from laget.continuity.timeline import Episode, Span, gaps, overlaps, responsible_on

D = dt.date(2026, 1, 1)


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


PERIOD = Span(day(0), day(99))


def ep(service: int, start: int, end: int | None, responsible: bool = True) -> Episode:
    return Episode(service, day(start), None if end is None else day(end), responsible)


def test_no_episodes_is_one_long_gap():
    assert gaps([], PERIOD) == [PERIOD]


def test_touching_episodes_leave_no_gap():
    assert gaps([ep(1, 0, 49), ep(2, 50, 99)], PERIOD) == []


def test_same_day_hand_off_is_a_one_day_overlap_not_a_gap():
    episodes = [ep(1, 0, 50), ep(2, 50, 99)]
    assert gaps(episodes, PERIOD) == []
    assert overlaps(episodes, PERIOD) == [(Span(day(50), day(50)), frozenset({1, 2}))]


def test_a_day_between_two_episodes_is_a_gap():
    assert gaps([ep(1, 0, 48), ep(2, 50, 99)], PERIOD) == [Span(day(49), day(49))]


def test_open_ended_episode_covers_to_the_end_of_the_period():
    assert gaps([ep(1, 10, None)], PERIOD) == [Span(day(0), day(9))]


def test_supporting_only_periods_are_gaps():
    episodes = [ep(1, 0, 30), ep(2, 31, 60, responsible=False), ep(3, 61, 99)]
    assert gaps(episodes, PERIOD) == [Span(day(31), day(60))]
    assert responsible_on(episodes, day(40)) == set()


def test_episodes_outside_the_period_are_clipped():
    assert gaps([ep(1, -30, 10), ep(2, 90, 200)], PERIOD) == [Span(day(11), day(89))]


def test_parallel_help_shows_as_overlap_with_the_services():
    episodes = [ep(1, 0, 60), ep(2, 30, 99), ep(3, 40, 45)]
    assert overlaps(episodes, PERIOD) == [
        (Span(day(30), day(39)), frozenset({1, 2})),
        (Span(day(40), day(45)), frozenset({1, 2, 3})),
        (Span(day(46), day(60)), frozenset({1, 2})),
    ]


def test_ten_years_and_thirty_services():
    long = Span(day(0), day(3652))
    episodes = [ep(i, i * 120, i * 120 + 125) for i in range(30)]
    assert gaps(episodes, long) == [Span(day(30 * 120 - 120 + 126), day(3652))]


episode_strategy = st.builds(
    lambda s, a, length, open_, resp: ep(s, a, None if open_ else a + length, resp),
    st.integers(1, 5),
    st.integers(-20, 110),
    st.integers(0, 40),
    st.booleans(),
    st.booleans(),
)


@given(st.lists(episode_strategy, max_size=12))
def test_a_gap_is_reported_exactly_where_no_responsible_episode_covers_a_day(episodes):
    reported = gaps(episodes, PERIOD)
    in_gap = {g.start + dt.timedelta(days=i) for g in reported for i in range(g.days)}
    for n in range(100):
        assert (day(n) in in_gap) == (not responsible_on(episodes, day(n)))
    # Gaps are in order, apart and not touching (they are maximal runs).
    for a, b in itertools.pairwise(reported):
        assert a.end + dt.timedelta(days=1) < b.start


@given(st.lists(episode_strategy, max_size=10))
def test_an_overlap_is_reported_exactly_where_two_services_are_responsible(episodes):
    reported = {
        s.start + dt.timedelta(days=i): services
        for s, services in overlaps(episodes, PERIOD)
        for i in range(s.days)
    }
    for n in range(100):
        services = responsible_on(episodes, day(n))
        if len(services) >= 2:
            assert reported.get(day(n)) == frozenset(services)
        else:
            assert day(n) not in reported
