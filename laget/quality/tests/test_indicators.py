"""Every indicator against a hand-built data set with known answers (tests/data.py),
with an empty month and suppressed cells; the report's shape; the command."""

from __future__ import annotations

import calendar
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from laget.quality.figures import report
from laget.quality.indicators import BY_ID, DIMENSIONS, INDICATORS, SUPPRESSED, compute
from laget.quality.tests.data import SECRET_NAME, build, fill

pytestmark = pytest.mark.django_db


def values(indicator_id, w, **kwargs):
    return [f.value for f in compute(BY_ID[indicator_id], w.network, w.months, **kwargs).months]


@pytest.fixture
def w():
    world = build()
    fill(world)
    return world


def days_in(month):
    return calendar.monthrange(month.year, month.month)[1]


def test_known_answers_per_indicator(w):
    expected = {
        "ui_goals_own_words": [66.7, 66.7],
        "ui_person_attended": [60.0, None],
        "ui_consent_digital": [60.0, None],
        "ui_outcome_ratings": [83.3, 0.0],
        "ui_user_survey_answered": [60.0, None],
        "cc_handoff_wait": [3.0, None],
        "cc_handoffs_declined": [40.0, None],
        "cc_past_revision": [33.3, 33.3],
        "cc_coordinator_present": [80.0, None],
        "ef_reliable_improvement": [60.0, None],
        "ef_perceived_change": [60.0, None],
        "av_referral_to_decision": [6.0, None],
        "av_referral_to_first_contact": [9.0, None],
        "rs_meeting_hours": [1.5, None],
        "rs_guidance_given": [None, 1.5],
        "rs_guidance_received": [None, 0.5],
        "sf_overdue_tasks": [40.0, None],
        "sf_emergency_reviewed": [80.0, None],
        "sf_consent_lapsed_open_measures": [40.0, None],
        "cc_gap_days": [
            round(3 * (days_in(w.a) - 10) / 5, 1),
            round(3 * days_in(w.b) / 5, 1),
        ],
    }
    got = {i.id: values(i.id, w) for i in INDICATORS if i.source_available}
    assert got == expected


def test_numerator_and_denominator_beside_the_value(w):
    a = compute(BY_ID["sf_overdue_tasks"], w.network, w.months).months[0]
    assert (a.numerator, a.denominator, a.value) == (2, 5, 40.0)
    wait = compute(BY_ID["cc_handoff_wait"], w.network, w.months).months[0]
    assert (wait.numerator, wait.denominator) == (15.0, 5)


def test_small_cells_are_suppressed_and_hide_their_counts(w):
    by_age = {
        group: compute(BY_ID["av_referral_to_decision"], w.network, w.months, age_group=group)
        for group in ("18-25", "unknown", "45-66")
    }
    assert by_age["18-25"].months[0].value == SUPPRESSED  # 2 persons
    assert by_age["unknown"].months[0].value == SUPPRESSED  # 3 persons
    assert by_age["45-66"].months[0].value is None  # nobody: nothing to count, not zero
    hidden = by_age["18-25"].months[0]
    assert hidden.numerator is None and hidden.denominator is None


def _five_in_oyane_in_b(w):
    """Five decisions in month b for persons in Øyane, 1 to 5 days after the referral, and
    their first contacts 2 to 10 days after it."""
    from laget.directory.models import District
    from laget.plans.models import Person
    from laget.quality.tests.data import at
    from laget.teams.models import Case, CrossLevelTeam, Decision, Referral

    oyane = District.objects.get(network=w.network, name="Øyane")
    team = CrossLevelTeam.objects.get(network=w.network)
    for k in range(5):
        person = Person.objects.create(
            first_name="Øy", last_name=SECRET_NAME, birth_date=dt.date(1970, 1, 1), district=oyane
        )
        r = Referral.objects.create(
            team=team,
            source="gp",
            referrer_contact="Legekontoret",
            person=person,
            received_at=at(w.b, 0),
            status="decided",
        )
        Decision.objects.create(
            referral=r,
            outcome="direct",
            reason="ok",
            decided_by=w.member,
            decided_at=at(w.b, k + 1),
        )
        Case.objects.create(
            team=team, referral=r, mode="direct", first_contact_at=at(w.b, 2 * (k + 1))
        )
    return oyane


