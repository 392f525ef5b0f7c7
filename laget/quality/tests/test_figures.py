"""The monthly figures (quality.figures): kept counts give the same figures as live ones
(known answers, empty months, suppressed cells); late entries reach the last months; the
pages' query counts are pinned and stay the same as persons are added."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from laget.core.months import last_months, midnight
from laget.directory.models import District
from laget.plans.models import Task
from laget.quality import figures
from laget.quality.indicators import BY_ID, INDICATORS, SUPPRESSED, compute, district_group
from laget.quality.models import MonthlyFigure
from laget.quality.tests.data import build, fill, grow

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    world = build()
    fill(world)
    return world


def services(w):
    return [w.kommune, w.dps, w.team_service]


def all_wants(w=None):
    """Every indicator, age group and (given the world) each of its network's districts."""
    districts = list(District.objects.filter(network=w.network)) if w else []
    return [want for i in INDICATORS for want in figures.wants_for(i, districts)]


def live(w, months, service=None):
    return [compute(i, w.network, months, service, g) for i, g in all_wants(w)]


def test_kept_and_live_figures_are_the_same(w, django_assert_num_queries):
    a, b, now = last_months(3)
    for service in (None, *services(w)):
        before = live(w, [a, b, now], service)
        assert figures.read(w.network, [a, b, now], service, all_wants(w)) == before
    assert figures.refresh(w.network, services(w)) > 0
    for service in (None, *services(w)):
        expected = live(w, [a, b], service)
        wants = all_wants(w)
        # Closed months: one query, whatever the indicators, age groups and districts.
        with django_assert_num_queries(1):
            kept = figures.read(w.network, [a, b], service, wants)
        assert kept == expected
    # District rows are kept, with their district (3 districts and "not recorded", for the
    # two indicators broken down by district, per scope and month).
    sentrum = District.objects.get(network=w.network, name="Sentrum")
    kept_sentrum = MonthlyFigure.objects.filter(
        scope=figures.scope_key(w.network, None, district_group(sentrum.pk)), month=a
    )
    assert {f.indicator for f in kept_sentrum} == {
        "av_referral_to_decision",
        "av_referral_to_first_contact",
    }
    assert {(f.district_id, f.denominator) for f in kept_sentrum} == {(sentrum.pk, 2)}
    # The known answers, suppressed cells and empty months survive the keeping.
    overdue, decision = figures.read(
        w.network,
        [a, b],
        wants=[(BY_ID["sf_overdue_tasks"], None), (BY_ID["av_referral_to_decision"], "18-25")],
    )
    assert [f.value for f in overdue.months] == [40.0, None]
    assert (overdue.months[0].numerator, overdue.months[0].denominator) == (2, 5)
    hidden = decision.months[0]
    assert hidden.value == SUPPRESSED and hidden.numerator is None and hidden.denominator is None
    assert decision.months[1].value is None
    nordsida = District.objects.get(network=w.network, name="Nordsida")
    in_sentrum, in_nordsida = figures.read(
        w.network,
        [a, b],
        wants=[
            (BY_ID["av_referral_to_decision"], district_group(sentrum.pk)),
            (BY_ID["av_referral_to_decision"], district_group(nordsida.pk)),
        ],
    )
    assert [f.value for f in in_sentrum.months] == [SUPPRESSED, None]
    assert [f.value for f in in_nordsida.months] == [None, None]


def test_a_small_network_is_suppressed_from_kept_counts_too():
    small = build(n_plans=3)
    figures.refresh(small.network)
    row = MonthlyFigure.objects.get(
        indicator="ui_goals_own_words",
        scope=figures.scope_key(small.network, None, None),
        month=small.a,
    )
    assert row.denominator == 3  # the count is kept as it is ...
    (series,) = figures.read(
        small.network, small.months, wants=[(BY_ID["ui_goals_own_words"], None)]
    )
    assert [f.value for f in series.months] == [SUPPRESSED, SUPPRESSED]  # ... and hidden here


def test_an_empty_network_keeps_nothing_to_count():
    empty = build(n_plans=0)
    figures.refresh(empty.network)
    for series in figures.read(empty.network, empty.months):
        assert [f.value for f in series.months] == [None, None], series.indicator.id


def test_late_entries_reach_the_last_months_and_older_months_stay(w):
    figures.refresh(w.network)
    # A task due in month a, open when it was counted, is done late.
    Task.objects.filter(pk=Task.objects.filter(status="open").order_by("pk")[0].pk).update(
        status="done"
    )
    want = [(BY_ID["sf_overdue_tasks"], None)]
    assert [f.value for f in figures.read(w.network, w.months, wants=want)[0].months] == [
        40.0,
        None,
    ]
    assert compute(BY_ID["sf_overdue_tasks"], w.network, w.months).months[0].value == 20.0
    # A refresh that counts no month again leaves the kept figure; the default one (the
    # last three closed months) brings the late entry in.
    assert figures.refresh(w.network, late_months=0) == 0
    assert figures.read(w.network, w.months, wants=want)[0].months[0].value == 40.0
    figures.refresh(w.network)
    assert figures.read(w.network, w.months, wants=want)[0].months[0].value == 20.0


def test_refresh_is_idempotent_and_keeps_counts_only(w):
    first = figures.refresh(w.network, services(w))
    rows = MonthlyFigure.objects.count()
    assert first == rows
    # Every available indicator and age group × 4 scopes × 36 closed months.
    assert rows == len(all_wants(w)) * 4 * figures.MAX_MONTHS
    again = figures.refresh(w.network, services(w))
    assert MonthlyFigure.objects.count() == rows
    assert again == len(all_wants(w)) * 4 * figures.LATE_MONTHS
    fields = {f.name for f in MonthlyFigure._meta.get_fields()}
    assert not fields & {"person", "plan", "user", "case", "referral"}


