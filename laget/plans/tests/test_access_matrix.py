"""Every plan route × every kind of actor in security.md.

Denied means 403 or 404 with no personal data in the body and no access-log row claiming
a read. Allowed reads write exactly one access-log row per request.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from laget.audit.models import AccessLogEntry
from laget.plans.tests.conftest import PERSON_NATIONAL_ID, PLAN_ACTORS

EMERGENCY_REASON = "Innlagt akutt på legevakten, trenger kriseplanen nå."

pytestmark = pytest.mark.django_db

NOBODY = dict.fromkeys(PLAN_ACTORS, 404) | {"anonymous": 302}
READ_PLAN = NOBODY | {
    "coordinator": 200,
    "team_professional": 200,
    "person": 200,
    "relative_with_consent": 200,
}
# Writes that succeed redirect (302); a reader who may not write gets 403.
EDIT_PLAN = READ_PLAN | {
    "coordinator": 302,
    "team_professional": 302,
    "person": 302,
    "relative_with_consent": 403,
}
# Activation is for the coordinator and the person; here it is refused (400) because the
# person has not yet consented to the plan.
ACTIVATE = READ_PLAN | {
    "coordinator": 400,
    "person": 400,
    "team_professional": 403,
    "relative_with_consent": 403,
}


# Managing team and consents: the person and the coordinator; readers of the plan get 403.
MANAGE = READ_PLAN | {"team_professional": 403, "relative_with_consent": 403}


PERSON_ONLY = READ_PLAN | {
    "coordinator": 403,
    "team_professional": 403,
    "relative_with_consent": 403,
    "person": 302,
}


def goal(w):
    return {"text": "Jeg vil bo i egen leilighet", "life_area": "housing"}


def measure(w):
    return {"title": "Boveiledning", "responsible_service": w.municipal.pk}


def task(w):
    return {"title": "Søke bostøtte", "assignee_user": w.coordinator.pk, "due": "2030-01-01"}


def nothing(w):
    return {}


def message(w):
    return {"body": "Hei alle sammen"}


def measure_status(w):
    from laget.plans.models import Measure

    return {"status": "ongoing", "version": Measure.objects.get(title="API-tiltak").version}


def task_version(w):
    from laget.plans.models import Task

    return {"version": Task.objects.get(title="API-oppgave").version}


# route name -> (method, data builder or None, expected status per actor, logs a read)
PLAN_MATRIX = {
    "plans:my_plans": ("get", None, dict.fromkeys(PLAN_ACTORS, 200) | {"anonymous": 302}, False),
    "plans:plan": ("get", None, READ_PLAN, True),
    "plans:messages": ("get", None, READ_PLAN, True),
    # A draft of a message: whoever may write messages keeps their own; no read, no log.
    "plans:message_draft": ("post", message, READ_PLAN, False),
    "plans:goal_add": ("post", goal, EDIT_PLAN, False),
    "plans:measure_add": ("post", measure, EDIT_PLAN, False),
    "plans:task_add": ("post", task, EDIT_PLAN, False),
    "plans:activate": ("post", nothing, ACTIVATE, False),
    "plans:my_access_log": ("get", None, NOBODY | {"person": 200}, True),
    # Health personnel only; the matrix's professionals are nurses, child welfare is not.
    "plans:emergency": (
        "get",
        None,
        dict.fromkeys(PLAN_ACTORS, 200)
        | {
            "anonymous": 302,
            "person": 403,
            "relative_with_consent": 403,
            "relative_without": 403,
            "child_welfare": 403,
            "operator": 403,
        },
        False,
    ),
    "plans:emergency_review": (
        "post",
        nothing,
        # other_org holds the emergency access being reviewed: it reads, but may not review.
        READ_PLAN
        | {
            "team_professional": 403,
            "relative_with_consent": 403,
            "other_org": 403,
            "coordinator": 302,
            "person": 302,
        },
        False,
    ),
    "plans:consents": ("get", None, MANAGE, True),
    # The plan page's consents section, loaded when opened: the same readers.
    "plans:consent_summary": ("get", None, MANAGE, True),
    "plans:person_district": ("get", None, MANAGE, True),
    "plans:team": ("get", None, MANAGE, True),
    "plans:edit": ("get", None, READ_PLAN | {"relative_with_consent": 403}, True),
    "plans:plan_consent": ("post", nothing, MANAGE | {"coordinator": 302, "person": 302}, False),
    # Without a reason nobody is removed: the manager is sent back with a message.
    "plans:team_leave": ("post", nothing, MANAGE | {"coordinator": 302, "person": 302}, False),
    "plans:consent_withdraw": (
        "post",
        nothing,
        MANAGE | {"coordinator": 302, "person": 302},
        False,
    ),
    # Undo a withdrawal made today: those who manage consents.
    "plans:consent_undo": ("post", nothing, MANAGE | {"coordinator": 302, "person": 302}, False),
    # A person's or relative's own account page; professionals keep their two-factor pages.
    "plans:my_account": (
        "get",
        None,
        dict.fromkeys(PLAN_ACTORS, 302)
        | {"person": 200, "relative_with_consent": 200, "relative_without": 200},
        False,
    ),
    "plans:attachment": ("get", None, READ_PLAN, True),
    "plans:goal_edit": ("get", None, READ_PLAN | {"relative_with_consent": 403}, True),
    # The measure is the DPS's: the person proposes and comments, but does not change it.
    "plans:measure_edit": (
        "get",
        None,
        READ_PLAN | {"relative_with_consent": 403, "person": 403},
        True,
    ),
    # Blocking single items: the person only.
    "plans:item_block": ("post", nothing, PERSON_ONLY, False),
    "plans:item_unblock": ("post", nothing, PERSON_ONLY, False),
    # Health details: the DPS's consent in the matrix does not cover them.
    "plans:crisis_plan": (
        "get",
        None,
        READ_PLAN | {"team_professional": 404, "relative_with_consent": 404},
        True,
    ),
    "plans:print": ("get", None, READ_PLAN, True),
    "plans:pdf": ("get", None, READ_PLAN, True),
    "plans:inbox": ("get", None, dict.fromkeys(PLAN_ACTORS, 200) | {"anonymous": 302}, False),
    # Only the coordinator names a stand-in (here: ends the cover, as the form is empty).
    "plans:stand_in": ("post", nothing, MANAGE | {"coordinator": 302, "person": 403}, False),
    "plans:my_tasks": ("get", None, dict.fromkeys(PLAN_ACTORS, 200) | {"anonymous": 302}, False),
    # Without a version the task is not changed; the reader is sent back with a message.
    # The task is the person's: only they and the coordinator may close it.
    "plans:task_done": (
        "post",
        nothing,
        READ_PLAN
        | {
            "coordinator": 302,
            "team_professional": 403,
            "person": 302,
            "relative_with_consent": 404,
        },
        False,
    ),
    # Giving a task to someone else: the coordinator only (here without a choice: sent
    # back with a message); the relative reads no tasks.
    "plans:task_reassign": (
        "post",
        nothing,
        READ_PLAN
        | {
            "coordinator": 302,
            "team_professional": 403,
            "person": 403,
            "relative_with_consent": 404,
        },
        False,
    ),
    # The JSON API: the same doors; anonymous gets 401.
    "api-v1:list_plans": ("get", None, dict.fromkeys(PLAN_ACTORS, 200) | {"anonymous": 401}, False),
    "api-v1:plans_awaiting_consent": (
        "get",
        None,
        dict.fromkeys(PLAN_ACTORS, 200) | {"anonymous": 401},
        False,
    ),
    "api-v1:get_plan": ("get", None, READ_PLAN | {"anonymous": 401}, True),
    "api-v1:list_messages": ("get", None, READ_PLAN | {"anonymous": 401}, True),
    "api-v1:post_message": (
        "json",
        message,
        READ_PLAN
        | {
            "anonymous": 401,
            "coordinator": 201,
            "team_professional": 201,
            "person": 201,
            "relative_with_consent": 201,
        },
        False,
    ),
    # Each role its own controls, in the API too: the measure is the DPS's, the task the
    # person's. The coordinator re-assigns measures but does not set another service's
    # status; the relative reads no tasks.
    "api-v1:update_measure_status": (
        "json_patch",
        measure_status,
        NOBODY
        | {
            "anonymous": 401,
            "coordinator": 403,
            "team_professional": 200,
            "person": 403,
            "relative_with_consent": 403,
        },
        False,
    ),
    "api-v1:complete_task": (
        "json",
        task_version,
        NOBODY | {"anonymous": 401, "coordinator": 200, "team_professional": 403, "person": 200},
        False,
    ),
}
# Message posting on the page shares the messages route (POST); checked separately below.


def url_for(route: str, w) -> str:
    if route in (
        "plans:my_plans",
        "plans:my_access_log",
        "plans:emergency",
        "plans:my_tasks",
        "plans:inbox",
        "plans:my_account",
        "api-v1:list_plans",
        "api-v1:plans_awaiting_consent",
    ):
        return reverse(route)
    if route == "plans:emergency_review":
        from laget.plans import services

        emergency = services.emergency_access_open(
            actor=w.other_org, national_id=PERSON_NATIONAL_ID, reason=EMERGENCY_REASON
        )
        return reverse(route, kwargs={"plan_id": w.plan.pk, "emergency_id": emergency.pk})
    if route == "plans:attachment":
        from django.core.files.uploadedfile import SimpleUploadedFile

        from laget.plans import services

        message = services.message_post(
            actor=w.coordinator,
            plan=w.plan,
            body="Vedlagt",
            attachments=[SimpleUploadedFile("referat.pdf", b"%PDF-1.4 referat\n%%EOF\n")],
        )
        attachment = message.attachments.get()
        return reverse(route, kwargs={"plan_id": w.plan.pk, "attachment_id": attachment.pk})
    if route in ("plans:goal_edit", "plans:measure_edit"):
        from laget.plans import services

        if route == "plans:goal_edit":
            goal = services.goal_add(actor=w.person, plan=w.plan, text="Et mål", life_area="other")
            return reverse(route, kwargs={"plan_id": w.plan.pk, "goal_id": goal.pk})
        measure = services.measure_add(
            actor=w.coordinator, plan=w.plan, title="Samtaler", responsible_service=w.dps
        )
        return reverse(route, kwargs={"plan_id": w.plan.pk, "measure_id": measure.pk})
    if route == "plans:item_unblock":
        from laget.plans import services

        goal = services.goal_add(actor=w.person, plan=w.plan, text="Privat mål", life_area="other")
        block = services.item_block_add(
            actor=w.person, plan=w.plan, kind="goal", object_id=goal.pk, hidden_from=None
        )
        return reverse(route, kwargs={"plan_id": w.plan.pk, "block_id": block.pk})
    if route in ("plans:task_done", "plans:task_reassign"):
        from laget.plans import services

        task = services.task_add(
            actor=w.coordinator,
            plan=w.plan,
            title="Ringe",
            due=dt.date.today(),
            assignee_user=w.person,
        )
        return reverse(route, kwargs={"plan_id": w.plan.pk, "task_id": task.pk})
    if route == "api-v1:update_measure_status":
        from laget.plans import services

        measure = services.measure_add(
            actor=w.coordinator, plan=w.plan, title="API-tiltak", responsible_service=w.dps
        )
        return reverse(route, kwargs={"plan_id": w.plan.pk, "measure_id": measure.pk})
    if route == "api-v1:complete_task":
        from laget.plans import services

        task = services.task_add(
            actor=w.coordinator,
            plan=w.plan,
            title="API-oppgave",
            due=dt.date.today(),
            assignee_user=w.person,
        )
        return reverse(route, kwargs={"plan_id": w.plan.pk, "task_id": task.pk})
    if route == "plans:team_leave":
        from laget.plans.models import TeamMember

        member = TeamMember.objects.get(plan=w.plan, user=w.relative_without)
        return reverse(route, kwargs={"plan_id": w.plan.pk, "member_id": member.pk})
    if route == "plans:consent_undo":
        from laget.plans import services

        consent = services.consent_record(
            actor=w.person,
            plan=w.plan,
            to_service=w.municipal,
            categories=["plan"],
            valid_from=dt.date.today(),
            valid_to=dt.date.today(),
            method="digital",
        )
        services.consent_withdraw(actor=w.person, plan=w.plan, consent=consent)
        return reverse(route, kwargs={"plan_id": w.plan.pk, "consent_id": consent.pk})
    if route == "plans:consent_withdraw":
        from laget.plans import services

        # A consent whose withdrawal changes no other actor's access in the matrix.
        consent = services.consent_record(
            actor=w.person,
            plan=w.plan,
            to_service=w.municipal,
            categories=["plan"],
            valid_from=dt.date.today(),
            valid_to=dt.date.today(),
            method="digital",
        )
        return reverse(route, kwargs={"plan_id": w.plan.pk, "consent_id": consent.pk})
    return reverse(route, kwargs={"plan_id": w.plan.pk})


@pytest.mark.parametrize("route", sorted(PLAN_MATRIX))
def test_plan_route_for_every_actor(route, plan_world, plan_client):
    method, data_for, expected, logs = PLAN_MATRIX[route]
    assert set(expected) == set(PLAN_ACTORS)
    url = url_for(route, plan_world)
    for actor in PLAN_ACTORS:
        before = AccessLogEntry.objects.count()
        client = plan_client(actor)
        if method == "json":
            response = client.post(url, data_for(plan_world), content_type="application/json")
        elif method == "json_patch":
            response = client.patch(url, data_for(plan_world), content_type="application/json")
        elif method == "post":
            response = client.post(url, data_for(plan_world))
        else:
            response = client.get(url)
        status = response.status_code
        assert status == expected[actor], (route, actor, status)
        written = AccessLogEntry.objects.count() - before
        if status in (302, 401, 403, 404) and method == "get":
            assert written == 0, (route, actor)
        if status in (401, 403, 404):
            assert b"Testesen" not in response.content, (route, actor)
        if logs and status == 200:
            assert written == 1, (route, actor, written)


def test_posting_a_message(plan_world, plan_client):
    url = reverse("plans:messages", kwargs={"plan_id": plan_world.plan.pk})
    expected = READ_PLAN | {
        "coordinator": 302,
        "team_professional": 302,
        "person": 302,
        "relative_with_consent": 302,
    }
    for actor in PLAN_ACTORS:
        response = plan_client(actor).post(url, {"body": f"Hilsen fra {actor}"})
        assert response.status_code == expected[actor], actor
    bodies = set(plan_world.plan.messages.values_list("body", flat=True))
    assert bodies == {
        "Hilsen fra coordinator",
        "Hilsen fra team_professional",
        "Hilsen fra person",
        "Hilsen fra relative_with_consent",
    }


def test_withdrawn_consent_closes_the_door_at_once(plan_world, plan_client):
    from laget.plans import services
    from laget.plans.models import Consent

    url = reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk})
    client = plan_client("team_professional")
    assert client.get(url).status_code == 200
    consent = Consent.objects.get(to_service=plan_world.dps)
    services.consent_withdraw(actor=plan_world.person, plan=plan_world.plan, consent=consent)
    assert client.get(url).status_code == 404


def test_expired_consent_gives_nothing(plan_world, plan_client):
    from laget.plans.models import Consent

    Consent.objects.filter(to_relative=plan_world.relative_with_consent).update(
        valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2021, 1, 1)
    )
    url = reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk})
    assert plan_client("relative_with_consent").get(url).status_code == 404


def test_consent_for_the_child_welfare_organisation_opens_only_what_it_names(
    plan_world, plan_client
):
    from laget.plans import services

    today = dt.date.today()
    services.consent_record(
        actor=plan_world.person,
        plan=plan_world.plan,
        to_organisation=plan_world.child_welfare_service.organisation,
        categories=["plan"],
        valid_from=today,
        valid_to=today + dt.timedelta(days=30),
        method="digital",
    )
    client = plan_client("child_welfare")
    plan_url = reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk})
    messages_url = reverse("plans:messages", kwargs={"plan_id": plan_world.plan.pk})
    page = client.get(plan_url)
    assert page.status_code == 200
    assert "Meldinger" not in page.content.decode()  # messages were not consented
    assert client.get(messages_url).status_code == 404


def test_the_person_sees_who_read_the_plan_in_plain_words(plan_world, plan_client):
    plan_client("team_professional").get(
        reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk})
    )
    body = plan_client("person").get(reverse("plans:my_access_log")).content.decode()
    name = plan_world.team_professional.get_full_name()
    assert f"{name}, ansvarsgruppemedlem, DPS poliklinikk –" in body
    assert "1 gang i dag" in body


def test_emergency_access_for_24_hours_flagged_and_logged(plan_world, plan_client):
    from laget.plans.models import EmergencyAccess

    client = plan_client("other_org")
    plan_url = reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk})
    assert client.get(plan_url).status_code == 404
    short = client.post(
        reverse("plans:emergency"), {"national_id": PERSON_NATIONAL_ID, "reason": "trenger"}
    )
    assert short.status_code == 400
    assert "minst en hel setning" in short.content.decode()
    response = client.post(
        reverse("plans:emergency"),
        {"national_id": PERSON_NATIONAL_ID, "reason": EMERGENCY_REASON},
    )
    assert response.status_code == 302
    assert client.get(plan_url).status_code == 200
    entry = AccessLogEntry.objects.latest("pk")
    assert (entry.purpose, entry.actor_role) == ("emergency", "nødtilgang")
    # The coordinator sees it on the plan, and the person in their log.
    coordinator_view = plan_client("coordinator").get(plan_url).content.decode()
    assert "Nødtilgang til denne planen" in coordinator_view
    assert EMERGENCY_REASON in coordinator_view
    log = plan_client("person").get(reverse("plans:my_access_log")).content.decode()
    assert "(nødtilgang)" in log
    # After 24 hours the door is shut again.
    EmergencyAccess.objects.update(ends_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get(plan_url).status_code == 404


def test_emergency_access_needs_a_known_valid_number(plan_world, plan_client):
    from laget.plans.demo import synthetic_national_id

    client = plan_client("other_org")
    unknown = synthetic_national_id(dt.date(1950, 1, 1))
    response = client.post(
        reverse("plans:emergency"), {"national_id": unknown, "reason": EMERGENCY_REASON}
    )
    assert "Fant ingen åpen plan for dette nummeret i Laget." in response.content.decode()
    # The miss is kept for the auditor, with a digest instead of the number.
    from laget.audit.models import ChangeRecord

    miss = ChangeRecord.objects.get(action="emergency_access_no_plan")
    assert miss.actor == plan_world.other_org and unknown not in str(miss.after)
    assert miss.after["reason"] == EMERGENCY_REASON and len(miss.after["number"]) == 20
    invalid = client.post(
        reverse("plans:emergency"), {"national_id": "12345678901", "reason": EMERGENCY_REASON}
    )
    assert "Dette er ikke et gyldig fødselsnummer" in invalid.content.decode()


def test_the_person_withdraws_a_consent_on_the_page_and_it_acts_at_once(plan_world, plan_client):
    from laget.plans.models import Consent

    person = plan_client("person")
    consents_url = reverse("plans:consents", kwargs={"plan_id": plan_world.plan.pk})
    page = person.get(consents_url).content.decode()
    assert "Hvem kan se hva" in page and "DPS poliklinikk" in page
    consent = Consent.objects.get(to_service=plan_world.dps)
    person.post(
        reverse(
            "plans:consent_withdraw",
            kwargs={"plan_id": plan_world.plan.pk, "consent_id": consent.pk},
        )
    )
    plan_url = reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk})
    assert plan_client("team_professional").get(plan_url).status_code == 404


def test_the_person_gives_a_consent_and_bad_dates_are_refused(plan_world, plan_client):
    person = plan_client("person")
    url = reverse("plans:consents", kwargs={"plan_id": plan_world.plan.pk})
    receiver = f"r{plan_world.relative_without.pk}"
    bad = person.post(
        url,
        {
            "receiver": receiver,
            "categories": ["plan"],
            "valid_from": "2030-02-01",
            "valid_to": "2030-01-01",
        },
    )
    assert bad.status_code == 400
    assert "Samtykket kan ikke slutte før det begynner" in bad.content.decode()
    today = dt.date.today()
    good = person.post(
        url,
        {
            "receiver": receiver,
            "categories": ["plan", "messages"],
            "valid_from": today.isoformat(),
            "valid_to": (today + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert good.status_code == 302
    plan_url = reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk})
    assert plan_client("relative_without").get(plan_url).status_code == 200


def test_the_coordinator_adds_and_removes_a_member_with_reasons(plan_world, plan_client):
    from laget.audit.models import ChangeRecord
    from laget.plans.models import TeamMember

    client = plan_client("coordinator")
    url = reverse("plans:team", kwargs={"plan_id": plan_world.plan.pk})
    wrong_service = client.post(
        url,
        {
            "email": plan_world.colleague.email,
            "role": "member",
            "service": plan_world.municipal.pk,
            "reason": "Skal ha samtaler",
        },
    )
    assert wrong_service.status_code == 400
    assert "jobber ikke i denne tjenesten" in wrong_service.content.decode()
    added = client.post(
        url,
        {
            "email": plan_world.colleague.email,
            "role": "member",
            "service": plan_world.dps.pk,
            "reason": "Skal ha samtaler",
        },
    )
    assert added.status_code == 302
    place = TeamMember.objects.active().get(plan=plan_world.plan, user=plan_world.colleague)
    assert place.joined_reason == "Skal ha samtaler"
    leave_url = reverse(
        "plans:team_leave", kwargs={"plan_id": plan_world.plan.pk, "member_id": place.pk}
    )
    client.post(leave_url, {"reason": "Behandlingen er avsluttet"})
    place.refresh_from_db()
    assert place.left_reason == "Behandlingen er avsluttet"
    assert ChangeRecord.objects.filter(action="team_leave").exists()


def test_plan_edit_conflict_shows_the_other_change_and_keeps_mine(plan_world, plan_client):
    url = reverse("plans:edit", kwargs={"plan_id": plan_world.plan.pk})
    fields = {
        "version": "1",
        "resources": "",
        "needs": "",
        "person_contribution": "",
        "relatives_contribution": "",
        "cooperation": "",
        "period_start": "",
        "period_end": "",
        "next_revision": "",
    }
    first = plan_client("coordinator").post(url, fields | {"needs": "Bolig først"})
    assert first.status_code == 302
    second = plan_client("person").post(url, fields | {"needs": "Jobb først"})
    assert second.status_code == 409
    body = second.content.decode()
    assert "Bolig først" in body and "Jobb først" in body
    assert 'name="version" value="2"' in body
    bad_dates = plan_client("person").post(
        url, fields | {"version": "2", "period_start": "2030-02-01", "period_end": "2030-01-01"}
    )
    assert bad_dates.status_code == 400
    assert "Planperioden kan ikke slutte før den begynner" in bad_dates.content.decode()


def test_the_person_consents_to_the_plan_and_the_coordinator_activates_it(plan_world, plan_client):
    from laget.plans.models import Plan

    plan_url = reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk})
    assert "Jeg samtykker til planen" in plan_client("person").get(plan_url).content.decode()
    plan_client("person").post(
        reverse("plans:plan_consent", kwargs={"plan_id": plan_world.plan.pk})
    )
    plan = Plan.objects.get(pk=plan_world.plan.pk)
    assert plan.consent_given_at is not None and plan.consent_method == "digital"
    activate = reverse("plans:activate", kwargs={"plan_id": plan_world.plan.pk})
    assert plan_client("coordinator").post(activate).status_code == 302
    assert Plan.objects.get(pk=plan_world.plan.pk).status == "active"


def test_my_tasks_across_plans_respect_consent_and_log_each_person(plan_world, plan_client):
    from laget.plans import services
    from laget.plans.models import Task

    services.task_add(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        title="Henvise til gruppe",
        due=dt.date.today() - dt.timedelta(days=2),
        assignee_service=plan_world.dps,
    )
    before = AccessLogEntry.objects.count()
    body = plan_client("team_professional").get(reverse("plans:my_tasks")).content.decode()
    assert "Henvise til gruppe" in body and "Forfalt" in body
    assert AccessLogEntry.objects.count() - before == 1
    # The colleague in the same service is not on the team: nothing.
    assert (
        "Henvise til gruppe"
        not in plan_client("colleague").get(reverse("plans:my_tasks")).content.decode()
    )
    task = Task.objects.get(title="Henvise til gruppe")
    done = reverse("plans:task_done", kwargs={"plan_id": plan_world.plan.pk, "task_id": task.pk})
    plan_client("team_professional").post(done, {"version": "1", "from": "my_tasks"})
    assert Task.objects.get(pk=task.pk).status == "done"


def test_a_stand_in_covers_the_coordinator_until_the_date(plan_world, plan_client):
    from laget.plans import services
    from laget.plans.access import plan_access
    from laget.plans.models import Plan

    stand_in_url = reverse("plans:stand_in", kwargs={"plan_id": plan_world.plan.pk})
    until = dt.date.today() + dt.timedelta(days=7)
    response = plan_client("coordinator").post(
        stand_in_url, {"user": plan_world.team_professional.pk, "until": until.isoformat()}
    )
    assert response.status_code == 302
    plan = Plan.objects.select_related("person").get(pk=plan_world.plan.pk)
    covering = plan_access(plan_world.team_professional, plan)
    assert covering is not None and covering.may_read("health") and covering.may_manage_team
    services.message_post(actor=plan_world.person, plan=plan, body="Jeg trenger å snakke med noen")
    inbox = plan_client("team_professional").get(reverse("plans:inbox")).content.decode()
    assert "Jeg trenger å snakke med noen" in inbox and "du er stedfortreder" in inbox
    Plan.objects.filter(pk=plan.pk).update(stand_in_until=dt.date.today() - dt.timedelta(days=1))
    plan.refresh_from_db()
    after = plan_access(plan_world.team_professional, plan)
    assert after is not None and not after.may_read("health") and not after.may_manage_team
    assert (
        "Jeg trenger"
        not in plan_client("team_professional").get(reverse("plans:inbox")).content.decode()
    )


def test_the_person_downloads_their_plan_as_a_pdf_and_it_is_logged_as_export(
    plan_world, plan_client
):
    response = plan_client("person").get(
        reverse("plans:pdf", kwargs={"plan_id": plan_world.plan.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert AccessLogEntry.objects.latest("pk").purpose == "export"
    printed = (
        plan_client("coordinator")
        .get(reverse("plans:print", kwargs={"plan_id": plan_world.plan.pk}))
        .content.decode()
    )
    assert "Individuell plan: Lise Testesen" in printed and "Kriseplan" in printed


def test_crisis_plan_edit_with_conflict(plan_world, plan_client):
    url = reverse("plans:crisis_plan", kwargs={"plan_id": plan_world.plan.pk})
    fields = {
        "version": "1",
        "warning_signs": "",
        "what_helps": "",
        "what_to_avoid": "",
        "who_to_contact": "",
    }
    assert plan_client("person").post(url, fields | {"what_helps": "Gå tur"}).status_code == 302
    conflict = plan_client("coordinator").post(url, fields | {"what_helps": "Musikk"})
    assert conflict.status_code == 409
    assert "Gå tur" in conflict.content.decode()


def test_a_blocked_goal_is_hidden_from_the_service_but_not_the_coordinator(plan_world, plan_client):
    from laget.plans import services

    goal = services.goal_add(
        actor=plan_world.person,
        plan=plan_world.plan,
        text="Slutte med piller",
        life_area="substance",
    )
    block_url = reverse("plans:item_block", kwargs={"plan_id": plan_world.plan.pk})
    plan_client("person").post(
        block_url, {"item": f"goal:{goal.pk}", "hidden_from": plan_world.dps.pk}
    )
    plan_url = reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk})
    assert (
        "Slutte med piller" not in plan_client("team_professional").get(plan_url).content.decode()
    )
    assert "Slutte med piller" in plan_client("coordinator").get(plan_url).content.decode()
    assert (
        "Slutte med piller" in plan_client("relative_with_consent").get(plan_url).content.decode()
    )
    api = (
        plan_client("team_professional")
        .get(reverse("api-v1:get_plan", kwargs={"plan_id": plan_world.plan.pk}))
        .json()
    )
    assert all(g["text"] != "Slutte med piller" for g in api["goals"])


def test_the_admin_shows_operators_no_personal_data(plan_world, plan_client):
    from laget.audit.models import ChangeRecord
    from laget.plans import services

    services.goal_add(
        actor=plan_world.person, plan=plan_world.plan, text="Hemmelig mål", life_area="other"
    )
    operator = plan_client("operator")
    pages = [
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:mfa_authenticator_changelist"),
        reverse("admin:audit_changerecord_changelist"),
        reverse(
            "admin:audit_changerecord_change",
            args=[ChangeRecord.objects.get(action="goal_add").pk],
        ),
    ]
    for url in pages:
        body = operator.get(url).content.decode()
        assert "Testesen" not in body and "Hemmelig mål" not in body, url
        assert plan_world.person.email not in body, url
    assert (
        "plans"
        not in operator.get(reverse("admin:index")).content.decode().lower().split("<main")[-1]
        or "Felles planer" not in operator.get(reverse("admin:index")).content.decode()
    )


def test_measure_status_changes_and_a_stale_edit_is_a_conflict(plan_world, plan_client):
    from laget.plans import services
    from laget.plans.models import Measure

    measure = services.measure_add(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        title="Samtaler",
        responsible_service=plan_world.dps,
    )
    url = reverse(
        "plans:measure_edit", kwargs={"plan_id": plan_world.plan.pk, "measure_id": measure.pk}
    )
    fields = {
        "version": "1",
        "title": "Samtaler",
        "responsible_service": plan_world.dps.pk,
        "scope": "",
        "how": "",
        "starts": "",
        "ends": "",
        "status": "ongoing",
    }
    assert plan_client("team_professional").post(url, fields).status_code == 302
    assert Measure.objects.get(pk=measure.pk).status == "ongoing"
    stale = plan_client("coordinator").post(url, fields | {"status": "done"})
    assert stale.status_code == 409
    assert Measure.objects.get(pk=measure.pk).status == "ongoing"
    goal = services.goal_add(
        actor=plan_world.person, plan=plan_world.plan, text="Jobb", life_area="work"
    )
    goal_url = reverse(
        "plans:goal_edit", kwargs={"plan_id": plan_world.plan.pk, "goal_id": goal.pk}
    )
    done = plan_client("person").post(
        goal_url, {"version": "1", "text": "Jobb", "life_area": "work", "achieved": "on"}
    )
    assert done.status_code == 302
    goal.refresh_from_db()
    assert goal.achieved
