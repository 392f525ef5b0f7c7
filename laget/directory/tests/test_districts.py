"""A network's municipality districts (issue 19: fair distribution by district): defined by
the network's leaders on its districts page, every method × actor; bad input gets a
Norwegian message and changes nothing; a rename in between is shown, never overwritten."""

from __future__ import annotations

import pytest
from django.urls import reverse

from laget.audit.models import ChangeRecord
from laget.conftest import ACTORS
from laget.directory.models import District
from laget.directory.tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db

# Who may add a district (POST): the network's leaders; everyone else is refused and
# nothing is written.
ADD = {
    "anonymous": 302,
    "person": 403,
    "no_mfa": 302,
    "outsider": 302,  # administrator of the network's other service: a leader in it
    "member": 403,
    "owner": 302,
    "operator": 403,
}


def test_adding_a_district_for_every_actor(world, client_for):
    url = reverse("directory:districts", kwargs={"slug": world.network.slug})
    for actor in ACTORS:
        before = District.objects.count()
        response = client_for(actor).post(url, {"name": f"Del {actor}"}, HTTP_ACCEPT_LANGUAGE="nb")
        assert response.status_code == ADD[actor], actor
        added = District.objects.count() - before
        leader = actor in ("owner", "outsider")
        assert added == (1 if leader else 0), actor
        if leader:
            assert response["Location"] == url
    assert set(District.objects.values_list("name", flat=True)) == {"Del outsider", "Del owner"}
    assert ChangeRecord.objects.filter(action="district_create").count() == 2


def test_renaming_for_every_actor(world, client_for):
    d = District.objects.create(network=world.network, name="Sentrum")
    url = reverse(
        "directory:district_rename", kwargs={"slug": world.network.slug, "district_id": d.pk}
    )
    for actor in ACTORS:
        d.refresh_from_db()
        response = client_for(actor).post(url, {"name": f"Sentrum {actor}", "version": d.version})
        assert response.status_code == ADD[actor], actor
    d.refresh_from_db()
    assert (d.name, d.version) == ("Sentrum owner", 3)  # the outsider, then the owner


def test_an_empty_network_gets_its_districts_from_the_page(world, client_for):
    owner = client_for("owner")
    url = reverse("directory:districts", kwargs={"slug": world.network.slug})
    page = owner.get(url)
    assert page.status_code == 200
    assert "Ingen kommunedeler ennå".encode() in page.content
    for name in ("Sentrum", "Nordsida", "Øyane"):
        assert owner.post(url, {"name": name}).status_code == 302
    page = owner.get(url)
    assert all(n.encode() in page.content for n in ("Sentrum", "Nordsida", "Øyane"))
    # The network list links there for the network's leaders only.
    networks = reverse("directory:networks")
    assert url.encode() in owner.get(networks).content
    assert url.encode() not in client_for("member").get(networks).content


def test_a_duplicate_name_gets_a_norwegian_message_and_nothing_is_written(world, client_for):
    District.objects.create(network=world.network, name="Sentrum")
    owner = client_for("owner")
    url = reverse("directory:districts", kwargs={"slug": world.network.slug})
    for name in ("Sentrum", "  sentrum ", ""):
        response = owner.post(url, {"name": name})
        assert response.status_code == 400
        assert (
            b"har allerede en kommunedel" in response.content
            or "Skriv navnet på kommunedelen".encode() in response.content
        ), name
    assert District.objects.count() == 1
    # The same name in another network is fine: names are unique per network.
    other = NetworkFactory(name="Annet nettverk", slug="annet")
    assert District.objects.create(network=other, name="Sentrum")


def test_another_networks_district_cannot_be_renamed_here(world, client_for):
    other = NetworkFactory(name="Annet nettverk", slug="annet")
    theirs = District.objects.create(network=other, name="Sentrum")
    url = reverse(
        "directory:district_rename",
        kwargs={"slug": world.network.slug, "district_id": theirs.pk},
    )
    response = client_for("owner").post(url, {"name": "Mitt", "version": 1})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Sentrum"


def test_a_rename_in_between_is_shown_not_overwritten(world, client_for):
    d = District.objects.create(network=world.network, name="Sentrum")
    url = reverse(
        "directory:district_rename", kwargs={"slug": world.network.slug, "district_id": d.pk}
    )
    assert client_for("outsider").post(url, {"name": "Byen", "version": 1}).status_code == 302
    stale = client_for("owner").post(url, {"name": "Midtbyen", "version": 1})
    assert stale.status_code == 409
    assert b"Byen" in stale.content
    d.refresh_from_db()
    assert d.name == "Byen"
    # No version at all, or a duplicate name: a message, no change.
    District.objects.create(network=world.network, name="Nordsida")
    owner = client_for("owner")
    assert owner.post(url, {"name": "Noe"}).status_code == 400
    assert owner.post(url, {"name": "nordsida", "version": 2}).status_code == 400
    d.refresh_from_db()
    assert (d.name, d.version) == ("Byen", 2)
