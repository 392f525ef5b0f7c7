"""The network map at twelve groups (issue 12): no label overlaps another label or a
node, none is cut off by the picture's frame, each direction of a tie is its own curve,
and a reader can focus on one group, with the numbers beside the map. And the plain
sentences that say what ICC, Cronbach's α and r_wg mean for the reader."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from laget.surveys.network_map import CHAR, LINE, layout, wrap
from laget.surveys.report import readings
from laget.surveys.tests.conftest import fill_and_close

TWELVE = [
    "Samhandlingsteamet",
    "Fjordvik DPS døgnavdeling",
    "Psykisk helse og rus, Fjordvik kommune",
    "NAV Fjordvik",
    "Fastlegekontorene",
    "Boligkontoret",
    "Barneverntjenesten i Fjordvik",
    "Skolehelsetjenesten",
    "DPS rus-poliklinikk",
    "Hjemmetjenesten sone nord",
    "Ruspoliklinikken ved Fjordvik sykehus",
    "Frivilligsentralen",
]


def cells_for(groups: list[str], rc: float = 3.9) -> list[dict]:
    return [
        {"rater": a, "target": b, "rc": rc - 0.1 * (i % 7), "suppressed": False}
        for i, (a, b) in enumerate(itertools.product(groups, groups))
    ]


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def check_readable(groups: list[str]) -> None:
    m = layout(groups, cells_for(groups))
    x0, y0, width, height = map(float, m.view_box.split())
    for n in m.nodes:
        # The label's box is estimated generously from its longest line and its lines.
        assert n.box[2] - n.box[0] >= max(len(line) for line in n.lines) * CHAR - 0.1
        assert n.box[3] - n.box[1] >= len(n.lines) * LINE - 0.1
        # Inside the frame: nothing clipped.
        assert x0 <= n.box[0] and n.box[2] <= x0 + width
        assert y0 <= n.box[1] and n.box[3] <= y0 + height
        assert x0 <= n.x - 14 and n.x + 14 <= x0 + width
    for a, b in itertools.combinations(m.nodes, 2):
        assert not overlap(a.box, b.box), (a.name, b.name)
        assert not overlap(a.box, (b.x - 14, b.y - 14, b.x + 14, b.y + 14)), (a.name, b.name)


def test_twelve_long_group_names_neither_overlap_nor_clip():
    check_readable(TWELVE)


@given(
    st.lists(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøå -", min_size=1, max_size=45).map(
            lambda s: s.strip() or "x"
        ),
        min_size=2,
        max_size=14,
        unique=True,
    )
)
def test_any_set_of_group_names_neither_overlaps_nor_clips(groups):
    check_readable(groups)


def test_each_direction_is_its_own_curve_and_focus_keeps_one_groups_ties():
    m = layout(TWELVE, cells_for(TWELVE))
    assert len(m.edges) == 12 * 11  # every tie between groups, none to itself
    there = next(e for e in m.edges if (e.rater, e.target) == (TWELVE[0], TWELVE[1]))
    back = next(e for e in m.edges if (e.rater, e.target) == (TWELVE[1], TWELVE[0]))
    assert there.path.startswith("M") and " Q " in there.path and there.path != back.path
    assert (there.label_x, there.label_y) != (back.label_x, back.label_y)
    focused = layout(TWELVE, cells_for(TWELVE), focus="NAV Fjordvik")
    assert len(focused.edges) == 2 * 11
    assert all("NAV Fjordvik" in (e.rater, e.target) for e in focused.edges)
    assert [n.name for n in focused.nodes if n.focused] == ["NAV Fjordvik"]
    assert layout(TWELVE, cells_for(TWELVE), focus="Ukjent").focus is None


def test_long_names_wrap_on_short_lines():
    assert wrap("Psykisk helse og rus, Fjordvik kommune") == (
        "Psykisk helse og",
        "rus, Fjordvik",
        "kommune",
    )
    assert wrap("DPS rus-poliklinikk") == ("DPS rus-", "poliklinikk")


def test_each_reliability_figure_gets_one_plain_sentence():
    with translation.override("nb"):
        low = readings(
            {
                "icc2": 0.2,
                "alpha": {"rc": 0.6},
                "cells": [{"rwg": 0.4}, {"rwg": 0.5}, {"suppressed": True}],
            }
        )
        high = readings({"icc2": 0.8, "alpha": {"rc": 0.9}, "cells": [{"rwg": 0.9}, {"rwg": 0.8}]})
    assert low["icc"] == (
        "Svarene innen en gruppe ligner hverandre lite: tolk gruppetallene varsomt."
    )
    assert "hvert spørsmål" in low["alpha"] and "uenige" in low["rwg"]
    assert "til å stole på" in high["icc"] and "enige" in high["rwg"]
    assert readings({"cells": []}) == {}


@pytest.mark.django_db
def test_the_results_page_focuses_on_one_group_with_the_numbers_beside(survey_world, survey_client):
    fill_and_close(survey_world, {"Kommunen": 6, "DPS": 6, "NAV": 6})
    url = reverse("surveys:results", kwargs={"round_id": survey_world.round.pk})
    client = survey_client("reader")
    page = client.get(url).content.decode()
    assert "?fokus=NAV#kart" in page and 'class="col-turned"' in page
    assert "Svarene innen en gruppe" in page  # the ICC sentence
    focused = client.get(url, {"fokus": "NAV"}).content.decode()
    assert "Relasjoner til og fra NAV" in focused
    assert '<th scope="row">NAV → DPS</th>' in focused
    assert '<th scope="row">Kommunen → DPS</th>' not in focused.split('id="svakest"')[0]
