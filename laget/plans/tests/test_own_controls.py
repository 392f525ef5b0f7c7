"""Each role sees only its own controls (issue 11, items 5-7): the person proposes and
comments but does not change a service's measure or tick another's task, through the page
or the API; lists drop a plan when access ends and name nobody without a consent; consents
are withdrawn with a confirmation and undone the same day, marking the service's work for
the coordinator; the person's log is grouped, counted and paged in SQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from laget.audit.models import AccessLogEntry
from laget.audit.services import access_log_write_many
from laget.plans import services
from laget.plans.models import Consent, Measure, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(plan_world):
    """A measure and a task of the DPS, and a task of the person's own."""
    w = plan_world
    measure = services.measure_add(
        actor=w.coordinator, plan=w.plan, title="Samtaler på DPS", responsible_service=w.dps
    )
    dps_task = services.task_add(
        actor=w.coordinator,
        plan=w.plan,
        title="Sende epikrise",
        due=dt.date.today() + dt.timedelta(days=3),
        assignee_service=w.dps,
        assignee_user=w.team_professional,
    )
    own_task = services.task_add(
        actor=w.coordinator,
        plan=w.plan,
        title="Ta med brevet",
        due=dt.date.today() + dt.timedelta(days=3),
        assignee_user=w.person,
    )
    return measure, dps_task, own_task


def test_the_person_cannot_change_a_service_measure_or_tick_its_task_page_or_api(
    plan_world, plan_client, work
):
    measure, dps_task, own_task = work
    w = plan_world
    person = plan_client("person")
    edit = reverse("plans:measure_edit", kwargs={"plan_id": w.plan.pk, "measure_id": measure.pk})
    assert person.get(edit).status_code == 403
    posted = person.post(
        edit,
        {"title": "Ferdig", "responsible_service": w.dps.pk, "status": "done", "version": 1},
    )
    assert posted.status_code == 403
    api = f"/api/v1/plans/{w.plan.pk}/measures/{measure.pk}"
    refused = person.patch(
        api, json.dumps({"status": "done", "version": 1}), content_type="application/json"
    )
    assert refused.status_code == 403
    assert "Bare den ansvarlige tjenesten" in refused.json()["detail"]
    done = reverse("plans:task_done", kwargs={"plan_id": w.plan.pk, "task_id": dps_task.pk})
    assert person.post(done, {"version": 1}).status_code == 403
    api_task = f"/api/v1/plans/{w.plan.pk}/tasks/{dps_task.pk}/done"
    refused = person.post(api_task, {"version": 1}, content_type="application/json")
    assert refused.status_code == 403
    measure.refresh_from_db()
    dps_task.refresh_from_db()
    assert (measure.title, measure.status, measure.version) == ("Samtaler på DPS", "planned", 1)
    assert (dps_task.status, dps_task.version) == ("open", 1)
    # Their own task they close themselves; the DPS sets its own measure's status.
    own = f"/api/v1/plans/{w.plan.pk}/tasks/{own_task.pk}/done"
    assert person.post(own, {"version": 1}, content_type="application/json").json()["status"] == (
        "done"
    )
    ok = plan_client("team_professional").patch(
        api, json.dumps({"status": "ongoing", "version": 1}), content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "ongoing"
    # The coordinator re-assigns (another service) but does not set the DPS's status.
    coordinator = plan_client("coordinator")
    assert (
        coordinator.patch(
            api, json.dumps({"status": "done", "version": 2}), content_type="application/json"
        ).status_code
        == 403
    )
    page = coordinator.get(edit)
    assert page.status_code == 200
    assert 'name="status"' in page.content.decode() and "disabled" in page.content.decode()


def test_the_plan_page_offers_each_role_only_its_own_controls(plan_world, plan_client, work):
    measure, dps_task, own_task = work
    url = reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk})
    body = plan_client("person").get(url).content.decode()
    edit = reverse(
        "plans:measure_edit", kwargs={"plan_id": plan_world.plan.pk, "measure_id": measure.pk}
    )
    assert edit not in body  # not the DPS's measure
    assert f"om=tiltak-{measure.pk}" in body  # but a comment on it
    assert f"/oppgaver/{own_task.pk}/ferdig/" in body
    assert f"/oppgaver/{dps_task.pk}/ferdig/" not in body
    assert "Foreslå et tiltak" in body
    for professional_only in ("Trenger deg", "/accounts/2fa/", "Aktiver planen"):
        assert professional_only not in body
    assert reverse("plans:my_account") in body
    dps_body = plan_client("team_professional").get(url).content.decode()
    assert edit in dps_body and f"/oppgaver/{dps_task.pk}/ferdig/" in dps_body
    # A comment starts by saying what it is about.
    messages = reverse("plans:messages", kwargs={"plan_id": plan_world.plan.pk})
    page = plan_client("person").get(f"{messages}?om=tiltak-{measure.pk}").content.decode()
    assert "Om tiltaket «Samtaler på DPS»:" in page


