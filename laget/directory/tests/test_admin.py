"""Operators configure the directory in the admin: bad numbers get Norwegian messages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from laget.directory.models import Organisation, Professional
from laget.directory.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_invalid_org_number_is_refused_with_a_clear_message(world, client):
    client.force_login(world.operator)
    response = client.post(
        reverse("admin:directory_organisation_add"),
        {"name": "Feilvik kommune", "kind": "municipality", "org_number": "952601815"},
    )
    assert response.status_code == 200
    assert (
        "Organisasjonsnummeret må ha 9 sifre og riktig kontrollsiffer" in response.content.decode()
    )
    assert not Organisation.objects.filter(name="Feilvik kommune").exists()


def test_missing_name_is_refused(world, client):
    client.force_login(world.operator)
    response = client.post(
        reverse("admin:directory_organisation_add"),
        {"name": "", "kind": "municipality", "org_number": "952601814"},
    )
    assert "Feltet er påkrevet." in response.content.decode()
    assert not Organisation.objects.filter(org_number="952601814").exists()


def test_invalid_hpr_number_is_refused(world, client):
    client.force_login(world.operator)
    user = UserFactory(kind="professional")
    response = client.post(
        reverse("admin:directory_professional_add"),
        {
            "user": user.pk,
            "profession": 1,
            "hpr_number": "12x45",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert "HPR-nummeret må ha 4 til 9 sifre" in response.content.decode()
    assert not Professional.objects.filter(user=user).exists()
