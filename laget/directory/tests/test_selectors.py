"""Reads in the directory: what each actor gets back from the selectors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from laget.directory import selectors
from laget.directory.models import Membership, Service
from laget.directory.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_service_page_hides_staff_from_non_professionals(world):
    for actor in [AnonymousUser(), world.person, world.operator]:
        page = selectors.service_page(actor=actor, slug=world.service.slug)
        assert page.staff is None and not page.can_edit


def test_service_page_for_owner_member_and_outsider(world):
    owner = selectors.service_page(actor=world.owner, slug=world.service.slug)
    assert owner.can_edit
    assert {m.professional.user for m in owner.staff} == {world.owner, world.member}
    member = selectors.service_page(actor=world.member, slug=world.service.slug)
    assert member.staff and not member.can_edit
    outsider = selectors.service_page(actor=world.outsider, slug=world.service.slug)
    assert outsider.staff and not outsider.can_edit


def test_ended_memberships_and_inactive_services_are_left_out(world):
    Membership.objects.filter(professional__user=world.member).update(
        starts=dt.date(2020, 1, 1), ends=dt.date(2021, 1, 1)
    )
    staff = selectors.service_staff(actor=world.owner, slug=world.service.slug)
    assert [m.professional.user for m in staff] == [world.owner]
    Service.objects.filter(pk=world.other_service.pk).update(is_active=False)
    with pytest.raises(Http404):
        selectors.service_get(actor=world.owner, slug=world.other_service.slug)
    found = selectors.service_queryset(actor=None, filters=selectors.CatalogueFilters())
    assert world.other_service not in found


def test_service_for_edit_refuses_everyone_but_the_owner(world):
    assert selectors.service_for_edit(actor=world.owner, slug=world.service.slug) == world.service
    for actor in [world.member, world.outsider, world.person, world.operator, AnonymousUser()]:
        with pytest.raises(PermissionDenied):
            selectors.service_for_edit(actor=actor, slug=world.service.slug)


def test_search_matches_words_anywhere_case_insensitively(world):
    ServiceFactory(name="Boveiledning", slug="bo", entry__target_group="Voksne med RUSPROBLEMER")
    filters = selectors.CatalogueFilters(q="rusproblemer voksne")
    assert [s.slug for s in selectors.service_queryset(actor=None, filters=filters)] == ["bo"]
    many_words = selectors.CatalogueFilters(q=" ".join(["ord"] * 50))
    assert len(many_words.words) == selectors.MAX_SEARCH_WORDS


def test_whos_who_groups_by_organisation_and_counts_levels(world):
    result = selectors.network_whos_who(actor=world.member, slug=world.network.slug)
    assert [g.organisation for g in result.groups] == sorted(
        [world.service.organisation, world.other_service.organisation], key=lambda o: o.name
    )
    assert sum(result.levels.values()) == 3  # owner, member, outsider
    for actor in [world.person, world.operator, AnonymousUser()]:
        with pytest.raises(PermissionDenied):
            selectors.network_whos_who(actor=actor, slug=world.network.slug)
    with pytest.raises(Http404):
        selectors.network_whos_who(actor=world.member, slug="finnes-ikke")


def test_my_directory_lists_own_services_and_networks(world):
    mine = selectors.my_directory(actor=world.owner)
    assert [m.service for m in mine.memberships] == [world.service]
    assert mine.networks == [world.network]
    assert selectors.my_directory(actor=world.person).memberships == []


def test_network_staff_and_services_are_who_works_there_now(world):
    # Survey invitations, survey readers and forum anchor persons are chosen from these.
    network = world.network
    staff = set(selectors.network_staff(actor=world.member, network=network))
    assert {world.owner, world.member, world.outsider} <= staff
    assert set(selectors.network_services(actor=world.member, network=network)) == {
        world.service,
        world.other_service,
    }
    today = dt.date.today()
    Membership.objects.filter(professional__user=world.outsider).update(
        starts=today - dt.timedelta(days=300), ends=today - dt.timedelta(days=1)
    )
    assert world.outsider not in selectors.network_staff(actor=world.member, network=network)
    # other_service has nobody left: it is no longer a service whose staff can be asked.
    assert list(selectors.network_services(actor=world.member, network=network)) == [world.service]
    only = selectors.network_staff(
        actor=world.member, network=network, services=Service.objects.filter(pk=world.service.pk)
    )
    assert {world.owner, world.member} <= set(only) and world.outsider not in only
    for actor in [world.person, world.operator, AnonymousUser()]:
        with pytest.raises(PermissionDenied):
            selectors.network_staff(actor=actor, network=network)