def test_the_district_breakdown_has_known_answers(w):
    from laget.directory.models import District
    from laget.quality.indicators import district_group

    oyane = _five_in_oyane_in_b(w)
    sentrum = District.objects.get(network=w.network, name="Sentrum")
    nordsida = District.objects.get(network=w.network, name="Nordsida")

    def by(indicator_id, district):
        return values(indicator_id, w, age_group=district_group(district))

    # a: Sentrum has the 2 young persons (suppressed), 3 referrals name no person (not
    # recorded, suppressed); b: the five in Øyane, 1..5 days → 3 days on average.
    assert by("av_referral_to_decision", sentrum.pk) == [SUPPRESSED, None]
    assert by("av_referral_to_decision", oyane.pk) == [None, 3.0]
    assert by("av_referral_to_first_contact", oyane.pk) == [None, 6.0]
    assert by("av_referral_to_decision", "unknown") == [SUPPRESSED, None]
    # An empty district: nothing to count, not zero.
    assert by("av_referral_to_decision", nordsida.pk) == [None, None]
    assert by("av_referral_to_first_contact", nordsida.pk) == [None, None]
    # The districts and "not recorded" add up to the whole.
    whole = compute(BY_ID["av_referral_to_decision"], w.network, w.months).months
    parts = [
        compute(
            BY_ID["av_referral_to_decision"], w.network, w.months, age_group=district_group(d)
        ).months
        for d in (sentrum.pk, nordsida.pk, oyane.pk, "unknown")
    ]
    assert [f.denominator for f in whole] == [5, 5]
    assert sum(p[1].denominator or 0 for p in parts) == 5
    hidden = parts[0][0]
    assert hidden.numerator is None and hidden.denominator is None


def test_a_service_sees_its_own_part(w):
    # Tasks are the municipal service's; the DPS has none (nothing to count, not zero).
    assert values("sf_overdue_tasks", w, service=w.kommune) == [40.0, None]
    assert values("sf_overdue_tasks", w, service=w.dps) == [None, None]


def test_few_plans_are_suppressed():
    small = build(n_plans=3)
    fill_goals = values("ui_goals_own_words", small)
    assert fill_goals == [SUPPRESSED, SUPPRESSED]


def test_an_empty_network_counts_nothing_and_is_never_zero():
    empty = build(n_plans=0)
    for i in INDICATORS:
        assert values(i.id, empty) == [None, None], i.id


def test_indicator_without_a_source_says_so(w, monkeypatch):
    # Every indicator has its source today; one whose source is not in Laget yet must say
    # so in the report rather than show zero.
    import dataclasses

    from laget.quality import indicators

    assert all(i.source_available for i in INDICATORS)
    missing = dataclasses.replace(
        BY_ID["ef_perceived_change"],
        id="ef_not_yet",
        compute=None,
        missing_source="Not recorded in Laget yet.",
    )
    monkeypatch.setattr(indicators, "INDICATORS", [*INDICATORS, missing])
    out = report(w.network, w.months)
    entry = next(e for e in out["effectiveness"] if e["id"] == "ef_not_yet")
    assert entry["source_available"] is False
    assert set(entry["months"].values()) == {None}
    assert entry["source_missing"] == "Not recorded in Laget yet."


def test_every_dimension_has_indicators_with_definitions():
    assert {i.dimension for i in INDICATORS} == set(DIMENSIONS)
    for i in INDICATORS:
        d = i.definition()
        assert d["numerator"] and d["denominator"] and d["period"] and d["source"], i.id
    # Availability and fair distribution: by age group and municipality district.
    for i in ("av_referral_to_decision", "av_referral_to_first_contact"):
        assert BY_ID[i].definition()["breakdown"] == "age group and municipality district"
    assert "breakdown" not in BY_ID["sf_overdue_tasks"].definition()


def test_quality_report_command_prints_one_json_object(w):
    out = io.StringIO()
    call_command("quality_report", "--network", "lundvik", "--months", "3", stdout=out)
    data = json.loads(out.getvalue())
    assert list(data) == list(DIMENSIONS)
    entry = next(e for e in data["safety"] if e["id"] == "sf_overdue_tasks")
    assert set(entry) >= {"id", "definition", "months", "source_available"}
    assert list(entry["months"].values())[:2] == [40.0, None]
    assert len(entry["months"]) == 3
    assert SECRET_NAME not in out.getvalue()
    for plan in w.plans:
        assert f'"{plan.pk}"' not in out.getvalue()


def test_quality_report_refuses_bad_input(w):
    with pytest.raises(CommandError):
        call_command("quality_report", "--network", "finnes-ikke")
    with pytest.raises(CommandError):
        call_command("quality_report", "--months", "0")


def test_quality_report_for_the_whole_installation(w):
    out = io.StringIO()
    call_command("quality_report", "--months", "3", stdout=out)
    data = json.loads(out.getvalue())
    entry = next(e for e in data["safety"] if e["id"] == "sf_overdue_tasks")
    assert list(entry["months"].values())[:2] == [40.0, None]
