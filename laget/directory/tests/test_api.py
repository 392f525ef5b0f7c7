"""The directory's JSON API: public catalogue, staff for professionals, clear errors."""

from __future__ import annotations

import pytest

from laget.directory.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_services_search_and_filters(world, client):
    ServiceFactory(name="Boligkontoret", slug="bolig", entry__keywords="bolig husleie")
    data = client.get("/api/v1/services", {"q": "husleie"}).json()
    assert [s["slug"] for s in data["items"]] == ["bolig"]
    assert data["count"] == 1
    level = client.get("/api/v1/services", {"level": "specialist"}).json()
    assert level["count"] == 0


def test_invalid_filter_gets_a_norwegian_422(world, client):
    response = client.get("/api/v1/services", {"level": "galaktisk"})
    assert response.status_code == 422
    body = response.json()
    assert "ugyldige" in body["detail"]
    assert body["errors"][0]["loc"] == ["query", "level"]


def test_service_detail_with_catalogue_entry(world, client):
    data = client.get(f"/api/v1/services/{world.service.slug}").json()
    assert data["name"] == "Psykisk helse Testvik"
    assert data["entry"]["offer"] == "Samtaler og oppfølging."
    assert data["entry"]["version"] == 1
    assert data["organisation"]["org_number"] == world.service.organisation.org_number
    entry = client.get(f"/api/v1/services/{world.service.slug}/catalogue-entry").json()
    assert entry["summary"] == data["entry"]["summary"]


def test_unknown_service_is_404(db, client):
    response = client.get("/api/v1/services/finnes-ikke")
    assert response.status_code == 404
    assert response.json() == {"detail": "Finnes ikke."}


def test_staff_for_professionals_only(world, client):
    url = f"/api/v1/services/{world.service.slug}/staff"
    assert client.get(url).status_code == 401
    client.force_login(world.outsider)
    names = {s["name"] for s in client.get(url).json()}
    assert names == {world.owner.get_full_name(), world.member.get_full_name()}


def test_openapi_document_lists_the_endpoints(db, client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/services", "/api/v1/organisations", "/api/v1/services/{slug}/staff"} <= set(
        spec["paths"]
    )


def test_constant_queries_for_the_service_list(world, client, django_assert_num_queries):
    for _ in range(20):
        ServiceFactory()
    # Expect 2 queries (anonymous): COUNT of services, one page with organisation and entry.
    with django_assert_num_queries(2):
        assert client.get("/api/v1/services").status_code == 200
