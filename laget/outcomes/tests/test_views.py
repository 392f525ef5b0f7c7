"""Ratings on the real database: consent, the access log, bad input, links, alerts, the
report, and the number of queries as the sessions grow."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from laget.audit.models import AccessLogEntry, ChangeRecord
from laget.conftest import make_professional
from laget.directory.models import Membership
from laget.outcomes import selectors, services
from laget.outcomes.models import Rating, ServiceSettings
from laget.outcomes.tests.factories import lines, rate
from laget.plans.models import Plan

pytestmark = pytest.mark.django_db


def chart_url(w) -> str:
    return reverse("outcomes:chart", kwargs={"plan_id": w.plan.pk})


def dashboard(client) -> str:
    return client.get(reverse("continuity:dashboard")).content.decode()


def test_a_service_without_the_consent_sees_nothing_and_gets_no_alert(
    plan_world, plan_client, consent
):
    w = plan_world
    for i, total in enumerate([20, 12]):  # reliable deterioration: an alert
        rate(w, "outcome", total, date=dt.date(2026, 1, 1 + i))
    dps = plan_client("team_professional")  # on the team, plan consent, no ratings consent
    assert dps.get(chart_url(w)).status_code == 404
    assert "Testesen" not in dashboard(dps)
    assert plan_client("coordinator").get(chart_url(w)).status_code == 200
    assert "Testesen" in dashboard(plan_client("coordinator"))
    # The person gives the DPS the ratings: now it sees them, and the alert.
    consent(w, to_service=w.dps)
    before = AccessLogEntry.objects.count()
    body = dps.get(chart_url(w)).content.decode()
    assert AccessLogEntry.objects.count() - before == 1
    entry = AccessLogEntry.objects.latest("pk")
    assert entry.category == "outcomes" and entry.actor_id == w.team_professional.pk
    assert "Det har gått merkbart verre siden start" in body or "merkbart verre" in body
    before = AccessLogEntry.objects.count()
    assert "Testesen" in dashboard(dps)
    assert AccessLogEntry.objects.count() - before == 1  # one per person listed


def test_the_person_rates_and_sees_the_chart_with_table_and_reading(plan_world, plan_client):
    w = plan_world
    person = plan_client("person")
    url = reverse("outcomes:rate", kwargs={"plan_id": w.plan.pk, "instrument": "outcome"})
    form = person.get(url).content.decode()
    assert 'type="range"' in form and 'step="0.1"' in form and "<output" in form
    for i, total in enumerate([14.0, 16.4]):
        key = str(uuid.uuid4())
        data = lines(total) | {"client_key": key, "service": w.municipal.pk}
        response = person.post(url, data)
        assert response.status_code == 302
        person.post(url, data)  # sent again after a dropped connection: stored once
        Rating.objects.filter(client_key=key).update(date=dt.date(2026, 1, 1 + 7 * i))
    rate(w, "outcome", 22.5, actor=w.person, date=dt.date(2026, 2, 1))
    assert Rating.objects.filter(plan=w.plan).count() == 3
    body = person.get(chart_url(w)).content.decode()
    assert "<svg" in body and 'class="cutoff"' in body and 'class="band"' in body
    assert "<table" in body and "22,5" in body
    assert "Du har fått det merkbart bedre siden start" in body
    # SVG coordinates are plain numbers with a point, in Norwegian too.
    assert 'cy="' in body and "," not in body.split('cy="')[1].split('"')[0]


@pytest.mark.parametrize(
    ("answers", "words"),
    [
        ({"individual": 11, "interpersonal": 5, "social": 5, "overall": 5}, "mellom 0 og 10"),
        ({"individual": "", "interpersonal": 5, "social": 5, "overall": 5}, "alle fire"),
        ({"individual": "mye", "interpersonal": 5, "social": 5, "overall": 5}, "ikke et tall"),
    ],
)
def test_bad_input_is_refused_in_norwegian_and_nothing_is_stored(
    plan_world, plan_client, answers, words
):
    w = plan_world
    url = reverse("outcomes:rate", kwargs={"plan_id": w.plan.pk, "instrument": "outcome"})
    data = answers | {"client_key": str(uuid.uuid4()), "service": w.municipal.pk}
    response = plan_client("person").post(url, data)
    assert response.status_code == 400 and words in response.content.decode()
    assert not Rating.objects.exists()


def test_a_closed_plan_takes_no_ratings(plan_world, plan_client):
    w = plan_world
    Plan.objects.filter(pk=w.plan.pk).update(status=Plan.Status.CLOSED)
    url = reverse("outcomes:rate", kwargs={"plan_id": w.plan.pk, "instrument": "outcome"})
    data = lines(20) | {"client_key": str(uuid.uuid4()), "service": w.municipal.pk}
    response = plan_client("coordinator").post(url, data)
    assert response.status_code == 400 and "Planen er avsluttet" in response.content.decode()
    assert not Rating.objects.exists()


def test_a_personal_link_works_once(plan_world, client):
    w = plan_world
    _link, token = services.rating_link_create(
        actor=w.coordinator, plan=w.plan, instrument="alliance"
    )
    url = reverse("outcomes:rate_by_link", kwargs={"token": token})
    page = client.get(url).content.decode()
    assert "Testesen" not in page and 'type="range"' in page
    bad = {
        "relationship": 12,
        "goals": 9,
        "approach": 9,
        "overall": 9,
        "client_key": str(uuid.uuid4()),
    }
    assert client.post(url, bad).status_code == 400
    good = {
        "relationship": 9.5,
        "goals": 8.1,
        "approach": 9,
        "overall": 9.2,
        "client_key": str(uuid.uuid4()),
    }
    response = client.post(url, good)
    assert response.status_code == 200 and "Takk" in response.content.decode()
    again = client.post(url, good | {"client_key": str(uuid.uuid4())})
    assert again.status_code == 409 and "allerede brukt" in again.content.decode()
    assert Rating.objects.count() == 1
    rating = Rating.objects.get()
    assert float(rating.total) == 35.8 and rating.session == 1 and rating.entered_by is None
    assert ChangeRecord.objects.filter(action="outcomes.rating_record").count() == 1
    unknown = client.get(reverse("outcomes:rate_by_link", kwargs={"token": "nei"}))
    assert unknown.status_code == 410 and "finner ikke" in unknown.content.decode()


def test_phq9_item_9_is_urgent_with_the_crisis_routine_and_safe_steps(plan_world, plan_client):
    w = plan_world
    ServiceSettings.objects.create(
        service=w.municipal, crisis_routine="Ring personen i dag. Vakttelefon 55 55 55 55."
    )
    url = reverse("outcomes:rate", kwargs={"plan_id": w.plan.pk, "instrument": "phq9"})
    answers = {f"q{i}": 1 for i in range(1, 10)}
    data = answers | {"client_key": str(uuid.uuid4()), "service": w.municipal.pk}
    response = plan_client("person").post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and "113" in body and "116 123" in body
    assert Rating.objects.get().risk is True
    board = dashboard(plan_client("coordinator"))
    assert "Haster" in board and "Vakttelefon 55 55 55 55" in board


def test_alliance_alerts_low_and_falling(plan_world, plan_client):
    w = plan_world
    rate(w, "alliance", 39, date=dt.date(2026, 1, 1))
    rate(w, "alliance", 37.5, date=dt.date(2026, 1, 8))
    board = dashboard(plan_client("coordinator"))
    assert "39" in board and "37,5" in board  # fell by 1.5
    rate(w, "alliance", 38, date=dt.date(2026, 1, 15))
    assert "Testesen" not in dashboard(plan_client("coordinator"))  # recovered: no alert


def _sessions(w, n: int) -> None:
    for i in range(n):
        rate(w, "outcome", 10 + (i % 5), date=dt.date(2026, 1, 1) + dt.timedelta(days=i))
        rate(w, "alliance", 30 + (i % 5), date=dt.date(2026, 1, 1) + dt.timedelta(days=i))


@pytest.mark.parametrize("n", [3, 30])
def test_chart_page_queries_stay_the_same_as_sessions_grow(
    plan_world, plan_client, django_assert_num_queries, log_write_queries, n
):
    w = plan_world
    _sessions(w, n)
    coordinator = plan_client("coordinator")
    coordinator.get(chart_url(w))  # the session is renewed and the chain head exists
    # Expect 7 queries and the access-log entry's:
    #   1-3   session, user, TOTP authenticator (the MFA rule)
    #   4     the plan with person and owner
    #   5     the coordinator's place on the team (no consents: the coordinator reads all)
    #   6     the person's ratings with their services, in session order
    #   then  the access-log entry (log_write_queries: one statement or three)
    #   7     the imported text packs for the instruments shown
    with django_assert_num_queries(7 + log_write_queries):
        response = coordinator.get(chart_url(w))
    assert response.status_code == 200 and response.content.count(b'class="point"') == 2 * n


def test_outcome_alerts_on_needs_attention_stay_the_same_as_sessions_grow(plan_world, plan_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = plan_world
    coordinator = plan_client("coordinator")
    dashboard(coordinator)
    counts = []
    for n in (3, 30):
        Rating.objects.all().delete()
        _sessions(w, n)  # alliance below 36: an alert each time
        dashboard(coordinator)  # the access-log chain's head exists from here on
        with CaptureQueriesContext(connection) as queries:
            assert "Testesen" in dashboard(coordinator)
        ours = [q["sql"] for q in queries.captured_queries if "outcomes_" in q["sql"]]
        counts.append((len(queries), len(ours)))
    # The outcome section adds: the user's team places and the consents in force (2, as
    # plans.access.team_accesses), the ratings (1), the services' settings (1), then one
    # access-log entry per person listed (written together). Two of them read outcomes_.
    assert counts[0] == counts[1] and counts[0][1] == 2


def test_the_service_report_for_leaders_with_suppression_csv_and_xlsx(plan_world, client):
    w = plan_world
    leader = make_professional(w.municipal, Membership.Role.LEADER)
    client.force_login(leader)
    rate(w, "outcome", 14, date=dt.date(2026, 1, 1))
    rate(w, "outcome", 26, date=dt.date(2026, 2, 1))
    page = client.get(reverse("outcomes:report", kwargs={"slug": w.municipal.slug}))
    body = page.content.decode()
    assert page.status_code == 200 and "for få til å vise" in body and "Testesen" not in body
    csv_body = client.get(reverse("outcomes:report_csv", kwargs={"slug": w.municipal.slug}))
    assert b"outcome,1," in csv_body.content
    xlsx = client.get(reverse("outcomes:report_xlsx", kwargs={"slug": w.municipal.slug}))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(2, 1).value == "outcome" and sheet.cell(2, 2).value == 1
    saved = client.post(
        reverse("outcomes:report", kwargs={"slug": w.municipal.slug}),
        {"sessions_before_alert": "1", "crisis_routine": ""},
    )
    assert saved.status_code == 400 and "mellom 2 og 30" in saved.content.decode()
    client.post(
        reverse("outcomes:report", kwargs={"slug": w.municipal.slug}),
        {"sessions_before_alert": "6", "crisis_routine": "Ring vakta."},
    )
    assert ServiceSettings.objects.get(service=w.municipal).sessions_before_alert == 6


def test_someone_close_rates_beside_the_person_only_where_the_person_agrees(
    plan_world, plan_client, consent
):
    w = plan_world
    url = reverse("outcomes:rate", kwargs={"plan_id": w.plan.pk, "instrument": "outcome"})
    mother = plan_client("relative_with_consent")
    assert mother.get(url).status_code == 404  # plan and messages only: no ratings
    consent(w, to_relative=w.relative_with_consent)
    data = lines(18) | {"client_key": str(uuid.uuid4()), "service": w.municipal.pk}
    assert mother.post(url, data).status_code == 302
    rating = Rating.objects.get()
    assert rating.rater == "collateral" and rating.rater_name.startswith("Mor")
    rate(w, "outcome", 12)
    body = plan_client("person").get(chart_url(w)).content.decode()
    assert "noen som står nær" in body and body.count('class="point"') == 1


def test_the_api_gives_questionnaire_responses_and_refuses_bad_input_in_norwegian(
    plan_world, plan_client
):
    import json

    w = plan_world
    url = reverse("api-v1:list_ratings", kwargs={"plan_id": w.plan.pk})
    person = plan_client("person")
    body = {
        "instrument": "phq9",
        "service_id": w.municipal.pk,
        "answers": {f"q{i}": 1 for i in range(1, 10)} | {"q9": 0, "q3": 5},
        "client_key": str(uuid.uuid4()),
    }
    refused = person.post(url, json.dumps(body), content_type="application/json")
    assert refused.status_code == 422 and "Svaret må være ett av disse" in refused.json()["detail"]
    body["answers"]["q3"] = 2
    created = person.post(url, json.dumps(body), content_type="application/json")
    assert created.status_code == 201
    again = person.post(url, json.dumps(body), content_type="application/json")
    assert again.status_code == 201 and again.json()["id"] == created.json()["id"]
    bundle = person.get(url).json()
    assert bundle["resourceType"] == "Bundle" and bundle["total"] == 1
    response = bundle["entry"][0]["resource"]
    assert response["resourceType"] == "QuestionnaireResponse"
    assert response["status"] == "completed" and response["questionnaire"].endswith("phq9")
    total = next(i for i in response["item"] if i["linkId"] == "total")
    assert total["answer"][0]["valueDecimal"] == 9.0


def test_from_an_empty_database_every_page_says_there_is_nothing_yet(plan_world, plan_client):
    w = plan_world
    leader = make_professional(w.municipal, Membership.Role.LEADER)
    client = plan_client("coordinator")
    client.force_login(leader)
    report = client.get(reverse("outcomes:report", kwargs={"slug": w.municipal.slug}))
    assert report.status_code == 200 and "Ingen vurderinger ennå." in report.content.decode()
    csv_body = client.get(reverse("outcomes:report_csv", kwargs={"slug": w.municipal.slug}))
    assert csv_body.status_code == 200 and len(csv_body.content.decode().splitlines()) == 1
    chart = plan_client("person").get(chart_url(w)).content.decode()
    assert "Ingen vurderinger ennå." in chart and "<svg" not in chart
    groups = plan_client("coordinator").get(reverse("outcomes:group_list")).content.decode()
    assert "Ingen gruppetimer ennå." in groups
    nobody = plan_client("team_professional").get(reverse("outcomes:group_new")).content.decode()
    assert "Ingen kan legges til ennå" in nobody


def test_the_report_from_the_database_by_hand(plan_world, client):
    """Five persons through the grouped query: first and last by session (not the lowest
    and highest total), tenths kept, one dropout."""
    import statistics

    from laget.outcomes.tests.test_groups import more_plans

    w = plan_world
    plans = [w.plan, *more_plans(w, 4)]
    series = [(14.5, 12, 26.3), (20, 22), (24, 18), (10, 30), (30,)]
    for plan, totals in zip(plans, series, strict=True):
        for i, total in enumerate(totals):
            services.rating_record(
                actor=w.coordinator, plan=plan, service=w.municipal, instrument="outcome",
                answers=lines(total), client_key=uuid.uuid4(), date=dt.date(2026, 1, 1 + i),
            )  # fmt: skip
    leader = make_professional(w.municipal, Membership.Role.LEADER)
    client.force_login(leader)
    (row,) = selectors.service_report(actor=leader, service_slug=w.municipal.slug).rows
    # 14.5 -> 26.3 and 10 -> 30 improve reliably (≥ 5) and cross 25: recovered; 24 -> 18
    # deteriorates; 20 -> 22 is no reliable change; 30 alone is a dropout.
    assert row["n"] == 5
    assert row["improved_pct"] == 40.0 and row["recovered_pct"] == 40.0
    assert row["deteriorated_pct"] == 20.0 and row["dropout_pct"] == 20.0
    better = [26.3 - 14.5, 2, -6, 20]
    expected = statistics.mean(better) / statistics.stdev([14.5, 20, 24, 10])
    assert row["effect_size"] == pytest.approx(expected)  # 6.95 / 6.142 = 1.131
    assert row["effect_size"] == pytest.approx(1.1315, abs=1e-4)