def test_a_team_member_without_consent_sees_no_name_in_lists_or_api(plan_world, plan_client):
    client = plan_client("child_welfare")  # on the team, no consent
    for url in ("/", reverse("plans:my_plans"), "/api/v1/plans"):
        body = client.get(url).content.decode()
        assert "Testesen" not in body, url
        assert "aktiv" not in body.lower() or url == "/", url
    assert client.get("/api/v1/plans").json() == []
    # The API says only that a consent is awaited: a count, naming nobody.
    awaiting = client.get("/api/v1/plans/awaiting-consent")
    assert awaiting.json() == {"awaiting_consent": 1}
    assert "Testesen" not in awaiting.content.decode()
    assert plan_client("team_professional").get("/api/v1/plans/awaiting-consent").json() == {
        "awaiting_consent": 0
    }
    page = client.get(reverse("plans:my_plans")).content.decode()
    assert "venter på samtykke" in page
    # The plan's own link says why, in plain words, naming nobody.
    refused = client.get(reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk}))
    assert refused.status_code == 404
    assert "Du kan ikke se denne planen nå" in refused.content.decode()
    assert "Testesen" not in refused.content.decode()
    # Someone who never had a place gets the bare 404.
    stranger = plan_client("other_org").get(
        reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk})
    )
    assert stranger.status_code == 404
    assert "ikke se denne planen" not in stranger.content.decode()


def test_withdrawal_drops_the_plan_at_once_marks_work_and_is_undone_the_same_day(
    plan_world, plan_client, work
):
    measure, dps_task, own_task = work
    w = plan_world
    nurse = plan_client("team_professional")
    assert "Testesen" in nurse.get("/").content.decode()
    consent = Consent.objects.get(to_service=w.dps)
    person = plan_client("person")
    confirm = reverse(
        "plans:consent_withdraw", kwargs={"plan_id": w.plan.pk, "consent_id": consent.pk}
    )
    page = person.get(confirm).content.decode()
    assert "DPS poliklinikk kan ikke lenger se planen din. Koordinatoren får beskjed." in page
    assert person.post(confirm).status_code == 302
    # The nurse's front page, list, tasks and API drop the plan at once.
    for url in ("/", reverse("plans:my_plans"), reverse("plans:my_tasks"), "/api/v1/plans"):
        assert "Testesen" not in nurse.get(url).content.decode(), url
    # The DPS's open work waits for the coordinator; the person's own task does not.
    measure.refresh_from_db()
    dps_task.refresh_from_db()
    own_task.refresh_from_db()
    assert measure.reassign_because_id == consent.pk and dps_task.reassign_since is not None
    assert own_task.reassign_since is None
    plan_page = plan_client("coordinator").get(reverse("plans:plan", kwargs={"plan_id": w.plan.pk}))
    assert "Trenger ny ansvarlig tjeneste" in plan_page.content.decode()
    dashboard = plan_client("coordinator").get(reverse("continuity:dashboard")).content.decode()
    assert "skal få ny ansvarlig" in dashboard
    # Undo, the same day: the consent holds again and the marks go.
    cards = person.get(reverse("plans:consents", kwargs={"plan_id": w.plan.pk})).content.decode()
    assert "Angre" in cards and "plan, tasks" not in cards
    undo = reverse("plans:consent_undo", kwargs={"plan_id": w.plan.pk, "consent_id": consent.pk})
    assert person.post(undo).status_code == 302
    measure.refresh_from_db()
    assert measure.reassign_since is None
    assert "Testesen" in nurse.get("/").content.decode()
    # A withdrawal from yesterday cannot be undone.
    services.consent_withdraw(actor=w.person, plan=w.plan, consent=consent)
    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now() - dt.timedelta(days=1))
    response = person.post(undo, follow=True)
    assert "bare angre samme dag" in response.content.decode()
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is not None


