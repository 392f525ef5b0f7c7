"""Every quality route × every kind of actor (and every method, via the sweep); leaders see
counts only; the page's query count is pinned and does not grow with the data."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from laget.accounts.models import User
from laget.conftest import make_professional
from laget.directory.models import Membership
from laget.directory.tests.factories import ServiceFactory, UserFactory
from laget.quality.indicators import INDICATORS
from laget.quality.tests.data import SECRET_NAME, build, fill, grow
from laget.tests.sweep import sweep

pytestmark = pytest.mark.django_db

ACTORS = ["leader", "member", "coordinator", "outsider", "person", "anonymous"]
LEADERS = {
    "leader": 200,
    "member": 403,
    "coordinator": 403,
    "outsider": 403,
    "person": 403,
    "anonymous": 302,
}
PROFESSIONALS = dict.fromkeys(ACTORS, 200) | {"person": 403, "anonymous": 302}

QUALITY_MATRIX = {
    "quality:overview": LEADERS,
    "quality:indicator": LEADERS,
    "quality:report": LEADERS,
    "quality:export_csv": LEADERS,
    "quality:export_xlsx": LEADERS,
    "quality:definitions": PROFESSIONALS,
    "api-v1:get_quality_indicators": LEADERS | {"anonymous": 401},
}


@pytest.fixture
def w():
    world = build()
    fill(world)
    elsewhere = ServiceFactory(name="Et annet sted")
    world.outsider = make_professional(elsewhere, Membership.Role.LEADER)
    world.person = UserFactory(kind=User.Kind.PERSON, last_name=SECRET_NAME)
    world.anonymous = None
    return world


@pytest.fixture
def client_for(w):
    def make(actor: str) -> Client:
        client = Client()
        user = getattr(w, actor)
        if user is not None:
            client.force_login(user)
        return client

    return make


def url_for(route: str, w) -> str:
    if route == "quality:definitions":
        return reverse(route)
    if route == "quality:indicator":
        return reverse(route, kwargs={"slug": w.network.slug, "indicator_id": "sf_overdue_tasks"})
    return reverse(route, kwargs={"slug": w.network.slug})


@pytest.mark.parametrize("route", sorted(QUALITY_MATRIX))
def test_quality_route_for_every_actor(route, w, client_for):
    url = url_for(route, w)
    for actor in ACTORS:
        response = client_for(actor).get(url)
        assert response.status_code == QUALITY_MATRIX[route][actor], (route, actor)


@pytest.mark.parametrize("route", sorted(QUALITY_MATRIX))
def test_every_method_for_every_actor(route, w, client_for):
    sweep(
        route=route,
        url=url_for(route, w),
        expected=QUALITY_MATRIX[route],
        client_for=client_for,
        secret=SECRET_NAME.encode(),
    )


def test_unknown_network_and_indicator_are_not_found(w, client_for):
    leader = client_for("leader")
    assert (
        leader.get(reverse("quality:overview", kwargs={"slug": "finnes-ikke"})).status_code == 404
    )
    url = reverse("quality:indicator", kwargs={"slug": w.network.slug, "indicator_id": "nope"})
    assert leader.get(url).status_code == 404


def test_leaders_see_counts_never_a_name_or_id(w, client_for):
    leader = client_for("leader")
    urls = [url_for(r, w) for r in QUALITY_MATRIX if r != "api-v1:get_quality_indicators"]
    urls += [
        reverse("quality:indicator", kwargs={"slug": w.network.slug, "indicator_id": i.id})
        for i in INDICATORS
    ]
    urls.append(url_for("api-v1:get_quality_indicators", w))
    names = {SECRET_NAME} | {p.person.first_name for p in w.plans}
    for url in urls:
        response = leader.get(url)
        assert response.status_code == 200, url
        body = response.content
        if url.endswith(".xlsx"):
            book = load_workbook(io.BytesIO(body))
            body = "\n".join(
                str(c.value) for row in book.active.iter_rows() for c in row if c.value
            ).encode()
        for name in names:
            assert name.encode() not in body, (url, name)
        for plan in w.plans:
            assert f"/planer/{plan.pk}/".encode() not in body, url


def test_the_page_shows_values_trend_and_numbers(w, client_for):
    leader = client_for("leader")
    body = leader.get(url_for("quality:overview", w)).content.decode()
    assert "skjult" in body.lower() or "Skjult" in body  # the small cells
    assert 'class="quality-spark"' in body
    page = leader.get(url_for("quality:indicator", w)).content.decode()
    assert "<svg" in page and "<table" in page
    assert ">40,0<" in page  # the value beside the chart, with its numerator and denominator
    assert '<td class="num">2</td><td class="num">5</td>' in page
    perceived = reverse(
        "quality:indicator", kwargs={"slug": w.network.slug, "indicator_id": "ef_perceived_change"}
    )
    page = leader.get(perceived).content.decode()
    assert "<svg" in page and ">60,0<" in page  # 3 of the 5 closed cases feel better


def test_the_trend_page_shows_the_district_breakdown(w, client_for):
    """Sentrum's two young persons and the three without a person are hidden (few); the
    empty districts show nothing to count; a district is named, a person never."""
    import re

    page = client_for("leader").get(
        reverse(
            "quality:indicator",
            kwargs={"slug": w.network.slug, "indicator_id": "av_referral_to_decision"},
        )
    )
    body = page.content.decode()
    assert "Etter kommunedel" in body
    table = body[body.index('id="district-caption"') :]
    table = table[: table.index("</table>")]
    heads = re.findall(r'<th scope="col" class="num">([^<]+)</th>', table)
    assert heads == ["Nordsida", "Sentrum", "Øyane", "kommunedel ikke registrert"]
    rows = re.findall(r'<tr><th scope="row">.*?</tr>', table)
    month_a = rows[-3]  # the last three rows: a, b and the current month
    cells = re.findall(r'<td class="num">(.*?)</td>', month_a, re.S)
    assert len(cells) == 4
    nordsida, sentrum, oyane, unknown = (c.strip() for c in cells)
    assert "skjult" in sentrum.lower() and "skjult" in unknown.lower()
    assert "skjult" not in nordsida.lower() and "skjult" not in oyane.lower()
    assert SECRET_NAME not in body


def test_csv_and_json_exports_hold_every_indicator(w, client_for):
    leader = client_for("leader")
    csv_body = leader.get(url_for("quality:export_csv", w)).content.decode()
    for i in INDICATORS:
        assert i.id in csv_body
    data = leader.get(url_for("api-v1:get_quality_indicators", w)).json()
    ids = {e["id"] for entries in data["indicators"].values() for e in entries}
    assert ids == {i.id for i in INDICATORS}


def test_bad_input_gets_a_norwegian_message_and_the_defaults(w, client_for):
    leader = client_for("leader")
    response = leader.get(url_for("quality:overview", w), {"maaneder": "mange", "tjeneste": "x"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Skriv antall måneder som et helt tall" in body
    assert "Velg en tjeneste fra listen" in body
    api = leader.get(url_for("api-v1:get_quality_indicators", w), {"months": 99})
    assert api.status_code == 422
    api = leader.get(url_for("api-v1:get_quality_indicators", w), {"service": "finnes-ikke"})
    assert api.status_code == 404


def test_a_service_filter_narrows_the_figures(w, client_for):
    leader = client_for("leader")
    url = url_for("api-v1:get_quality_indicators", w)
    data = leader.get(url, {"service": w.dps.slug, "months": 3}).json()
    tasks = next(e for e in data["indicators"]["safety"] if e["id"] == "sf_overdue_tasks")
    assert set(tasks["months"].values()) == {None}


def _queries(client, url) -> int:
    # A first request renews the session (a write at most once a minute); count the next.
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# Session, user, MFA, the network, the leader check, its services, the kept monthly figures
# (quality.figures; here only the current month, kept by the first view), one query per
# indicator (20) for the closed months no refresh has kept yet. Kept months: test_figures.
OVERVIEW_QUERIES = 27
# The same door (6), the kept figures, one query for the indicator and one per age group (6),
# the network's districts (1) and one per district and "not recorded" (3 + 1): h19-district.
INDICATOR_QUERIES = 19


def test_overview_query_count_is_pinned_and_flat(w, client_for):
    leader = client_for("leader")
    url = url_for("quality:overview", w)
    first = _queries(leader, url)
    assert first == OVERVIEW_QUERIES
    # Fifty more persons with plans, goals, tasks, ratings and meetings: the same count.
    grow(w, 50)
    assert _queries(leader, url) == first
    # Twelve months or thirty-six: the same number of queries.
    assert _queries(leader, url + "?maaneder=36") == first


def test_indicator_page_query_count_is_pinned(w, client_for):
    leader = client_for("leader")
    url = reverse(
        "quality:indicator",
        kwargs={"slug": w.network.slug, "indicator_id": "av_referral_to_decision"},
    )
    first = _queries(leader, url)
    assert first == INDICATOR_QUERIES
    grow(w, 20)
    assert _queries(leader, url) == first
