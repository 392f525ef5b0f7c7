"""Episodes and hand-offs: nobody lets go before someone has taken over."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils.translation import override

from laget.continuity import services
from laget.continuity.models import Handoff, ServiceEpisode
from laget.continuity.timeline import Episode, Span, gaps
from laget.plans.models import TeamMember

TODAY = dt.date.today()


def dps_episode(w, starts=TODAY - dt.timedelta(days=30)) -> ServiceEpisode:
    return services.episode_start(
        actor=w.coordinator, plan=w.plan, service=w.dps, responsibility="responsible", starts=starts
    )


def request_to_municipal(w, episode) -> Handoff:
    return services.handoff_request(
        actor=w.team_professional,
        episode=episode,
        to_service=w.municipal,
        summary="Trenger oppfølging hjemme etter utskriving.",
        wanted_from=TODAY + dt.timedelta(days=1),
        answer_by=TODAY + dt.timedelta(days=7),
    )


@pytest.mark.django_db
class TestEpisodes:
    def test_a_responsible_service_cannot_let_go_into_a_gap(self, plan_world):
        episode = dps_episode(plan_world)
        with override("nb"), pytest.raises(ValidationError) as exc:
            services.episode_end(actor=plan_world.team_professional, episode=episode, ends=TODAY)
        assert "Ingen annen tjeneste er ansvarlig fra" in " ".join(exc.value.messages)
        assert ServiceEpisode.objects.get(pk=episode.pk).ends is None

    def test_an_override_reason_lets_it_end_and_is_recorded(self, plan_world):
        episode = dps_episode(plan_world)
        ended = services.episode_end(
            actor=plan_world.coordinator,
            episode=episode,
            ends=TODAY,
            override_reason="Personen har flyttet til en annen kommune",
        )
        assert ended.end_override_reason == "Personen har flyttet til en annen kommune"

    def test_a_supporting_episode_ends_freely(self, plan_world):
        episode = services.episode_start(
            actor=plan_world.coordinator,
            plan=plan_world.plan,
            service=plan_world.dps,
            responsibility="supporting",
            starts=TODAY - dt.timedelta(days=3),
        )
        services.episode_end(actor=plan_world.coordinator, episode=episode, ends=TODAY)

    def test_only_the_coordinator_or_the_same_service_manages_an_episode(self, plan_world):
        episode = dps_episode(plan_world)
        for actor in [plan_world.child_welfare, plan_world.person, plan_world.colleague]:
            with pytest.raises(PermissionDenied):
                services.episode_end(actor=actor, episode=episode, ends=TODAY, override_reason="x")


@pytest.mark.django_db
class TestHandoffs:
    def test_accept_starts_the_receivers_episode_and_then_the_sender_may_end(self, plan_world):
        episode = dps_episode(plan_world)
        handoff = request_to_municipal(plan_world, episode)
        receiver = plan_world.coordinator  # works in the municipal service
        services.handoff_accept(actor=receiver, handoff=handoff)
        handoff.refresh_from_db()
        assert handoff.status == "accepted" and handoff.to_episode.service == plan_world.municipal
        services.episode_end(actor=plan_world.team_professional, episode=episode, ends=TODAY)
        pure = [
            Episode(e.service_id, e.starts, e.ends, e.responsible)
            for e in plan_world.plan.episodes.all()
        ]
        assert gaps(pure, Span(TODAY - dt.timedelta(days=30), TODAY + dt.timedelta(days=30))) == []

    def test_accepting_professional_joins_the_team(self, plan_world):
        from laget.conftest import make_professional

        newcomer = make_professional(plan_world.municipal, "member")
        handoff = request_to_municipal(plan_world, dps_episode(plan_world))
        services.handoff_accept(actor=newcomer, handoff=handoff)
        place = TeamMember.objects.active().get(plan=plan_world.plan, user=newcomer)
        assert place.service == plan_world.municipal

    def test_decline_needs_a_reason_and_the_sender_keeps_the_person(self, plan_world):
        episode = dps_episode(plan_world)
        handoff = request_to_municipal(plan_world, episode)
        with pytest.raises(ValidationError):
            services.handoff_decline(actor=plan_world.coordinator, handoff=handoff, reason=" ")
        services.handoff_decline(
            actor=plan_world.coordinator, handoff=handoff, reason="Ingen ledig kapasitet før mars"
        )
        with pytest.raises(ValidationError):
            services.episode_end(actor=plan_world.team_professional, episode=episode, ends=TODAY)

    def test_only_staff_of_the_receiving_service_answer(self, plan_world):
        handoff = request_to_municipal(plan_world, dps_episode(plan_world))
        for actor in [plan_world.team_professional, plan_world.person, plan_world.other_org]:
            with pytest.raises(PermissionDenied):
                services.handoff_accept(actor=actor, handoff=handoff)

    def test_a_hand_off_is_answered_once(self, plan_world):
        handoff = request_to_municipal(plan_world, dps_episode(plan_world))
        services.handoff_accept(actor=plan_world.coordinator, handoff=handoff)
        with pytest.raises(ValidationError):
            services.handoff_decline(actor=plan_world.coordinator, handoff=handoff, reason="x")


@pytest.mark.django_db(transaction=True)
def test_ending_while_the_acceptance_is_pending_never_leaves_an_unrecorded_gap(plan_world):
    """Two attempts to end A and B's acceptance, all at once: whatever the order, either
    someone is responsible the day after A ends, or A's end carries its reason."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): real concurrent connections")
    episode = dps_episode(plan_world)
    handoff = request_to_municipal(plan_world, episode)
    Handoff.objects.filter(pk=handoff.pk).update(wanted_from=TODAY + dt.timedelta(days=1))
    barrier = threading.Barrier(3)

    def end() -> None:
        try:
            barrier.wait()
            services.episode_end(actor=plan_world.team_professional, episode=episode, ends=TODAY)
        except ValidationError:
            pass
        finally:
            connection.close()

    def accept() -> None:
        try:
            barrier.wait()
            services.handoff_accept(actor=plan_world.coordinator, handoff=handoff)
        finally:
            connection.close()

    threads = [threading.Thread(target=f) for f in (end, end, accept)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    a = ServiceEpisode.objects.get(pk=episode.pk)
    pure = [
        Episode(e.service_id, e.starts, e.ends, e.responsible)
        for e in ServiceEpisode.objects.filter(plan=plan_world.plan)
    ]
    later = gaps(pure, Span(TODAY - dt.timedelta(days=30), TODAY + dt.timedelta(days=60)))
    assert not later or a.end_override_reason
    assert Handoff.objects.get(pk=handoff.pk).status == "accepted"