def test_a_coordinator_reassigning_a_measure_or_task_clears_its_mark(plan_world, plan_client, work):
    measure, _dps_task, _own = work
    consent = Consent.objects.get(to_service=plan_world.dps)
    services.consent_withdraw(actor=plan_world.person, plan=plan_world.plan, consent=consent)
    measure.refresh_from_db()
    assert measure.reassign_since is not None
    services.measure_update(
        actor=plan_world.coordinator,
        measure=measure,
        based_on_version=measure.version,
        data={"responsible_service": plan_world.municipal},
    )
    measure.refresh_from_db()
    assert measure.reassign_since is None and measure.responsible_service == plan_world.municipal
    # The DPS's task goes to the coordinator, through the plan page's form.
    from laget.plans.models import TeamMember

    task = Task.objects.get(pk=_dps_task.pk)
    assert task.reassign_since is not None
    coordinator_place = TeamMember.objects.get(plan=plan_world.plan, user=plan_world.coordinator)
    url = reverse("plans:task_reassign", kwargs={"plan_id": plan_world.plan.pk, "task_id": task.pk})
    client = plan_client("coordinator")
    assert (
        f'action="{url}"'
        in client.get(
            reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk})
        ).content.decode()
    )
    assert (
        plan_client("person").post(url, {"member": coordinator_place.pk, "version": 1}).status_code
        == 403
    )
    assert (
        client.post(url, {"member": coordinator_place.pk, "version": task.version}).status_code
        == 302
    )
    task.refresh_from_db()
    assert task.reassign_since is None
    assert (task.assignee_user, task.assignee_service) == (
        plan_world.coordinator,
        plan_world.municipal,
    )


def test_leaving_the_team_says_access_has_ended(plan_world, plan_client):
    from laget.plans.models import TeamMember

    member = TeamMember.objects.get(plan=plan_world.plan, user=plan_world.team_professional)
    services.team_member_leave(actor=plan_world.coordinator, member=member, reason="Avsluttet")
    response = plan_client("team_professional").get(
        reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk})
    )
    assert response.status_code == 404
    assert "Tilgangen din til denne planen er avsluttet" in response.content.decode()


