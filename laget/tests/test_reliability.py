"""Issue 14: no 500 from any input, calm 503s when the database is in trouble, health
probes, sessions that end. Each test here failed on the code before the fix."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from laget.accounts.middleware import LOGIN_AT_KEY
from laget.api import ERROR_RESPONSES
from laget.directory.models import CatalogueEntry
from laget.directory.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

BIGGEST = "9223372036854775807"


@pytest.fixture
def plain():
    # A client that answers like a browser sees it: a 500 is a response, not an exception.
    return Client(raise_request_exception=False)


class TestNoServerErrorFromInput:
    @pytest.mark.parametrize("path", ["/api/v1/organisations", "/api/v1/services"])
    @pytest.mark.parametrize("page", [BIGGEST, "99999999999999999999999", "0", "-1", "x"])
    def test_page_numbers_are_bounded(self, world, plain, path, page):
        response = plain.get(path, {"page": page})
        assert response.status_code in (400, 422), (page, response.status_code)
        assert response.json()["detail"]

    def test_a_page_far_beyond_the_last_is_refused_with_a_message(self, world, plain):
        response = plain.get("/api/v1/services", {"page": "10001"})
        assert response.status_code == 422
        assert "errors" in response.json()

    def test_a_service_without_a_catalogue_entry(self, world, plain):
        service = ServiceFactory(slug="uten-oppforing")
        CatalogueEntry.objects.filter(service=service).delete()
        detail = plain.get(f"/api/v1/services/{service.slug}")
        assert detail.status_code == 200
        assert detail.json()["entry"] is None
        entry = plain.get(f"/api/v1/services/{service.slug}/catalogue-entry")
        assert entry.status_code == 404
        assert plain.get(reverse("directory:service", args=[service.slug])).status_code == 200

    @pytest.mark.parametrize(
        "path",
        [
            "/api/v1/organisations/99999999999999999999",
            f"/api/v1/organisations/{BIGGEST}1",
            "/api/v1/plans/123456789012345678901234567890",
        ],
    )
    def test_ids_beyond_64_bits_are_refused(self, world, plain, path):
        client = Client(raise_request_exception=False)
        client.force_login(world.member)
        for c in (plain, client):
            response = c.get(path)
            assert response.status_code == 400, path
            assert "for stort" in response.json()["detail"]

    def test_digits_inside_a_token_are_not_a_number(self, world, plain):
        # A personal survey link is 40 hex characters; a run of 20 digits in it is no id.
        token = "ab" + "98765432109876543210" + "cdef" * 4 + "ab"
        response = plain.get(reverse("surveys:answer", kwargs={"token": token}))
        assert response.status_code == 404  # looked up (and not found), not refused
        assert "Lenken virker ikke" in response.content.decode()
        assert plain.get(f"/api/v1/services?q=x{BIGGEST}1x").status_code == 200

    @pytest.mark.parametrize("text", ["a\x00b", "\x1b[31m", "x\x7f", "\x85"])
    def test_control_characters_in_a_search_are_refused(self, world, plain, text):
        for path in ("/api/v1/services", reverse("directory:catalogue")):
            response = plain.get(path, {"q": text})
            assert response.status_code == 400, (path, text)
            assert "kontrolltegn" in response.content.decode()

    def test_control_characters_in_a_form_are_refused_and_nothing_is_written(self, world):
        client = Client(raise_request_exception=False)
        client.force_login(world.owner)
        url = reverse("directory:service_edit", args=[world.service.slug])
        entry = CatalogueEntry.objects.get(service=world.service)
        response = client.post(url, {"summary": "Ny\x00tekst", "version": entry.version})
        assert response.status_code == 400
        assert "kontrolltegn" in response.content.decode()
        entry.refresh_from_db()
        assert "\x00" not in entry.summary

    def test_tabs_and_newlines_are_ordinary_text(self, world, plain):
        assert plain.get("/api/v1/services", {"q": "bolig\tstøtte\n"}).status_code == 200

    def test_every_operation_documents_every_error(self, world, plain):
        schema = plain.get("/api/v1/openapi.json").json()
        assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                missing = set(ERROR_RESPONSES) - set(operation["responses"])
                assert not missing, (method, path, missing)
                unavailable = operation["responses"]["503"]
                assert "Retry-After" in unavailable["headers"]


def database_down(*args, **kwargs):
    raise OperationalError("connection refused")


class TestDatabaseTrouble:
    def test_a_view_meeting_a_dead_database_answers_503_with_retry_after(
        self, world, plain, monkeypatch
    ):
        monkeypatch.setattr("laget.directory.selectors.service_queryset", database_down)
        monkeypatch.setattr("laget.directory.selectors.catalogue_search", database_down)
        api = plain.get("/api/v1/services")
        assert api.status_code == 503
        assert api["Retry-After"] == "5"
        assert "databasen" in api.json()["detail"]
        page = plain.get(reverse("directory:catalogue"))
        assert page.status_code == 503
        assert page["Retry-After"] == "5"
        assert "Et øyeblikk" in page.content.decode()

    def test_a_middleware_meeting_a_dead_database_answers_503(self, world, monkeypatch):
        client = Client(raise_request_exception=False)
        client.force_login(world.member)
        monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", database_down)
        for path in (reverse("home"), "/api/v1/plans"):
            response = client.get(path)
            assert response.status_code == 503, path
            assert response["Retry-After"] == "5"

    def test_other_errors_stay_500(self, world, plain, monkeypatch):
        def broken(*args, **kwargs):
            raise RuntimeError("a bug")

        monkeypatch.setattr("laget.directory.selectors.catalogue_search", broken)
        response = plain.get(reverse("directory:catalogue"))
        assert response.status_code == 500
        assert "Retry-After" not in response

    def test_after_trouble_the_next_requests_are_refused_at_once(
        self, world, plain, monkeypatch, settings, django_assert_num_queries
    ):
        # Before the breaker, each request waited out the pool timeout (2 s) and, queued
        # behind the others, a request took 11 s to be refused under load.
        settings.LAGET_DB_BREAKER_SECONDS = 60
        calls = []

        def down(*args, **kwargs):
            calls.append(1)
            raise OperationalError("connection refused")

        monkeypatch.setattr("laget.directory.selectors.catalogue_search", down)
        assert plain.get(reverse("directory:catalogue")).status_code == 503
        assert calls == [1]
        with django_assert_num_queries(0):
            for path in (reverse("directory:catalogue"), "/api/v1/services", reverse("home")):
                response = plain.get(path)
                assert response.status_code == 503, path
                assert response["Retry-After"] == "5"
        assert calls == [1]  # nobody asked the database again
        assert plain.get("/healthz").status_code == 200  # the probes pass through
        from laget.core import resilience

        # The moment has passed: one request tries, meets the dead database, and the
        # breaker opens again.
        resilience._trouble_until = time.monotonic() - 1
        assert plain.get(reverse("directory:catalogue")).status_code == 503
        assert calls == [1, 1]
        assert resilience.trouble_known()
        # The database is back: the first request through closes the breaker.
        monkeypatch.undo()
        resilience._trouble_until = time.monotonic() - 1
        assert plain.get(reverse("directory:catalogue")).status_code == 200
        assert resilience._trouble_until == 0.0
        # /readyz asks the database whatever the breaker says, and closes it.
        resilience.note_trouble()
        assert plain.get("/readyz").status_code == 200
        assert plain.get("/api/v1/services").status_code == 200

    def test_health_and_readiness(self, world, plain, monkeypatch):
        assert plain.get("/healthz").json() == {"status": "ok"}
        assert plain.get("/readyz").json() == {"status": "ok", "database": "ok"}
        monkeypatch.setattr(
            "django.db.backends.base.base.BaseDatabaseWrapper.cursor", database_down
        )
        assert plain.get("/healthz").status_code == 200  # the process still lives
        ready = plain.get("/readyz")
        assert ready.status_code == 503
        assert ready["Retry-After"] == "5"

    def test_readiness_waits_for_migrations(self, world, plain, monkeypatch):
        monkeypatch.setattr(
            "django.db.migrations.executor.MigrationExecutor.migration_plan",
            lambda self, targets: [("a migration", False)],
        )
        ready = plain.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["pending_migrations"] == 1


class TestSessionsEnd:
    def test_a_session_ends_at_its_absolute_lifetime(self, world, settings):
        settings.LAGET_SESSION_MAX_SECONDS = 12 * 60 * 60
        client = Client()
        client.force_login(world.member)
        assert client.get(reverse("home")).wsgi_request.user == world.member
        session = client.session
        session[LOGIN_AT_KEY] = time.time() - 12 * 60 * 60 - 5
        session.save()
        response = client.get(reverse("directory:whos_who", args=[world.network.slug]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        # And it stays ended: the old session was flushed, not only skipped once.
        assert client.get(reverse("home")).wsgi_request.user.is_anonymous

    def test_busy_sessions_end_too_and_the_limit_is_a_setting(self, world, settings):
        settings.LAGET_SESSION_MAX_SECONDS = 60
        client = Client()
        client.force_login(world.member)
        session = client.session
        session[LOGIN_AT_KEY] = time.time() - 61
        session.save()
        assert client.get(reverse("home")).wsgi_request.user.is_anonymous

    def test_logging_out_ends_the_session_everywhere(self, world):
        laptop, phone = Client(), Client()
        laptop.force_login(world.member)
        phone.force_login(world.member)
        assert phone.get(reverse("home")).wsgi_request.user == world.member
        laptop.post(reverse("account_logout"))
        assert phone.get(reverse("home")).wsgi_request.user.is_anonymous
        # A new login afterwards is a new session, and works.
        phone.force_login(world.member)
        assert phone.get(reverse("home")).wsgi_request.user == world.member
