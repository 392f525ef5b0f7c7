"""Every continuity route for every kind of actor in security.md (see the plan matrix)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from laget.audit.models import AccessLogEntry
from laget.continuity import services
from laget.plans.tests.conftest import PLAN_ACTORS
from laget.plans.tests.test_access_matrix import READ_PLAN

pytestmark = pytest.mark.django_db

MANAGE_EPISODES = READ_PLAN | {
    "coordinator": 302,
    "team_professional": 302,
    "person": 403,
    "relative_with_consent": 403,
}
# Answering a hand-off to the municipal service: its staff only (the coordinator works
# there); nobody needs to be on the team. Denied is 403: a hand-off's existence names no one.
ANSWER = dict.fromkeys(PLAN_ACTORS, 403) | {"coordinator": 302, "anonymous": 302}

CONTINUITY_MATRIX = {
    "continuity:timeline": ("get", READ_PLAN, True),
    "api-v1:get_timeline": ("get", READ_PLAN | {"anonymous": 401}, True),
    "api-v1:get_challenge_picture": ("get", READ_PLAN | {"anonymous": 401}, True),
    "continuity:challenge_picture": ("get", READ_PLAN, True),
    "continuity:episode_start": ("post", MANAGE_EPISODES, False),
    "continuity:episode_end": ("post", MANAGE_EPISODES, False),
    "continuity:handoff_request": ("post", MANAGE_EPISODES, False),
    # Counts for the network's leaders; the plan's actors are all ordinary staff: 403.
    "continuity:network": ("get", dict.fromkeys(PLAN_ACTORS, 403) | {"anonymous": 302}, False),
    "continuity:dashboard": ("get", dict.fromkeys(PLAN_ACTORS, 200) | {"anonymous": 302}, False),
    "continuity:incoming": ("get", dict.fromkeys(PLAN_ACTORS, 200) | {"anonymous": 302}, False),
    "continuity:handoff_accept": ("post", ANSWER, False),
    "continuity:handoff_decline": ("post", ANSWER, False),
}


def url_for(route: str, w) -> str:
    if route in ("continuity:incoming", "continuity:dashboard"):
        return reverse(route)
    if route == "continuity:network":
        return reverse(route, kwargs={"slug": _network(w).slug})
    episode = services.episode_start(
        actor=w.coordinator,
        plan=w.plan,
        service=w.dps,
        responsibility="responsible",
        starts=dt.date.today() - dt.timedelta(days=10),
    )
    if route in ("continuity:episode_end", "continuity:handoff_request"):
        return reverse(route, kwargs={"plan_id": w.plan.pk, "episode_id": episode.pk})
    if route in ("continuity:handoff_accept", "continuity:handoff_decline"):
        handoff = services.handoff_request(
            actor=w.coordinator,
            episode=episode,
            to_service=w.municipal,
            summary="Oppfølging",
            wanted_from=dt.date.today(),
            answer_by=dt.date.today(),
        )
        return reverse(route, kwargs={"handoff_id": handoff.pk})
    return reverse(route, kwargs={"plan_id": w.plan.pk})


@pytest.mark.parametrize("route", sorted(CONTINUITY_MATRIX))
def test_continuity_route_for_every_actor(route, plan_world, plan_client):
    method, expected, logs = CONTINUITY_MATRIX[route]
    url = url_for(route, plan_world)
    for actor in PLAN_ACTORS:
        before = AccessLogEntry.objects.count()
        client = plan_client(actor)
        response = client.post(url, {}) if method == "post" else client.get(url)
        assert response.status_code == expected[actor], (route, actor, response.status_code)
        if response.status_code in (403, 404):
            assert b"Testesen" not in response.content, (route, actor)
        if logs and response.status_code == 200:
            assert AccessLogEntry.objects.count() - before == 1, (route, actor)


def test_the_timeline_marks_the_gap_and_the_receiver_sees_details_only_with_consent(
    plan_world, plan_client
):
    today = dt.date.today()
    episode = services.episode_start(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        service=plan_world.dps,
        responsibility="responsible",
        starts=today - dt.timedelta(days=20),
        ends=today - dt.timedelta(days=10),
    )
    body = (
        plan_client("coordinator")
        .get(reverse("continuity:timeline", kwargs={"plan_id": plan_world.plan.pk}))
        .content.decode()
    )
    assert 'class="bar-gap"' in body and "uten en ansvarlig tjeneste" in body
    assert "<svg" in body and 'role="img"' in body
    import re

    # Coordinates are plain numbers with a decimal point, in Norwegian too.
    for value in re.findall(r'<rect x="([^"]+)"', body):
        float(value)
    # A hand-off to child welfare, which has no consent: its staff see no name.
    services.handoff_request(
        actor=plan_world.coordinator,
        episode=episode,
        to_service=plan_world.child_welfare_service,
        summary="Bekymring for barna",
        wanted_from=today,
        answer_by=today,
    )
    incoming = plan_client("child_welfare").get(reverse("continuity:incoming")).content.decode()
    assert "Testesen" not in incoming and "Bekymring for barna" not in incoming
    assert "ikke samtykket" in incoming


def test_the_person_is_told_in_plain_words_who_helps_now_and_who_takes_over(
    plan_world, plan_client
):
    today = dt.date.today()
    services.episode_start(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        service=plan_world.dps,
        responsibility="responsible",
        starts=today - dt.timedelta(days=5),
    )
    services.episode_start(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        service=plan_world.municipal,
        responsibility="responsible",
        starts=today + dt.timedelta(days=3),
    )
    body = (
        plan_client("person")
        .get(reverse("continuity:timeline", kwargs={"plan_id": plan_world.plan.pk}))
        .content.decode()
    )
    assert "Akkurat nå er det DPS poliklinikk som har ansvaret for å hjelpe deg." in body
    assert "tar Psykisk helse Testvik over." in body


@pytest.mark.parametrize("n", [2, 20])
def test_timeline_queries_stay_the_same(
    plan_world, plan_client, django_assert_num_queries, log_write_queries, n
):
    today = dt.date.today()
    for i in range(n):
        services.episode_start(
            actor=plan_world.coordinator,
            plan=plan_world.plan,
            service=plan_world.dps,
            responsibility="responsible" if i % 2 else "supporting",
            starts=today - dt.timedelta(days=10 * i + 5),
            ends=today - dt.timedelta(days=10 * i),
        )
    client = plan_client("team_professional")
    url = reverse("continuity:timeline", kwargs={"plan_id": plan_world.plan.pk})
    client.get(url)
    # Expect 11 and the access-log entry's: session, user, TOTP authenticator; the plan;
    # the team place and consents (access); episodes with services, and their linked
    # measures; hand-offs; the plan's measures (for linking); the access-log entry
    # (log_write_queries); the services for every form's drop-down, read once. (No session
    # write: reads within a minute of the last renewal leave it alone.)
    with django_assert_num_queries(11 + log_write_queries):
        assert client.get(url).status_code == 200


def test_episodes_and_hand_offs_through_the_pages(plan_world, plan_client):
    from laget.continuity.models import Handoff, ServiceEpisode

    today = dt.date.today()
    client = plan_client("coordinator")
    client.post(
        reverse("continuity:episode_start", kwargs={"plan_id": plan_world.plan.pk}),
        {
            "service": plan_world.dps.pk,
            "responsibility": "responsible",
            "starts": (today - dt.timedelta(days=3)).isoformat(),
        },
    )
    episode = ServiceEpisode.objects.get(plan=plan_world.plan)
    client.post(
        reverse(
            "continuity:handoff_request",
            kwargs={"plan_id": plan_world.plan.pk, "episode_id": episode.pk},
        ),
        {
            "to_service": plan_world.municipal.pk,
            "summary": "Trenger oppfølging hjemme",
            "wanted_from": today.isoformat(),
            "answer_by": today.isoformat(),
            "consent_choice": "send",  # warned that no consent covers it; sent anyway
        },
    )
    handoff = Handoff.objects.get()
    assert plan_client("coordinator").get(reverse("continuity:incoming")).status_code == 200
    client.post(reverse("continuity:handoff_accept", kwargs={"handoff_id": handoff.pk}))
    assert Handoff.objects.get().status == "accepted"
    ended = client.post(
        reverse(
            "continuity:episode_end",
            kwargs={"plan_id": plan_world.plan.pk, "episode_id": episode.pk},
        ),
        {"ends": today.isoformat()},
    )
    assert ended.status_code == 302
    assert ServiceEpisode.objects.get(pk=episode.pk).ends == today


def test_views_stand_side_by_side_with_the_person_first_and_agreed_history(plan_world, plan_client):
    url = reverse("continuity:challenge_picture", kwargs={"plan_id": plan_world.plan.pk})
    plan_client("team_professional").post(
        url, {"situation": "Alvorlig depresjon, trenger tett behandling."}
    )
    plan_client("person").post(
        url, {"situation": "Jeg er sliten av å flytte hele tiden.", "what_matters": "Et hjem"}
    )
    plan_client("coordinator").post(
        url, {"text": "Bolig først, så behandling.", "agreed_on": "2026-01-10"}
    )
    plan_client("coordinator").post(
        url, {"text": "Bolig og behandling samtidig.", "agreed_on": "2026-03-01"}
    )
    body = plan_client("relative_with_consent").get(url).content.decode()
    assert body.index("Jeg er sliten av å flytte") < body.index("Alvorlig depresjon")
    assert "Bolig og behandling samtidig." in body and "Bolig først, så behandling." in body
    empty = plan_client("person").post(url, {"situation": "  "})
    assert empty.status_code == 400
    assert "Skriv hvordan du ser situasjonen." in empty.content.decode()
    refused = plan_client("team_professional").post(url, {"text": "x", "agreed_on": "2026-03-02"})
    assert refused.status_code == 403


def test_dashboard_lists_what_needs_doing_and_reminders_name_nobody(
    plan_world, plan_client, mailoutbox
):
    from laget.continuity.tasks import send_reminders
    from laget.plans import services as plan_services
    from laget.plans.models import Plan

    today = dt.date.today()
    Plan.objects.filter(pk=plan_world.plan.pk).update(next_revision=today - dt.timedelta(days=3))
    plan_services.task_add(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        title="Ringe legen",
        due=today - dt.timedelta(days=1),
        assignee_user=plan_world.person,
    )
    body = plan_client("coordinator").get(reverse("continuity:dashboard")).content.decode()
    assert "Lise Testesen" in body and "passert revisjonsdatoen" in body
    assert "1 oppgave er forfalt" in body
    assert (
        "Lise Testesen"
        not in plan_client("team_professional")
        .get(reverse("continuity:dashboard"))
        .content.decode()
    )
    send_reminders.enqueue()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [plan_world.coordinator.email]
    assert "Testesen" not in mail.body and "Ringe legen" not in mail.body
    assert "1 forfalte oppgaver" in mail.body or "- 1 " in mail.body
    assert "/dashbord/" in mail.body


@pytest.mark.parametrize("persons", [1, 10])
def test_dashboard_queries_stay_the_same(
    plan_world, plan_client, django_assert_num_queries, persons
):
    from laget.plans import services as plan_services

    w = plan_world
    for i in range(persons):
        person = plan_services.person_create(
            actor=w.coordinator,
            first_name="Person",
            last_name=f"Nummer {i}",
            birth_date=dt.date(1980, 1, 1),
        )
        plan = plan_services.plan_create(
            actor=w.coordinator,
            person=person,
            owner=w.municipal.organisation,
            coordinator=w.coordinator,
            coordinator_service=w.municipal,
            reason="Vedtak",
        )
        plan_services.task_add(
            actor=w.coordinator,
            plan=plan,
            title=f"Oppgave {i}",
            due=dt.date.today() - dt.timedelta(days=1),
            assignee_user=w.coordinator,
        )
    client = plan_client("coordinator")
    client.get(reverse("continuity:dashboard"))
    # Expect 17:
    #   1-3   session, user, TOTP authenticator
    #   4-5   access: the coordinator's places with plans and services; their consents,
    #         read once for the whole page (the sections below reuse them)
    #   6-10  stale measures, expiring consents, overdue tasks, hand-offs, episodes
    #   11-13 one access-log entry per plan shown, written together: lock the chain
    #         head, one INSERT, UPDATE head
    #   14    the outcome ratings' section ({% outcome_alerts %}): the ratings (none here:
    #         nothing more)
    #   15-16 who waits for you (notifications.selectors.needs_you): the latest message on
    #         each plan, open call requests (none shown here, so no second log entry; a
    #         plan shown above is not logged twice)
    #   17    the team's cases ({% team_alerts %}): the open cases the actor works on
    #         (none here: nothing more)
    with django_assert_num_queries(17):
        assert client.get(reverse("continuity:dashboard")).status_code == 200


def _network(w):
    from laget.directory.tests.factories import NetworkFactory

    network = NetworkFactory(slug="testvik-nett")
    network.organisations.set([w.municipal.organisation, w.dps.organisation])
    return network


def test_leaders_see_counts_for_their_network_and_no_names(plan_world, plan_client, client):
    from laget.accounts.totp import ensure_totp
    from laget.conftest import TEST_TOTP_SECRET, make_professional

    network = _network(plan_world)
    leader = make_professional(plan_world.dps, "leader", percent=10)
    ensure_totp(leader, TEST_TOTP_SECRET)
    today = dt.date.today()
    episode = services.episode_start(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        service=plan_world.dps,
        responsibility="responsible",
        starts=today - dt.timedelta(days=20),
    )
    services.handoff_request(
        actor=plan_world.coordinator,
        episode=episode,
        to_service=plan_world.municipal,
        summary="Oppfølging",
        wanted_from=today,
        answer_by=today,
    )
    client.force_login(leader)
    response = client.get(reverse("continuity:network", kwargs={"slug": network.slug}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Psykisk helse Testvik" in body  # the receiving service, with its count
    assert "Testesen" not in body and "Oppfølging" not in body


def test_api_timeline_reports_gaps_and_who_is_responsible(plan_world, plan_client):
    today = dt.date.today()
    services.episode_start(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        service=plan_world.dps,
        responsibility="responsible",
        starts=today - dt.timedelta(days=3),
    )
    data = (
        plan_client("team_professional")
        .get(reverse("api-v1:get_timeline", kwargs={"plan_id": plan_world.plan.pk}))
        .json()
    )
    assert data["responsible_today"] == ["DPS poliklinikk"]
    # The timeline starts at the first involvement: the days before it are not gaps.
    assert data["start"] == (today - dt.timedelta(days=3)).isoformat()
    assert data["gaps"] == []


@pytest.mark.parametrize("waiting", [2, 20])
def test_network_view_queries_stay_the_same(plan_world, client, django_assert_num_queries, waiting):
    from laget.accounts.totp import ensure_totp
    from laget.conftest import TEST_TOTP_SECRET, make_professional
    from laget.plans.models import Plan

    network = _network(plan_world)
    leader = make_professional(plan_world.dps, "leader", percent=10)
    ensure_totp(leader, TEST_TOTP_SECRET)
    Plan.objects.filter(pk=plan_world.plan.pk).update(status="active")
    today = dt.date.today()
    episode = services.episode_start(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        service=plan_world.dps,
        responsibility="responsible",
        starts=today - dt.timedelta(days=20),
    )
    for _ in range(waiting):
        services.handoff_request(
            actor=plan_world.coordinator,
            episode=episode,
            to_service=plan_world.municipal,
            summary="x",
            wanted_from=today,
            answer_by=today,
        )
    client.force_login(leader)
    url = reverse("continuity:network", kwargs={"slug": network.slug})
    client.get(url)
    # Expect 15: session, user, TOTP authenticator; the network; is this a leader there;
    # the network's organisations' active plans; their episodes; four counts; waiting
    # hand-offs by service. (No session write within a minute of the last renewal.)
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200


def test_bad_continuity_input_gets_norwegian_messages_and_changes_nothing(plan_world):
    from django.core.exceptions import ValidationError
    from django.utils.translation import override

    from laget.continuity.models import Handoff, ServiceEpisode

    today = dt.date.today()
    episode = services.episode_start(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        service=plan_world.dps,
        responsibility="responsible",
        starts=today - dt.timedelta(days=5),
    )
    with override("nb"):
        with pytest.raises(ValidationError) as own:
            services.handoff_request(
                actor=plan_world.coordinator,
                episode=episode,
                to_service=plan_world.dps,
                summary="x",
                wanted_from=today,
                answer_by=today,
            )
        assert "Velg en annen tjeneste enn den som overfører" in " ".join(own.value.messages)
        with pytest.raises(ValidationError) as backwards:
            services.episode_start(
                actor=plan_world.coordinator,
                plan=plan_world.plan,
                service=plan_world.dps,
                responsibility="responsible",
                starts=today,
                ends=today - dt.timedelta(days=1),
            )
        assert "Perioden kan ikke slutte før den begynner" in " ".join(backwards.value.messages)
        handoff = services.handoff_request(
            actor=plan_world.coordinator,
            episode=episode,
            to_service=plan_world.municipal,
            summary="Oppfølging",
            wanted_from=today + dt.timedelta(days=1),
            answer_by=today,
        )
        with pytest.raises(ValidationError) as pending:
            services.episode_end(actor=plan_world.coordinator, episode=episode, ends=today)
        assert "Be en annen tjeneste ta over" in " ".join(pending.value.messages)
        services.handoff_accept(actor=plan_world.coordinator, handoff=handoff)
        with pytest.raises(ValidationError) as twice:
            services.handoff_accept(actor=plan_world.coordinator, handoff=handoff)
        assert "allerede besvart" in " ".join(twice.value.messages)
    assert ServiceEpisode.objects.filter(plan=plan_world.plan).count() == 2  # DPS + accepted
    assert Handoff.objects.count() == 1
    assert ServiceEpisode.objects.get(pk=episode.pk).ends is None


def test_dashboard_shows_recent_gaps_and_overdue_hand_offs(plan_world, plan_client):
    from laget.continuity.models import Handoff

    today = dt.date.today()
    ended = services.episode_start(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        service=plan_world.dps,
        responsibility="responsible",
        starts=today - dt.timedelta(days=60),
        ends=today - dt.timedelta(days=10),
    )
    services.episode_start(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        service=plan_world.municipal,
        responsibility="responsible",
        starts=today - dt.timedelta(days=5),
    )
    late = services.handoff_request(
        actor=plan_world.coordinator,
        episode=ended,
        to_service=plan_world.child_welfare_service,
        summary="x",
        wanted_from=today,
        answer_by=today,
    )
    Handoff.objects.filter(pk=late.pk).update(answer_by=today - dt.timedelta(days=1))
    body = plan_client("coordinator").get(reverse("continuity:dashboard")).content.decode()
    assert "4 dager uten ansvarlig tjeneste de siste 30 dagene" in body
    assert "1 over svarfristen" in body


@pytest.mark.parametrize("route", sorted(CONTINUITY_MATRIX))
def test_every_method_for_every_actor(route, plan_world, plan_client):
    # Issue 14: GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS (laget/tests/sweep.py).
    from laget.tests.sweep import sweep

    _, expected, _ = CONTINUITY_MATRIX[route]
    sweep(
        route=route,
        url=url_for(route, plan_world),
        expected=expected,
        client_for=plan_client,
        secret=b"Testesen",
    )


# Routes that name an object inside a plan: an episode of plan A under plan B's URL.
NESTED = ["continuity:episode_end", "continuity:handoff_request"]


def well_formed(route, w):
    today = dt.date.today()
    if route == "continuity:episode_end":
        data = {"ends": today.isoformat(), "override_reason": "Avsluttet etter avtale"}
    else:
        data = {
            "to_service": str(w.child_welfare_service.pk),
            "summary": "Oppfølging videre",
            "wanted_from": today.isoformat(),
            "answer_by": today.isoformat(),
        }
    return lambda client, url: client.post(url, data)


@pytest.mark.parametrize("route", NESTED)
def test_an_episode_of_one_plan_under_another_plans_url(route, plan_world, plan_client):
    from laget.plans.tests.test_access_methods import other_plan
    from laget.tests.sweep import cross_plan_sweep, with_plan

    crossed = with_plan(url_for(route, plan_world), other_plan(plan_world).pk)
    cross_plan_sweep(
        route=route,
        url=crossed,
        actors=PLAN_ACTORS,
        client_for=plan_client,
        secret=b"Testesen",
        attempt=well_formed(route, plan_world),
    )
