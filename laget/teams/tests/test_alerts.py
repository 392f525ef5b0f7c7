"""Item 7: a case out of contact, or flagged, is on its workers' "Trenger deg" (the
continuity dashboard) and on the team's board; nobody else sees it there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from laget.audit.models import AccessLogEntry
from laget.directory.models import Membership
from laget.teams import services
from laget.teams.models import Case
from laget.teams.selectors import alerts_for

pytestmark = pytest.mark.django_db


def _case(world, tw, name):
    referral = services.referral_create(
        actor=world.person,
        team=tw.team,
        data=services.ReferralInput(source="person", referrer_contact="1", subject_name=name),
    )
    services.decide(
        actor=world.member,
        referral=referral,
        outcome="direct",
        reason="Oppfyller kriteriene",
        worker=tw.muni2,
        partner=tw.worker,
    )
    return Case.objects.get(referral=referral)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_case_out_of_contact_is_on_its_workers_dashboard(world, team_world):
    tw = team_world
    case = _case(world, tw, "Kari Borte")
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - dt.timedelta(days=20))
    quiet = _case(world, tw, "Per Nylig")
    services.contact_record(actor=world.member, case=quiet, on=timezone.localdate())
    body = _client(world.member).get(reverse("continuity:dashboard")).content.decode()
    assert "Kari Borte" in body and reverse("teams:case", args=[case.pk]) in body
    assert "Per Nylig" not in body  # contact today: no alert
    # The owner leads the team but works on neither case: not on their dashboard.
    assert (
        "Kari Borte"
        not in _client(world.owner).get(reverse("continuity:dashboard")).content.decode()
    )
    # The person decides how long contact lasts: 30 days, and the alert goes.
    services.contact_record(
        actor=world.member,
        case=case,
        on=timezone.localdate() - dt.timedelta(days=15),
        alert_days=30,
    )
    assert not alerts_for(actor=world.member)


def test_a_flagged_case_is_on_the_remaining_workers_dashboard_and_logged(world, team_world):
    tw = team_world
    Membership.objects.filter(service_id=tw.team.service_id).update(
        starts=timezone.localdate() - dt.timedelta(days=60)
    )
    case = _case(world, tw, "Kari Flagg")
    services.contact_record(actor=world.member, case=case, on=timezone.localdate())
    services.member_end(
        actor=world.owner,
        member=tw.muni2,
        ends=timezone.localdate() - dt.timedelta(days=1),
        reason="Sluttet",
    )
    before = AccessLogEntry.objects.count()
    rows = alerts_for(actor=world.member)
    assert [r.case.pk for r in rows] == [case.pk] and rows[0].flags == ["missing_municipal"]
    assert AccessLogEntry.objects.count() == before + 1  # the name shown is logged
    body = _client(world.member).get(reverse("continuity:dashboard")).content.decode()
    assert "Kari Flagg" in body
    # The worker who left no longer sees it.
    assert alerts_for(actor=tw.muni2.membership.professional.user) == []
    # The board shows it too.
    board = _client(world.member).get(reverse("teams:board", args=[tw.team.slug])).content.decode()
    assert "Kari Flagg" in board
