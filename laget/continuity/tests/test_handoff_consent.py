"""A hand-off to a service no consent covers warns the sender before it is sent, and can
ask the person for consent in the same step (issue 11, item 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from laget.continuity import services
from laget.continuity.models import Handoff
from laget.plans.models import Task

pytestmark = pytest.mark.django_db


def _post(plan_world, plan_client, **extra):
    episode = services.episode_start(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        service=plan_world.dps,
        responsibility="responsible",
        starts=dt.date.today() - dt.timedelta(days=10),
    )
    today = dt.date.today()
    url = reverse(
        "continuity:handoff_request",
        kwargs={"plan_id": plan_world.plan.pk, "episode_id": episode.pk},
    )
    data = {
        "to_service": plan_world.child_welfare_service.pk,
        "summary": "Trenger oppfølging hjemme",
        "wanted_from": today.isoformat(),
        "answer_by": (today + dt.timedelta(days=7)).isoformat(),
    }
    return plan_client("coordinator").post(url, data | extra)


def test_the_sender_is_warned_before_anything_is_sent(plan_world, plan_client):
    response = _post(plan_world, plan_client)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Barnevernet Testvik kan ikke se planen ennå" in body
    assert "Send og spør personen om samtykke" in body
    assert 'value="Trenger oppfølging hjemme"' in body  # what was typed goes along
    assert Handoff.objects.count() == 0


def test_asking_for_consent_sends_the_hand_off_and_gives_the_person_a_task(plan_world, plan_client):
    response = _post(plan_world, plan_client, consent_choice="ask")
    assert response.status_code == 302
    handoff = Handoff.objects.get()
    assert handoff.to_service == plan_world.child_welfare_service
    task = Task.objects.get(assignee_user=plan_world.person)
    assert "Barnevernet Testvik" in task.title and task.due == handoff.answer_by
    # The person finds it at the top of their plan, and the consents page has the form.
    page = plan_client("person").get(reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk}))
    assert "Svar på om Barnevernet Testvik kan få se planen din" in page.content.decode()
    consents = plan_client("person").get(
        reverse("plans:consents", kwargs={"plan_id": plan_world.plan.pk}),
        {"til": f"s{plan_world.child_welfare_service.pk}"},
    )
    assert f'value="s{plan_world.child_welfare_service.pk}" selected' in consents.content.decode()


def test_a_covered_service_gets_the_hand_off_without_a_warning(plan_world, plan_client):
    from laget.plans import services as plan_services

    plan_services.consent_record(
        actor=plan_world.person,
        plan=plan_world.plan,
        to_service=plan_world.child_welfare_service,
        categories=["plan"],
        valid_from=dt.date.today(),
        valid_to=dt.date.today() + dt.timedelta(days=30),
        method="digital",
    )
    response = _post(plan_world, plan_client)
    assert response.status_code == 302
    assert Handoff.objects.get().to_service == plan_world.child_welfare_service
    assert not Task.objects.exists()
