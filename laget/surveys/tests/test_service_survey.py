"""The user survey of the services (brukerundersøkelse): who is asked, how the person
answers on their own invitation, anonymity by construction, results per service with
small cells hidden, and the results page's fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from laget.directory.tests.factories import NetworkFactory
from laget.notifications.models import Kind, Notification
from laget.surveys import service_survey
from laget.surveys import services as survey_services
from laget.surveys.models import Invitation, Rating, Response, Round
from laget.surveys.tests.user_survey_world import UserSurveyWorld, add_person, close, make_world
from laget.surveys.textpacks import SERVICE_ITEMS

pytestmark = pytest.mark.django_db


def _answer(w: UserSurveyWorld, user, values: dict[str, dict[str, int]]) -> None:
    """The person answers through the services (service group name -> item -> value)."""
    invitation = w.invitation(user)
    response, _secret = survey_services.response_start(invitation=invitation)
    groups = {g.name: g.pk for g in w.round.groups.all()}
    service_survey.user_answers_save(
        invitation=invitation,
        response=response,
        answers={(groups[g], k): v for g, items in values.items() for k, v in items.items()},
    )
    service_survey.user_response_submit(invitation=invitation, response=response)


def _name(field_name: str) -> str:
    return f"s{field_name}"


# --- Who is asked ---------------------------------------------------------------------


def test_persons_with_an_active_plan_on_the_services_are_invited_once(user_world):
    w = user_world
    invited = set(Invitation.objects.filter(round=w.round).values_list("user_id", flat=True))
    assert invited == {u.pk for u in w.persons}
    assert w.round.kind == Round.Kind.USERS
    assert [g.service_id for g in w.round.groups.all()] == sorted(
        [w.kommune.pk, w.dps.pk],
        key=lambda pk: {w.kommune.pk: w.kommune.name, w.dps.pk: w.dps.name}[pk],
    )


def test_only_a_leader_in_the_network_may_start_one(user_world):
    w = user_world
    today = timezone.localdate()
    for actor in (w.member, w.outsider, w.person):
        with pytest.raises(PermissionDenied):
            service_survey.user_round_create(
                actor=actor,
                network=w.network,
                title="X",
                opens=today,
                closes=today,
                services=[w.kommune],
            )


def test_bad_rounds_are_refused_with_norwegian_messages(user_world):
    w = user_world
    today = timezone.localdate()
    base = {"actor": w.organiser, "network": w.network, "title": "Runde", "opens": today}
    with pytest.raises(ValidationError, match="closes"):
        service_survey.user_round_create(
            **base, closes=today - dt.timedelta(days=1), services=[w.kommune]
        )
    with pytest.raises(ValidationError):
        service_survey.user_round_create(**base, closes=today, services=[])
    with pytest.raises(ValidationError):
        service_survey.user_round_create(**base, closes=today, services=[w.kommune], min_n=2)
    count = Round.objects.count()
    client = Client()
    client.force_login(w.organiser)
    url = reverse("surveys:user_round_create", kwargs={"slug": w.network.slug})
    response = client.post(
        url, {"title": "", "opens": today.isoformat(), "closes": "1999-01-01", "min_n": 2}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Gi runden en tittel." in body
    assert "Kryss av minst én tjeneste." in body
    assert Round.objects.count() == count


# --- Telling the persons: the one notification path ----------------------------------


def test_each_invited_person_is_told_once_a_day_and_nobody_else(user_world):
    w = user_world
    assert service_survey.user_invitations_send(actor=w.organiser, round_=w.round) == len(w.persons)
    told = Notification.objects.filter(kind=Kind.USER_SURVEY)
    assert set(told.values_list("recipient_id", flat=True)) == {u.pk for u in w.persons}
    note = told.get(recipient=w.person)
    assert note.plan_id is None
    assert note.link == reverse("surveys:user_answer", kwargs={"invitation_id": w.invitation().pk})
    # The same day again: nobody is told twice.
    assert service_survey.user_invitations_send(actor=w.organiser, round_=w.round) == 0
    assert told.count() == len(w.persons)
    with pytest.raises(PermissionDenied):
        service_survey.user_invitations_send(actor=w.leader, round_=w.round)


# --- Answering --------------------------------------------------------------------------


def test_the_person_answers_on_their_own_invitation_and_can_come_back(user_world):
    w = user_world
    client = Client()
    client.force_login(w.person)
    url = reverse("surveys:user_answer", kwargs={"invitation_id": w.invitation().pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "Jeg ble lyttet til." in page.content.decode()
    kommune = w.round.groups.get(service=w.kommune)
    saved = client.post(url, {f"s{kommune.pk}-listened": "4", "save": "1"})
    assert saved.status_code == 302
    assert f"laget_bruker_{w.invitation().pk}" in saved.cookies
    # Back later on the same device: the answer is there.
    again = client.get(url)
    assert f'id="s{kommune.pk}-listened-4" checked' in again.content.decode()
    sent = client.post(
        url, {f"s{kommune.pk}-listened": "4", f"s{kommune.pk}-respect": "5", "send": "1"}
    )
    assert sent.status_code == 200
    assert "Takk" in sent.content.decode()
    assert w.invitation().answered_on == timezone.localdate()
    response = Response.objects.get(round=w.round)
    assert response.submitted and response.resume_hash is None
    assert set(Rating.objects.filter(response=response).values_list("item", "value")) == {
        ("listened", 4),
        ("respect", 5),
    }
    # A second send is refused and stores nothing more.
    assert client.post(url, {"send": "1"}).status_code == 409
    assert Response.objects.filter(round=w.round).count() == 1


def test_bad_answers_are_refused_and_nothing_is_written(user_world):
    w = user_world
    client = Client()
    client.force_login(w.person)
    url = reverse("surveys:user_answer", kwargs={"invitation_id": w.invitation().pk})
    kommune = w.round.groups.get(service=w.kommune)
    for data, words in [
        ({f"s{kommune.pk}-listened": "9", "save": "1"}, "fra 1 til 5"),
        ({f"s{kommune.pk}-listened": "mye", "save": "1"}, "ett av de fem"),
        ({"s999999-listened": "3", "save": "1"}, "Skjemaet ble endret"),
        ({"send": "1"}, "minst ett utsagn"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert words in response.content.decode(), (data, response.content.decode()[-800:])
    assert not Rating.objects.filter(response__round=w.round).exists()
    assert w.invitation().answered_on is None


def test_a_person_reaches_only_their_own_invitation(user_world):
    w = user_world
    own = w.invitation()
    someone_else = w.invitation(w.persons[1])
    client = Client()
    client.force_login(w.person)
    url = reverse("surveys:user_answer", kwargs={"invitation_id": someone_else.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"send": "1"}).status_code == 404
    for actor in (w.organiser, w.other_person):
        client = Client()
        client.force_login(actor)
        url = reverse("surveys:user_answer", kwargs={"invitation_id": own.pk})
        assert client.get(url).status_code == 404


def test_closed_and_planned_surveys_say_so(user_world):
    w = user_world
    client = Client()
    client.force_login(w.person)
    url = reverse("surveys:user_answer", kwargs={"invitation_id": w.invitation().pk})
    close(w.round)
    response = client.get(url)
    assert response.status_code == 410
    assert "ble stengt" in response.content.decode()


# --- Anonymity by construction --------------------------------------------------------


def test_no_join_from_invitation_to_response():
    """A Response and its Ratings carry no link to an invitation or a user, and no time;
    the Response's id is random."""
    for model in (Response, Rating):
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            assert related not in (Invitation,), (model, field)
            assert related is None or related._meta.label != "accounts.User", (model, field)
            assert not isinstance(field, models.DateField | models.DateTimeField), (model, field)
    assert isinstance(Response._meta.pk, models.UUIDField)
    for field in Invitation._meta.get_fields():
        assert getattr(field, "related_model", None) not in (Response, Rating), field


