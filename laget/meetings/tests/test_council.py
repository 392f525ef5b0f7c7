"""The network's user council (brukerråd): set up by a leader, members who need not work
anywhere (user representatives get an account of their own and choose a password with
allauth's reset link), its meetings held in the meetings app, and every route × method ×
actor."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from laget.accounts.models import User
from laget.accounts.totp import ensure_totp
from laget.audit.services import EditConflict
from laget.conftest import TEST_TOTP_SECRET, make_professional
from laget.directory.models import Membership
from laget.directory.tests.factories import NetworkFactory, ServiceFactory, UserFactory
from laget.meetings import council, services
from laget.meetings.models import CouncilMember, Forum, Meeting, Participant
from laget.notifications.models import Kind, Notification
from laget.tests.sweep import sweep

pytestmark = pytest.mark.django_db

COUNCIL_ACTORS = [
    "leader",  # leader in the network: set the council up, runs it
    "member",  # works in the network, not a leader
    "outsider",  # leader in another network
    "representative",  # sits on the council, works nowhere
    "former",  # left the council
    "person",  # a person with an account, not on the council
    "operator",
    "anonymous",
]
SECRET = b"Rita Representant"


class CouncilWorld:
    pass


@pytest.fixture
def cw(db) -> CouncilWorld:
    w = CouncilWorld()
    kommune = ServiceFactory(name="Psykisk helse Havvik")
    dps = ServiceFactory(name="Havvik DPS", level="specialist")
    elsewhere = ServiceFactory(name="Langt unna")
    w.network = NetworkFactory(name="Havvik", slug="havvik")
    w.network.organisations.set([kommune.organisation, dps.organisation])
    w.leader = make_professional(kommune, Membership.Role.LEADER)
    w.member = make_professional(dps, Membership.Role.MEMBER)
    w.outsider = make_professional(elsewhere, Membership.Role.LEADER)
    w.person = UserFactory(kind=User.Kind.PERSON)
    w.operator = User.objects.create_superuser("drift-br@test.invalid", "drift-passord-123")
    ensure_totp(w.operator, TEST_TOTP_SECRET)
    w.council = council.council_create(
        actor=w.leader, network=w.network, name="Brukerrådet i Havvik", purpose="Systemnivå"
    )
    w.rep_member = council.member_add(
        actor=w.leader,
        council=w.council,
        email="rita@test.invalid",
        first_name="Rita",
        last_name="Representant",
        role=CouncilMember.Role.LIVED_EXPERIENCE,
        affiliation="Mental Helse Havvik",
        joined_on=timezone.localdate() - dt.timedelta(days=30),
    )
    w.representative = w.rep_member.user
    gone = council.member_add(
        actor=w.leader,
        council=w.council,
        email="tidligere@test.invalid",
        first_name="Tore",
        last_name="Tidligere",
        role=CouncilMember.Role.RELATIVE,
        joined_on=timezone.localdate() - dt.timedelta(days=300),
    )
    council.member_leave(actor=w.leader, member=gone, based_on_version=gone.version)
    w.former = gone.user
    start = timezone.now() + dt.timedelta(days=7)
    w.meeting = services.forum_meeting_schedule(
        actor=w.leader,
        forum=w.council,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="Rådhuset",
    )
    return w


def client_for(w):
    def make(actor: str) -> Client:
        client = Client()
        if actor != "anonymous":
            client.force_login(getattr(w, actor))
        return client

    return make


NOBODY = dict.fromkeys(COUNCIL_ACTORS, 404) | {"anonymous": 302}
RUN = NOBODY | {"leader": 302}


def member_data(w):
    return {
        "email": "ny@test.invalid",
        "first_name": "Nina",
        "last_name": "Ny",
        "role": "peer_worker",
        "affiliation": "",
    }


def leave_data(w):
    w.rep_member.refresh_from_db()
    return {"version": w.rep_member.version}


# route -> (method, kwargs builder, data builder, expected)
COUNCIL_MATRIX = {
    "meetings:councils": (
        "get",
        lambda w: {"slug": w.network.slug},
        None,
        NOBODY | {"leader": 200, "member": 200},
    ),
    "meetings:council": (
        "get",
        lambda w: {"council_id": w.council.pk},
        None,
        NOBODY | {"leader": 200, "member": 200, "representative": 200},
    ),
    "meetings:council_member_add": (
        "post",
        lambda w: {"council_id": w.council.pk},
        member_data,
        RUN,
    ),
    "meetings:council_member_leave": (
        "post",
        lambda w: {"member_id": w.rep_member.pk},
        leave_data,
        RUN,
    ),
}


@pytest.mark.parametrize("route", sorted(COUNCIL_MATRIX))
def test_council_route_for_every_actor(route, cw):
    method, kwargs_for, data_for, expected = COUNCIL_MATRIX[route]
    assert set(expected) == set(COUNCIL_ACTORS)
    url = reverse(route, kwargs=kwargs_for(cw))
    # The leader last: their write must not change what the others are refused.
    for actor in sorted(COUNCIL_ACTORS, key=lambda a: a == "leader"):
        client = client_for(cw)(actor)
        response = client.post(url, data_for(cw)) if method == "post" else client.get(url)
        assert response.status_code == expected[actor], (route, actor, response.status_code)
        if response.status_code in (302, 404) and actor != "leader":
            assert SECRET not in response.content, (route, actor)


@pytest.mark.parametrize("route", sorted(COUNCIL_MATRIX))
def test_every_method_for_every_actor(route, cw):
    _, kwargs_for, _, expected = COUNCIL_MATRIX[route]
    sweep(
        route=route,
        url=reverse(route, kwargs=kwargs_for(cw)),
        expected=expected,
        client_for=client_for(cw),
        secret=SECRET,
    )


# --- Setting it up ---------------------------------------------------------------------


def test_a_leader_sets_up_a_council_from_its_page(cw):
    client = client_for(cw)("leader")
    url = reverse("meetings:councils", kwargs={"slug": cw.network.slug})
    response = client.post(url, {"name": "Ungdomsrådet", "purpose": "", "interval_weeks": 6})
    created = Forum.objects.get(name="Ungdomsrådet")
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:council", kwargs={"council_id": created.pk})
    assert created.kind == Forum.Kind.COUNCIL and list(created.anchors.all()) == [cw.leader]
    # Bad input: a Norwegian message, nothing written.
    count = Forum.objects.count()
    response = client.post(url, {"name": "", "interval_weeks": 0})
    assert response.status_code == 400
    assert "Gi brukerrådet et navn." in response.content.decode()
    assert "Møt hver 1. til 52. uke." in response.content.decode()
    assert Forum.objects.count() == count
    # Someone who is not a leader in the network may not.
    assert client_for(cw)("member").post(url, {"name": "X", "interval_weeks": 4}).status_code == 403
    with pytest.raises(PermissionDenied):
        council.council_create(actor=cw.member, network=cw.network, name="X")


def test_a_new_representative_gets_an_account_and_a_link_to_choose_a_password(
    cw, django_capture_on_commit_callbacks
):
    assert cw.representative.kind == User.Kind.REPRESENTATIVE
    assert not cw.representative.has_usable_password()
    assert not cw.representative.requires_mfa
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        member = council.member_add(
            actor=cw.leader,
            council=cw.council,
            email="Per.Parorende@test.invalid",
            first_name="Per",
            last_name="Pårørende",
            role=CouncilMember.Role.RELATIVE,
            link_base="http://testserver",
        )
    assert member.user.email == "per.parorende@test.invalid"
    (welcome,) = mail.outbox
    assert welcome.to == ["per.parorende@test.invalid"]
    assert welcome.subject == "Velkommen til Brukerrådet i Havvik i Laget"
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", welcome.body)
    assert link is not None, welcome.body
    response = Client().get(link.group(1), follow=True)
    assert response.status_code == 200
    assert b'name="password1"' in response.content


def test_someone_with_an_account_keeps_it(cw):
    mail.outbox.clear()
    peer = make_professional(ServiceFactory(), Membership.Role.MEMBER)
    member = council.member_add(
        actor=cw.leader,
        council=cw.council,
        email=peer.email.upper(),
        first_name="",
        last_name="",
        role=CouncilMember.Role.PEER_WORKER,
    )
    assert member.user == peer and peer.kind == User.Kind.PROFESSIONAL
    assert mail.outbox == []


def test_bad_members_are_refused_with_norwegian_messages(cw):
    client = client_for(cw)("leader")
    url = reverse("meetings:council_member_add", kwargs={"council_id": cw.council.pk})
    count = CouncilMember.objects.count()
    users = User.objects.count()
    for data, words in [
        ({"email": "ikke-en-adresse", "role": "peer_worker"}, "Skriv en hel e-postadresse."),
        ({"email": "ny2@test.invalid", "role": "peer_worker"}, "Skriv fornavn og etternavn"),
        ({"email": "rita@test.invalid", "role": "relative"}, "Hen er allerede medlem."),
        ({"email": "ny3@test.invalid", "role": "boss", "first_name": "A", "last_name": "B"}, ""),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert words in response.content.decode(), data
    assert CouncilMember.objects.count() == count and User.objects.count() == users


def test_leaving_keeps_the_row_and_a_stale_version_is_refused(cw):
    member = cw.rep_member
    with pytest.raises(EditConflict):
        council.member_leave(actor=cw.leader, member=member, based_on_version=member.version + 1)
    left = council.member_leave(actor=cw.leader, member=member, based_on_version=member.version)
    assert left.left_on == timezone.localdate()
    with pytest.raises(ValidationError):
        council.member_leave(actor=cw.leader, member=left, based_on_version=left.version)
    with pytest.raises(PermissionDenied):
        council.member_leave(actor=cw.member, member=left, based_on_version=left.version)
    # Gone from the council: no longer sees it.
    assert (
        client_for(cw)("representative")
        .get(reverse("meetings:council", kwargs={"council_id": cw.council.pk}))
        .status_code
        == 404
    )


# --- Its meetings: the meetings app's own --------------------------------------------


def test_council_meetings_invite_the_members_by_name_and_tell_them(cw):
    names = set(Participant.objects.filter(meeting=cw.meeting).values_list("user_id", flat=True))
    assert cw.representative.pk in names and cw.former.pk not in names
    # No service is invited as a whole to a council meeting.
    assert not Participant.objects.filter(meeting=cw.meeting, user__isnull=True).exists()
    told = set(
        Notification.objects.filter(kind=Kind.MEETING_INVITED, target_id=cw.meeting.pk).values_list(
            "recipient_id", flat=True
        )
    )
    assert cw.representative.pk in told
    assert cw.former.pk not in told and cw.person.pk not in told


def test_a_representative_holds_the_meeting_with_the_others(cw):
    rep = client_for(cw)("representative")
    url = reverse("meetings:meeting", kwargs={"meeting_id": cw.meeting.pk})
    page = rep.get(url)
    assert page.status_code == 200
    response = rep.post(
        reverse("meetings:agenda_add", kwargs={"meeting_id": cw.meeting.pk}),
        {"title": "Ventetid på dagtilbud"},
    )
    assert response.status_code == 302
    assert cw.meeting.agenda.filter(title="Ventetid på dagtilbud").exists()
    # Not an organiser: attendance and minutes stay with the anchor persons.
    assert rep.post(
        reverse("meetings:minutes_save", kwargs={"meeting_id": cw.meeting.pk}),
        {"minutes": "x", "minutes_plain": "", "version": 1},
    ).status_code in (403, 404)
    for outsider in ("former", "person", "outsider"):
        assert client_for(cw)(outsider).get(url).status_code == 404, outsider
    # The representative's front page leads to the council.
    home = rep.get(reverse("home")).content.decode()
    assert reverse("meetings:council", kwargs={"council_id": cw.council.pk}) in home


def test_the_council_page_costs_the_same_with_more_members(cw, django_assert_num_queries):
    client = client_for(cw)("leader")
    url = reverse("meetings:council", kwargs={"council_id": cw.council.pk})
    client.get(url)
    # Session and user (2), MFA (1), the council (1), may see: works in network (1),
    # members (1), upcoming and held meetings (2), may run (1), anchor (1).
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200
    for i in range(4):
        council.member_add(
            actor=cw.leader,
            council=cw.council,
            email=f"flere{i}@test.invalid",
            first_name="Flere",
            last_name=str(i),
            role=CouncilMember.Role.ORGANISATION,
        )
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200


def test_the_meetings_list_and_quality_page_link_to_the_council(cw):
    body = client_for(cw)("leader").get(reverse("meetings:list")).content.decode()
    assert reverse("meetings:councils", kwargs={"slug": cw.network.slug}) in body
    assert Meeting.objects.filter(forum=cw.council).count() == 1
