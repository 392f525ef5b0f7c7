"""On the Fjordvik demo, a leader renders every indicator page and export and finds no
person's name or plan id; the learning network's cohort is there, mixed and attended."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from laget.accounts.models import User
from laget.plans.models import Person, Plan
from laget.quality.indicators import INDICATORS
from laget.quality.models import Cohort

pytestmark = pytest.mark.django_db

LEADER = "ingrid.berg@fjordvik-kommune.test"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # Loaded once for the module in a transaction rolled back at its end; each test runs
    # in a savepoint within it (as plans/tests/test_demo.py does). A module fixture runs
    # before the per-test fast hashing, so it asks for it itself.
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(
            LAGET_DEMO=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ),
    ):
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_every_indicator_page_and_export_names_nobody(demo):
    client = Client()
    client.force_login(User.objects.get(email=LEADER))
    slug = "fjordvik"
    urls = [
        reverse("quality:overview", kwargs={"slug": slug}),
        reverse("quality:report", kwargs={"slug": slug}),
        reverse("quality:export_csv", kwargs={"slug": slug}),
        reverse("quality:export_xlsx", kwargs={"slug": slug}),
        reverse("api-v1:get_quality_indicators", kwargs={"slug": slug}),
        reverse("quality:definitions"),
    ] + [
        reverse("quality:indicator", kwargs={"slug": slug, "indicator_id": i.id})
        for i in INDICATORS
    ]
    names = [f"{p.first_name} {p.last_name}" for p in Person.objects.all()]
    names += [p.last_name for p in Person.objects.all() if len(p.last_name) > 4]
    plan_paths = [f"/planer/{pk}/" for pk in Plan.objects.values_list("pk", flat=True)]
    assert names and plan_paths
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content
        if url.endswith(".xlsx"):
            sheet = load_workbook(io.BytesIO(body)).active
            body = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row).encode()
        text = body.decode()
        for name in names:
            assert name not in text, (url, name)
        for path in plan_paths:
            assert path not in text, (url, path)


def test_the_leaders_trend_page_shows_the_districts(demo):
    from laget.directory.demo import DISTRICTS

    # The demo persons live in the districts (every fifth not recorded).
    assert Person.objects.filter(district__name="Øyane").exists()
    assert Person.objects.filter(district__isnull=True).exists()
    client = Client()
    client.force_login(User.objects.get(email=LEADER))
    url = reverse(
        "quality:indicator", kwargs={"slug": "fjordvik", "indicator_id": "av_referral_to_decision"}
    )
    text = client.get(url, HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Etter kommunedel" in text
    for name in DISTRICTS:
        assert f'class="num">{name}</th>' in text, name
    assert "kommunedel ikke registrert" in text


def test_the_demo_cohort_is_mixed_and_attended(demo):
    cohort = Cohort.objects.get()
    assert cohort.participants.count() >= 30
    assert cohort.participants.filter(peer_worker=True).exists()
    assert cohort.groups.count() >= 5
    for group in cohort.groups.all():
        members = list(group.members.all())
        assert len({m.level for m in members}) >= 2
        assert len({m.service_name for m in members}) >= 3
    assert cohort.sessions.count() == 3


def test_the_demo_cohort_works_between_the_sessions(demo):
    from laget.quality.models import AssignmentReport, EvaluationAnswer, Tie

    cohort = Cohort.objects.get()
    groups = cohort.groups.count()
    assert AssignmentReport.objects.filter(assignment__group__cohort=cohort).count() > groups
    assert Tie.objects.filter(phase="start").exists() and Tie.objects.filter(phase="end").exists()
    assert EvaluationAnswer.objects.filter(cohort=cohort).count() == 12
    client = Client()
    client.force_login(User.objects.get(email=LEADER))
    for name in ("quality:graph", "quality:evaluation_results"):
        page = client.get(reverse(name, kwargs={"cohort_id": cohort.pk}))
        assert page.status_code == 200, name
    results = client.get(reverse("quality:evaluation_results", kwargs={"cohort_id": cohort.pk}))
    assert "12 av" in results.content.decode()
