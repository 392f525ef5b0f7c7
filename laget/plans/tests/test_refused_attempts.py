"""Refused attempts to read a plan are kept for the privacy officer, apart from the
person's access log (nothing was read, so nothing there may claim a read)."""

from __future__ import annotations

from django.urls import reverse

from laget.audit.models import AccessLogEntry, RefusedAttempt


def test_a_refused_read_is_kept_for_the_privacy_officer_and_not_in_the_persons_log(
    plan_world, plan_client
):
    url = reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk})
    assert plan_client("colleague").get(url).status_code == 404
    attempt = RefusedAttempt.objects.get()
    assert attempt.actor_id == plan_world.colleague.pk
    assert attempt.person_id == plan_world.person_record.pk
    assert (attempt.object_type, attempt.object_id) == ("plans.plan", str(plan_world.plan.pk))
    assert not AccessLogEntry.objects.filter(person_id=plan_world.person_record.pk).exists()
    # A read that is allowed leaves no refused attempt.
    assert plan_client("coordinator").get(url).status_code == 200
    assert RefusedAttempt.objects.count() == 1
