"""Catalogue pages through the test client: search, edit, conflicts, bad input, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from laget.directory.models import CatalogueEntry, Organisation, Service
from laget.directory.tests.factories import MembershipFactory, OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def bulk_services(n: int, organisation: Organisation) -> None:
    """n services with entries, inserted in two statements (fast enough for 1,000)."""
    start = Service.objects.count()
    services = Service.objects.bulk_create(
        Service(
            organisation=organisation,
            name=f"Masse-tjeneste {start + i}",
            slug=f"masse-{start + i}",
            level=Service.Level.MUNICIPAL,
            sector=Service.Sector.CARE,
        )
        for i in range(n)
    )
    CatalogueEntry.objects.bulk_create(
        CatalogueEntry(service=s, summary="Praktisk hjelp", phone="77 00 00 00") for s in services
    )


class TestCatalogueSearch:
    def test_finds_by_keyword_in_catalogue_text(self, world, client):
        ServiceFactory(name="Boligkontoret", slug="bolig", entry__keywords="bolig, husleie")
        response = client.get(reverse("directory:catalogue"), {"q": "husleie"})
        assert response.status_code == 200
        assert b"Boligkontoret" in response.content
        assert b"Rusteam Testvik" not in response.content

    def test_every_word_must_match(self, world, client):
        ServiceFactory(name="Rusbolig", slug="rusbolig", entry__keywords="bolig rus")
        ServiceFactory(name="Bare bolig", slug="bare-bolig", entry__keywords="bolig")
        response = client.get(reverse("directory:catalogue"), {"q": "bolig rus"})
        assert b"Rusbolig" in response.content
        assert b"Bare bolig" not in response.content

    def test_filters_by_level_sector_and_organisation(self, world, client):
        dps = OrganisationFactory(name="Testvik DPS", kind=Organisation.Kind.DPS)
        ServiceFactory(
            name="Poliklinikken", slug="poli", organisation=dps, level=Service.Level.SPECIALIST
        )
        url = reverse("directory:catalogue")
        by_level = client.get(url, {"level": "specialist"})
        assert b"Poliklinikken" in by_level.content
        assert b"Psykisk helse Testvik" not in by_level.content
        by_org = client.get(url, {"organisation": dps.pk})
        assert b"Poliklinikken" in by_org.content
        assert b"Rusteam Testvik" not in by_org.content
        by_sector = client.get(url, {"sector": "housing"})
        assert b"Poliklinikken" not in by_sector.content

    def test_unknown_filter_values_are_ignored_with_a_message(self, world, client):
        response = client.get(
            reverse("directory:catalogue"), {"level": "galaktisk", "organisation": "99999"}
        )
        assert response.status_code == 200
        assert "Velg en av organisasjonene i listen" in response.content.decode()
        assert b"Psykisk helse Testvik" in response.content

    def test_htmx_request_gets_only_the_results(self, world, client):
        response = client.get(
            reverse("directory:catalogue"), {"q": "Rusteam"}, HTTP_HX_REQUEST="true"
        )
        assert b"<html" not in response.content
        assert b"Rusteam Testvik" in response.content

    def test_pages_through_many_results(self, world, client, settings):
        settings.LAGET_CATALOGUE_PAGE_SIZE = 5
        bulk_services(12, world.service.organisation)
        response = client.get(reverse("directory:catalogue"), {"q": "Masse", "side": "3"})
        assert "Side 3 av 3" in response.content.decode()
        garbage = client.get(reverse("directory:catalogue"), {"side": "tull"})
        assert garbage.status_code == 200  # an unreadable page number shows the first page

    @pytest.mark.parametrize("n", [10, 1000])
    def test_constant_queries_as_services_grow(self, world, client, django_assert_num_queries, n):
        bulk_services(n, world.service.organisation)
        # Anonymous, so no session queries. Expect 3 queries:
        #   1. the organisations for the filter's drop-down
        #   2. COUNT of matching services (for "N services found" and the pager)
        #   3. one page of services JOIN organisation JOIN catalogue entry
        with django_assert_num_queries(3):
            response = client.get(reverse("directory:catalogue"), {"q": "tjeneste"})
        assert response.status_code == 200

    @pytest.mark.parametrize("n", [10, 1000])
    def test_constant_queries_for_a_professional(self, world, client, django_assert_num_queries, n):
        bulk_services(n, world.service.organisation)
        client.force_login(world.member)
        # Expect 9 queries:
        #   1. the session            2. the user           3. has the user a TOTP authenticator
        #   4. COUNT of services      5. organisations      6. one page of services (with joins)
        #   7-9. SAVEPOINT, UPDATE session, RELEASE: the first request after logging in renews
        #        the session's idle expiry (later ones at most once a minute; the savepoint
        #        exists inside the test's transaction, in production it is a transaction)
        with django_assert_num_queries(9):
            response = client.get(reverse("directory:catalogue"))
        assert response.status_code == 200


class TestServicePage:
    def test_shows_the_catalogue_entry(self, world, client):
        response = client.get(reverse("directory:service", kwargs={"slug": world.service.slug}))
        assert b"Samtaler og oppf" in response.content
        assert "Logg inn som fagperson" in response.content.decode()

    def test_html_in_catalogue_text_is_shown_as_text(self, world, client):
        CatalogueEntry.objects.filter(service=world.service).update(
            offer='<script>alert("x")</script><b onmouseover="x()">fet</b>'
        )
        response = client.get(reverse("directory:service", kwargs={"slug": world.service.slug}))
        body = response.content.decode()
        assert "<script>alert" not in body
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
        assert "<b onmouseover" not in body

    def test_unknown_service_is_a_norwegian_404(self, client, db):
        response = client.get(reverse("directory:service", kwargs={"slug": "finnes-ikke"}))
        assert response.status_code == 404
        assert "Vi finner ikke siden" in response.content.decode()

    @pytest.mark.parametrize("staff", [2, 40])
    def test_constant_queries_as_staff_grow(self, world, client, django_assert_num_queries, staff):
        for _ in range(staff):
            MembershipFactory(service=world.service, position_percent=50)
        client.force_login(world.member)
        # Expect 10 queries: session, user, TOTP authenticator; the service with organisation
        # and entry; its active staff with user and profession; all their active memberships
        # (where else they work); may this user edit it; SAVEPOINT, UPDATE session, RELEASE
        # (the first request renews the session, see above).
        with django_assert_num_queries(10):
            response = client.get(reverse("directory:service", kwargs={"slug": world.service.slug}))
        assert response.status_code == 200


class TestEditEntry:
    def url(self, world):
        return reverse("directory:service_edit", kwargs={"slug": world.service.slug})

    def form_data(self, **changes):
        data = dict.fromkeys(CatalogueEntry.EDITABLE_FIELDS, "")
        data.update(
            version="1",
            summary="Vi hjelper voksne.",
            offer="Samtaler.",
            how_to_refer="Ring oss.",
        )
        data.update(changes)
        return data

    def test_owner_edits_own_entry(self, world, client):
        client.force_login(world.owner)
        response = client.post(self.url(world), self.form_data(offer="Nytt tilbud"))
        assert response.status_code == 302
        assert CatalogueEntry.objects.get(service=world.service).offer == "Nytt tilbud"
        page = client.get(response["Location"])
        assert "Katalogoppføringen er lagret" in page.content.decode()

    def test_outsider_is_refused_and_nothing_changes(self, world, client):
        client.force_login(world.outsider)
        response = client.post(self.url(world), self.form_data(offer="Kapret"))
        assert response.status_code == 403
        assert "Du har ikke tilgang" in response.content.decode()
        assert CatalogueEntry.objects.get(service=world.service).offer != "Kapret"

    def test_over_long_text_gets_a_norwegian_message_and_nothing_is_saved(self, world, client):
        client.force_login(world.owner)
        response = client.post(self.url(world), self.form_data(offer="x" * 4001))
        assert response.status_code == 400
        body = response.content.decode()
        assert "Teksten er for lang" in body
        assert "Korriger feltene under" in body
        assert CatalogueEntry.objects.get(service=world.service).version == 1

    def test_bad_phone_and_email(self, world, client):
        client.force_login(world.owner)
        response = client.post(self.url(world), self.form_data(phone="ring meg", email="post@"))
        body = response.content.decode()
        assert "Skriv telefonnummeret med sifre og mellomrom" in body
        assert "Skriv en hel e-postadresse" in body

    def test_missing_required_fields_say_what_to_write(self, world, client):
        client.force_login(world.owner)
        response = client.post(self.url(world), self.form_data(summary="  ", how_to_refer=""))
        assert response.status_code == 400
        body = response.content.decode()
        assert "Skriv én eller to setninger om hvem dere er" in body
        assert "Skriv hvordan en person eller en annen tjeneste tar kontakt" in body
        assert CatalogueEntry.objects.get(service=world.service).version == 1

    def test_missing_version_is_refused(self, world, client):
        client.force_login(world.owner)
        data = self.form_data()
        del data["version"]
        response = client.post(self.url(world), data)
        assert response.status_code == 400
        assert CatalogueEntry.objects.get(service=world.service).version == 1

    def test_concurrent_edit_shows_the_other_change_and_keeps_mine(self, world, client):
        other_admin = MembershipFactory(service=world.service, role="admin").professional.user
        from laget.accounts.totp import ensure_totp

        ensure_totp(other_admin)
        first, second = client, type(client)()
        first.force_login(world.owner)
        second.force_login(other_admin)
        # Both open the form at version 1; the other admin saves first.
        assert (
            second.post(self.url(world), self.form_data(offer="Lagret av kollega")).status_code
            == 302
        )
        response = first.post(self.url(world), self.form_data(offer="Min tekst"))
        assert response.status_code == 409
        body = response.content.decode()
        assert "Noen andre lagret endringer mens du redigerte" in body
        assert "Lagret av kollega" in body  # the other change is shown
        assert "Min tekst" in body  # my typing is kept
        assert 'name="version" value="2"' in body  # a second save is based on what I saw
        assert CatalogueEntry.objects.get(service=world.service).offer == "Lagret av kollega"
        again = first.post(self.url(world), self.form_data(version="2", offer="Min tekst"))
        assert again.status_code == 302
        assert CatalogueEntry.objects.get(service=world.service).offer == "Min tekst"


class TestWhosWho:
    def test_shows_where_else_people_work(self, world, client):
        from laget.directory.services import membership_add

        professional = world.member.professional
        professional.memberships.update(position_percent=80)
        membership_add(
            actor=None, professional=professional, service=world.other_service, position_percent=20
        )
        client.force_login(world.owner)
        response = client.get(reverse("directory:service", kwargs={"slug": world.service.slug}))
        body = response.content.decode()
        assert "Jobber også i" in body
        assert 'Rusteam Testvik</a> <span class="meta">(kommunal, 20 %)' in body

    def test_lists_staff_by_organisation_with_fractions(self, world, client):
        client.force_login(world.member)
        response = client.get(reverse("directory:whos_who", kwargs={"slug": "testvik"}))
        body = response.content.decode()
        assert world.owner.get_full_name() in body
        assert world.outsider.get_full_name() in body
        assert "100 %" in body

    @pytest.mark.parametrize("extra", [3, 30])
    def test_constant_queries(self, world, client, django_assert_num_queries, extra):
        for _ in range(extra):
            service = ServiceFactory(organisation=world.service.organisation)
            MembershipFactory(service=service, position_percent=40)
        client.force_login(world.member)
        # Expect 10: session, user, TOTP authenticator; the network; its services with their
        # organisations; all their active staff with user and profession; all those people's
        # active memberships; SAVEPOINT, UPDATE session, RELEASE (the first request renews
        # the session).
        with django_assert_num_queries(10):
            response = client.get(reverse("directory:whos_who", kwargs={"slug": "testvik"}))
        assert response.status_code == 200