def _reads(plan_world, n: int) -> None:
    """n reads by three readers spread over five days, written as the log writes them."""
    readers = [
        (plan_world.coordinator, "koordinator", "Psykisk helse Testvik", "coordination"),
        (plan_world.team_professional, "ansvarsgruppemedlem", "DPS poliklinikk", "care"),
        (plan_world.relative_with_consent, "pårørende", "", "relative"),
    ]
    rows = []
    for i in range(n):
        user, role, service, purpose = readers[i % 3]
        rows.append(
            {
                "actor": user,
                "actor_name": user.get_full_name(),
                "actor_role": role,
                "actor_service": service,
                "person_id": plan_world.person_record.pk,
                "category": "plan,tasks",
                "purpose": purpose,
                "obj": plan_world.plan,
                "request_id": "",
            }
        )
    access_log_write_many(rows)
    now = timezone.localtime().replace(hour=12, minute=0)  # the days stay whole days
    for i, pk in enumerate(
        AccessLogEntry.objects.filter(person_id=plan_world.person_record.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        AccessLogEntry.objects.filter(pk=pk).update(at=now - dt.timedelta(days=i % 5, seconds=i))


@pytest.mark.parametrize("n", [60, 600])
def test_the_grouped_log_takes_the_same_queries_as_it_grows_tenfold(
    plan_world, plan_client, django_assert_num_queries, log_write_queries, n
):
    from laget.plans import requests

    # The coordinator role changed hands once: the log shows it above the reads.
    offer = requests.coordinator_request(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        to_user=plan_world.team_professional,
        service=plan_world.dps,
        reason="Begge nivåer er med",
    )
    requests.request_accept(actor=plan_world.team_professional, request_id=offer.pk)
    _reads(plan_world, n)
    client = plan_client("person")
    url = reverse("plans:my_access_log")
    client.get(url)
    # Expect 10 queries and the access-log entry's (the person: no MFA rule):
    #   1-2   session, user
    #   3     the person
    #   4     the services that may have read (the teams' and emergency accesses', a UNION)
    #   5     the newest WINDOW reads before the cursor (keyset, no COUNT), the columns a
    #         group needs; grouped by who and day, with each group's newest, in Python
    #   6     emergency accesses the coordinator has not reviewed
    #   7-10  changes in who is responsible: the person's plans, the change records, and
    #         the names of the coordinators and their services
    #   then  the access-log entry (log_write_queries: one statement or three)
    with django_assert_num_queries(10 + log_write_queries):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    # Three readers over five days: fifteen groups, newest first, each with its count.
    assert body.count('class="card log-group') == 15
    name = plan_world.coordinator.get_full_name()
    assert f"{name}, koordinator, Psykisk helse Testvik –" in body
    assert f"{n // 15} ganger i dag" in body
    assert "ble koordinatoren din i spesialisthelsetjenesten" in body


def test_the_grouped_log_filters_by_service_and_shows_emergencies_on_top(plan_world, plan_client):
    from laget.plans.tests.conftest import PERSON_NATIONAL_ID

    _reads(plan_world, 30)
    services.emergency_access_open(
        actor=plan_world.other_org,
        national_id=PERSON_NATIONAL_ID,
        reason="Innlagt akutt på legevakten, trenger kriseplanen nå.",
    )
    plan_client("other_org").get(reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk}))
    client = plan_client("person")
    body = client.get(reverse("plans:my_access_log")).content.decode()
    assert body.index("Nødtilgang til planen din") < body.index('class="card log-group')
    assert "(nødtilgang)" in body
    only_dps = client.get(
        reverse("plans:my_access_log"), {"tjeneste": "DPS poliklinikk"}
    ).content.decode()
    assert only_dps.count('class="card log-group') == 5
    assert plan_world.coordinator.get_full_name() not in only_dps.split("log-list")[1]
    assert Measure.objects.count() == 0 and Task.objects.count() == 0  # nothing else touched


@pytest.mark.parametrize(("window", "per_page"), [(1000, 6), (25, 6), (25, 20)])
def test_the_grouped_log_pages_by_whole_days_with_a_keyset(
    plan_world, plan_client, monkeypatch, window, per_page
):
    """Following "Older" from the newest page shows every group once, each with its whole
    count, whatever the window of reads a page groups from (keyset by day, no COUNT)."""
    from laget.plans import person_selectors

    monkeypatch.setattr(person_selectors, "WINDOW", window)
    monkeypatch.setattr(person_selectors, "GROUPS_PER_PAGE", per_page)
    _reads(plan_world, 60)  # three readers, five days: fifteen groups of four reads
    user = plan_world.person
    seen: dict[str, int] = {}
    cursor, pages = "", 0
    while True:
        log = person_selectors.person_read_log(actor=user, older_than=cursor)
        pages += 1
        assert log.paged == bool(cursor)
        for group in log.groups:
            assert group.key not in seen and not group.at_least
            seen[group.key] = group.count
        if log.older is None:
            break
        cursor = log.older.isoformat()
        assert pages < 20
    assert len(seen) == 15 and set(seen.values()) == {4}
    assert pages == (3 if per_page == 6 else 1 if window == 1000 else 3)


