"""The Fjordvik demo network: complete, valid, idempotent, and only where demos are allowed."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from laget.accounts.models import User
from laget.audit.models import ChangeRecord
from laget.directory import demo
from laget.directory.models import Membership, Network, Organisation, Professional, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_mode(settings):
    settings.LAGET_DEMO = True


def test_loads_the_whole_network_once(demo_mode):
    call_command("seed_demo")
    assert Network.objects.get(slug="fjordvik").organisations.count() == len(demo.ORGANISATIONS)
    assert Service.objects.count() == len(demo.SERVICES)
    # The directory's own, and those the Samhandlingsteam's demo lends from their services.
    emails = {
        demo.demo_email(first, last, domain) for first, last, domain, *_ in demo.PROFESSIONALS
    }
    assert emails <= set(Professional.objects.values_list("user__email", flat=True))
    assert Professional.objects.count() >= len(demo.PROFESSIONALS) >= 40
    # Every professional has TOTP set up, and nobody works more than 100 %.
    must_have_mfa = User.objects.filter(kind__in=["professional", "operator"])
    assert Authenticator.objects.filter(type="totp").count() == must_have_mfa.count()
    for professional in Professional.objects.all():
        total = professional.memberships.aggregate(t=Sum("position_percent"))["t"]
        assert 0 < total <= 100, professional
    # The Samhandlingsteam is staffed from both levels, in part-time fractions.
    team = Membership.objects.filter(service__slug="samhandlingsteamet")
    homes = Membership.objects.filter(professional__in=team.values("professional")).exclude(
        service__slug="samhandlingsteamet"
    )
    assert {"municipal", "specialist"} <= set(homes.values_list("service__level", flat=True))
    assert team.filter(position_percent__lt=100).count() == team.count()
    # Each service has an administrator, a full catalogue text and a valid organisation.
    for service in Service.objects.select_related("entry"):
        assert service.memberships.filter(role="admin").exists(), service
        assert service.entry.offer and service.entry.how_to_refer, service
    for organisation in Organisation.objects.all():
        organisation.full_clean()
    records = ChangeRecord.objects.count()
    call_command("verify_audit")  # every creation was recorded in an intact chain

    call_command("seed_demo")  # idempotent
    assert Service.objects.count() == len(demo.SERVICES)
    assert ChangeRecord.objects.count() == records


def test_if_empty_leaves_existing_data_alone(demo_mode, world):
    call_command("seed_demo", "--if-empty")
    assert not Network.objects.filter(slug="fjordvik").exists()


def test_refused_outside_demo_mode(settings):
    settings.LAGET_DEMO = False
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not Organisation.objects.exists()


def test_demo_emails_spell_out_norwegian_letters():
    assert demo.demo_email("Silje", "Rønning", "x.test") == "silje.ronning@x.test"
    assert demo.demo_email("Jan Erik", "Sæther", "x.test") == "janerik.saether@x.test"