def test_what_is_stored_cannot_be_tied_to_who_answered(user_world):
    w = user_world
    service_survey.user_invitations_send(actor=w.organiser, round_=w.round)
    _answer(w, w.person, {w.kommune.name: {"listened": 2}})
    _answer(w, w.persons[1], {w.kommune.name: {"listened": 5}})
    response_ids = {
        str(r) for r in Response.objects.filter(round=w.round).values_list("pk", flat=True)
    }
    # Nothing about a response is in the invitations or the notifications.
    for row in Invitation.objects.filter(round=w.round).values():
        assert not set(map(str, row.values())) & response_ids
    for row in Notification.objects.filter(kind=Kind.USER_SURVEY).values():
        assert not set(map(str, row.values())) & response_ids
    assert all(r.resume_hash is None for r in Response.objects.filter(round=w.round))


# --- Results per service, small cells hidden -------------------------------------------


def _results(w: UserSurveyWorld, actor=None):
    from laget.surveys.service_survey_selectors import user_results

    return {
        s.name: s for s in user_results(actor=actor or w.organiser, round_id=w.round.pk).services
    }


def test_results_per_service_hide_small_cells_and_thin_statements(db):
    w = make_world(served_by_both=2, served_by_kommune=5)
    # Five rate the municipal service (one skips "together"), two rate the DPS.
    for i, user in enumerate(w.persons):
        values = {w.kommune.name: {"listened": 4, "respect": 5, "together": 3}}
        if i == 2:
            del values[w.kommune.name]["together"]
        if i < 2:
            values[w.dps.name] = {"listened": 1}
        if i < 5:
            _answer(w, user, values)
    # Before closing: nothing.
    assert _results(w) == {}
    close(w.round)
    results = _results(w)
    kommune, dps = results[w.kommune.name], results[w.dps.name]
    assert not kommune.suppressed and kommune.n == 5
    means = {i.key: i.mean for i in kommune.items}
    assert means["listened"] == 4.0 and means["respect"] == 5.0
    assert means["together"] is None  # four answered it: hidden
    assert means["own_goals"] is None  # nobody answered it
    assert dps.suppressed and dps.n is None and dps.items == []
    client = Client()
    client.force_login(w.leader)
    page = client.get(reverse("surveys:user_results", kwargs={"round_id": w.round.pk}))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Færre enn 5 svar" in body
    for user in w.persons:
        assert user.first_name not in body


