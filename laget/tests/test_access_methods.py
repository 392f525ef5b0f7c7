"""The project-level and continuity routes × every actor × every HTTP method (issue 14).
The plan routes, with cross-plan ids, are in plans/tests/test_access_methods.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from laget.tests.sweep import sweep
from laget.tests.test_access_matrix import MATRIX

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_every_method_for_every_actor(route, world, client_for):
    kwargs_for, expected = MATRIX[route]
    sweep(
        route=route,
        url=reverse(route, kwargs=kwargs_for(world)),
        expected=expected,
        client_for=client_for,
        secret=world.member.get_full_name().encode(),
    )