def test_the_current_month_is_counted_live_and_kept_for_a_while(w, settings):
    this_month = last_months(1)[0]
    want = [(BY_ID["cc_gap_days"], None)]
    figures.read(w.network, [this_month], wants=want)
    row = MonthlyFigure.objects.get(indicator="cc_gap_days", month=this_month)
    with CaptureQueriesContext(connection) as ctx:
        figures.read(w.network, [this_month], wants=want)
    assert len(ctx.captured_queries) == 1  # kept
    # Older than the setting: counted again (and kept again).
    MonthlyFigure.objects.filter(pk=row.pk).update(
        computed_at=timezone.now() - dt.timedelta(hours=1)
    )
    with CaptureQueriesContext(connection) as ctx:
        figures.read(w.network, [this_month], wants=want)
    assert len(ctx.captured_queries) > 1
    assert MonthlyFigure.objects.get(pk=row.pk).computed_at > row.computed_at
    # 0: counted on every view, nothing kept.
    settings.LAGET_QUALITY_LIVE_SECONDS = 0
    MonthlyFigure.objects.all().delete()
    figures.read(w.network, [this_month], wants=want)
    assert not MonthlyFigure.objects.exists()


def test_a_frequent_refresh_keeps_the_current_month_so_no_view_counts_it(w):
    figures.refresh(w.network)
    this_month = last_months(1)[0]
    wants = all_wants(w)
    assert figures.refresh(w.network, late_months=0, current=True) == len(wants)
    with CaptureQueriesContext(connection) as ctx:
        kept = figures.read(w.network, [w.a, w.b, this_month], wants=wants)
    assert len(ctx.captured_queries) == 1
    assert kept == live(w, [w.a, w.b, this_month])


def test_a_month_kept_while_it_ran_is_counted_again_once_it_is_over(w):
    want = [(BY_ID["sf_overdue_tasks"], None)]
    MonthlyFigure.objects.create(
        indicator="sf_overdue_tasks",
        scope=figures.scope_key(w.network, None, None),
        network=w.network,
        month=w.a,
        numerator=99,
        denominator=100,
        computed_at=midnight(w.a) + dt.timedelta(days=1),  # while month a ran
    )
    assert figures.read(w.network, w.months, wants=want)[0].months[0].value == 40.0
    figures.refresh(w.network, late_months=0)  # not counted after the month: counted now
    row = MonthlyFigure.objects.get(indicator="sf_overdue_tasks", month=w.a, service=None)
    assert (row.numerator, row.denominator) == (2, 5)


def test_quality_refresh_command(w):
    before = io.StringIO()
    call_command("quality_report", "--network", "lundvik", stdout=before)
    out = io.StringIO()
    call_command("quality_refresh", "--network", "lundvik", stdout=out)
    assert "Kept" in out.getvalue()
    assert MonthlyFigure.objects.filter(network=w.network, month=w.a).exists()
    after = io.StringIO()
    call_command("quality_report", "--network", "lundvik", stdout=after)
    assert after.getvalue() == before.getvalue()
    # Without --network: every network and the whole installation.
    call_command("quality_refresh", "--months", "0", "--current", stdout=io.StringIO())
    assert MonthlyFigure.objects.filter(network=None, month=w.a).exists()
    with pytest.raises(CommandError):
        call_command("quality_refresh", "--network", "finnes-ikke")
    with pytest.raises(CommandError):
        call_command("quality_refresh", "--months", "-1")


# --- Query counts, pinned, and the same as persons are added


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
    return len(ctx.captured_queries)


def _pages(w):
    slug = {"slug": w.network.slug}
    trend = {**slug, "indicator_id": "av_referral_to_decision"}
    return {
        "overview": reverse("quality:overview", kwargs=slug),
        "trend": reverse("quality:indicator", kwargs=trend),
        "csv": reverse("quality:export_csv", kwargs=slug),
        "xlsx": reverse("quality:export_xlsx", kwargs=slug),
        "api": reverse("api-v1:get_quality_indicators", kwargs=slug),
    }


# Kept (the nightly refresh ran, the current month was counted a moment ago): the door
# (session, user, MFA, the network, the leader check, the network's services) and ONE
# query for the figures; the API has no form, so no services query.
# The trend page also reads the network's districts (one query, +1: h19-district).
KEPT = {"overview": 7, "trend": 8, "csv": 7, "xlsx": 7, "api": 6}
# The current month no longer kept: one query per indicator (20; the trend: the indicator
# and its 6 age groups) for that month alone, and keeping it (savepoint, insert, release).
# The trend: +1 for the network's districts and +1 per district and "not recorded" (3 + 1
# here: a number the network sets, not one that grows with persons) = 17 + 5.
COLD = {"overview": 30, "trend": 22, "csv": 30, "xlsx": 30, "api": 29}


def _expire_current_month():
    MonthlyFigure.objects.filter(month=last_months(1)[0]).delete()


def test_pages_query_counts_are_pinned_and_do_not_grow_with_persons(w):
    client = Client()
    client.force_login(w.leader)
    pages = _pages(w)
    client.get(pages["overview"])  # the session's renewal, once
    counts = []
    for n in (0, 40):
        grow(w, n)
        figures.refresh(w.network, services(w))
        cold, kept = {}, {}
        for name, url in pages.items():
            _expire_current_month()
            cold[name] = _queries(client, url)
            kept[name] = _queries(client, url)
        counts.append((cold, kept))
    assert counts[0] == counts[1] == [(COLD, KEPT)][0]
