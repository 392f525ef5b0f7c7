"""Schemathesis over the whole API, bounded for CI (issue 14): generated requests, valid and
not, for every operation, as a logged-in professional. No answer may be a server error,
and every answer must be one the OpenAPI schema documents, in the documented shape.
The reliability harness (bench/reliability.py) runs the same with thousands of cases."""

from __future__ import annotations

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from laget.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(db):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def session_headers(world):
    client = Client()
    client.force_login(world.member)
    client.get("/")  # sets the CSRF cookie
    session = client.cookies["sessionid"].value
    csrf = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else "x" * 32
    return {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf}


# Cases per operation and kind (valid / invalid): about 400 requests over the API in CI.
CASES = 12


# Transactional: the app is called straight through WSGI, and on PostgreSQL a request may
# close and reopen its connection (Django's request signals, the pool), which a test
# wrapped in one transaction cannot survive.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_error_and_only_documented_answers(api_schema, session_headers, mode):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    calls = 0
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=CASES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case):
            nonlocal calls
            calls += 1
            case.call_and_validate(headers=session_headers, checks=CHECKS)

        try:
            run()
        except Unsatisfiable:
            # An operation without parameters or body has no invalid request to generate.
            assert mode == GenerationMode.NEGATIVE
    assert calls >= len(operations)