def test_a_day_with_more_reads_than_a_page_groups_says_at_least(
    plan_world, plan_client, monkeypatch
):
    from laget.plans import person_selectors

    monkeypatch.setattr(person_selectors, "WINDOW", 5)
    _reads(plan_world, 60)  # twelve reads a day
    client = plan_client("person")
    body = client.get(reverse("plans:my_access_log")).content.decode()
    assert "minst" in body
    older = timezone.localdate().isoformat()
    assert f'href="?eldre={older}"' in body
    second = client.get(reverse("plans:my_access_log"), {"eldre": older}).content.decode()
    assert (timezone.localdate() - dt.timedelta(days=1)).strftime("%-d.") in second
    assert client.get(reverse("plans:my_access_log"), {"eldre": "ikke-en-dato"}).status_code == 200


def test_each_group_lists_its_newest_reads_newest_first_and_counts_them_all(plan_world):
    from laget.plans import person_selectors

    _reads(plan_world, 600)  # three readers, five days: fifteen groups of forty reads
    log = person_selectors.person_read_log(actor=plan_world.person)
    assert len(log.groups) == 15
    last = [g.last_at for g in log.groups]
    assert last == sorted(last, reverse=True)  # the group read most lately first
    for group in log.groups:
        assert group.count == 40 and not group.at_least and not group.emergency
        shown = [entry.at for entry in group.entries]
        assert len(shown) == person_selectors.ENTRIES_PER_GROUP
        assert shown == sorted(shown, reverse=True) and shown[0] == group.last_at
        assert all(timezone.localdate(at) == group.day for at in shown)
        assert len({entry.what for entry in group.entries}) == 1 and group.entries[0].what


def test_the_plan_pages_consents_section_lists_those_in_force_and_counts_the_earlier_ones(
    plan_world, plan_client
):
    """Withdrawn and run-out consents pile up over the years: the section, loaded when it
    is opened, lists those in force or still to come and points to the consents page for
    the rest; the plan page itself reads no consents."""
    w = plan_world
    today = timezone.localdate()
    coming = services.consent_record(
        actor=w.person,
        plan=w.plan,
        to_service=w.municipal,
        categories=["plan"],
        valid_from=today + dt.timedelta(days=10),
        valid_to=today + dt.timedelta(days=100),
        method="digital",
    )
    relative = Consent.objects.get(person=w.plan.person, to_relative=w.relative_with_consent)
    services.consent_withdraw(actor=w.person, plan=w.plan, consent=relative)
    client = plan_client("coordinator")
    page = client.get(reverse("plans:plan", kwargs={"plan_id": w.plan.pk}))
    assert page.context["p"].consents is None
    summary_url = reverse("plans:consent_summary", kwargs={"plan_id": w.plan.pk})
    html = page.content.decode()
    section = html[html.index('id="consents"') :].split("</details>")[0]
    assert f'hx-get="{summary_url}"' in section and " open" not in section.split(">")[0]
    before = AccessLogEntry.objects.count()
    response = client.get(summary_url)
    assert response.status_code == 200
    summary = response.context["summary"]
    assert {card.consent.pk for card in summary.current} == {
        Consent.objects.get(person=w.plan.person, to_service=w.dps).pk,
        coming.pk,
    }
    assert summary.earlier == 1
    fragment = response.content.decode()
    assert "gjelder ikke ennå" in fragment  # the one still to come says so
    assert w.relative_with_consent.get_full_name() not in fragment
    assert "1 tidligere samtykke (trukket eller utløpt) står på siden for samtykker." in fragment
    entry = AccessLogEntry.objects.order_by("-pk").first()
    assert AccessLogEntry.objects.count() == before + 1
    assert entry.person_id == w.plan.person_id and entry.category == "plan"
