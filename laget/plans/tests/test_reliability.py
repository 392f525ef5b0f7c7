"""No 500 from text a plan route cannot store (issue 14): a NUL byte in a message, a draft
or the API gave 500 on PostgreSQL; now every route refuses it with 400 and writes nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from laget.plans.models import Message, MessageDraft

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(plan_world):
    client = Client(raise_request_exception=False)
    client.force_login(plan_world.coordinator)
    return client


@pytest.mark.parametrize("body", ["Hei\x00alle", "Hei\x07", "\x1b[2J"])
def test_a_message_with_control_characters_is_refused(plan_world, coordinator, body):
    plan_id = plan_world.plan.pk
    page = coordinator.post(reverse("plans:messages", args=[plan_id]), {"body": body})
    draft = coordinator.post(reverse("plans:message_draft", args=[plan_id]), {"body": body})
    api = coordinator.post(
        f"/api/v1/plans/{plan_id}/messages", {"body": body}, content_type="application/json"
    )
    for response in (page, draft, api):
        assert response.status_code == 400
        assert "kontrolltegn" in response.content.decode()
    assert not Message.objects.filter(plan=plan_world.plan).exists()
    assert not MessageDraft.objects.exists()


def test_a_lone_surrogate_in_json_is_refused(plan_world, coordinator):
    raw = json.dumps({"body": "Hei \ud800"})  # "\\ud800": valid JSON, not encodable text
    response = coordinator.post(
        f"/api/v1/plans/{plan_world.plan.pk}/messages", raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert not Message.objects.filter(plan=plan_world.plan).exists()


@pytest.mark.parametrize("page", ["9223372036854775807", "0", "abc", "10001"])
def test_message_pages_are_bounded(plan_world, coordinator, page):
    url = f"/api/v1/plans/{plan_world.plan.pk}/messages"
    assert coordinator.get(url, {"page": page}).status_code in (400, 422)
    html = coordinator.get(reverse("plans:messages", args=[plan_world.plan.pk]), {"side": page})
    assert html.status_code in (200, 400)


def test_an_ordinary_message_with_newlines_still_goes_through(plan_world, coordinator):
    url = f"/api/v1/plans/{plan_world.plan.pk}/messages"
    response = coordinator.post(
        url, {"body": "Hei,\n\tvi ses.\r\n"}, content_type="application/json"
    )
    assert response.status_code == 201