def test_min_n_never_below_three(user_world):
    w = user_world
    assert w.round.min_n == 5
    with pytest.raises(ValidationError):
        service_survey.user_round_create(
            actor=w.organiser,
            network=w.network,
            title="For lav",
            opens=timezone.localdate(),
            closes=timezone.localdate(),
            services=[w.kommune],
            min_n=2,
        )


def test_results_page_queries_do_not_grow_with_answers(db, django_assert_num_queries):
    w = make_world(served_by_both=3, served_by_kommune=3)
    for user in w.persons[:3]:
        _answer(w, user, {w.kommune.name: {"listened": 3}, w.dps.name: {"respect": 4}})
    close(w.round)
    client = Client()
    client.force_login(w.leader)
    url = reverse("surveys:user_results", kwargs={"round_id": w.round.pk})
    client.get(url)
    # Session and user (2), the MFA check (1), the round (1), the role: organisers,
    # readers, leads in the network (3), invitation counts (1), per statement (1), per
    # service (1), the groups (1).
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200
    Round.objects.filter(pk=w.round.pk).update(closes=timezone.localdate() + dt.timedelta(days=1))
    for i in range(4):
        user = add_person(500 + i, [w.kommune, w.dps])
        survey_services._invitation(w.round, user).save()
        _answer(w, user, {w.kommune.name: dict.fromkeys(SERVICE_ITEMS, 4)})
    close(w.round)
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


def test_the_answer_page_fits_a_phone(user_world):
    """No fixed widths: every control sits in a row that wraps (the layout's own rule),
    and the page has the viewport set for 375 px."""
    w = user_world
    client = Client()
    client.force_login(w.person)
    body = client.get(
        reverse("surveys:user_answer", kwargs={"invitation_id": w.invitation().pk})
    ).content.decode()
    assert 'name="viewport" content="width=device-width' in body
    assert "style=" not in body and "<table" not in body
    assert body.count('class="checkbox-row"') == 2 * len(SERVICE_ITEMS) * 6


def test_the_answered_share_per_month_for_the_quality_indicators(db, django_assert_num_queries):
    from laget.surveys.aggregates import user_survey_answered

    w = make_world(served_by_both=2, served_by_kommune=5)
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    service_survey.user_invitations_send(actor=w.organiser, round_=w.round)
    for user in w.persons[:3]:
        _answer(w, user, {w.kommune.name: {"listened": 4}})
    months = [last_month, this_month]
    with django_assert_num_queries(1):
        cells = user_survey_answered(w.network, months)
    assert cells == [(0.0, 0), (3.0, 7)]  # nobody told last month; 3 of 7 answered
    # The round asked about the DPS too: its invitations count for the DPS as well.
    assert user_survey_answered(w.network, months, w.dps) == [(0.0, 0), (3.0, 7)]
    other = NetworkFactory(slug="annet")
    assert user_survey_answered(other, months) == [(0.0, 0), (0.0, 0)]


def test_the_api_gives_the_same_results_as_the_page(db):
    w = make_world(served_by_both=2, served_by_kommune=5)
    for i, user in enumerate(w.persons[:5]):
        answers = {w.kommune.name: {"listened": 4}}
        if i < 2:  # two rate the DPS too
            answers[w.dps.name] = {"listened": 2}
        _answer(w, user, answers)
    close(w.round)
    client = Client()
    client.force_login(w.leader)
    data = client.get(f"/api/v1/surveys/user-rounds/{w.round.pk}/results").json()
    by_name = {s["service"]: s for s in data["services"]}
    assert by_name[w.kommune.name]["respondents"] == 5
    assert by_name[w.kommune.name]["statements"]["listened"] == 4.0
    assert by_name[w.kommune.name]["statements"]["respect"] is None
    assert by_name[w.dps.name] == {"service": w.dps.name, "suppressed": True}  # two only
    assert (data["invited"], data["answered"]) == (7, 5)
