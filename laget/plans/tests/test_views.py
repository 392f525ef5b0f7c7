"""Plan pages through the test client: content, bad input, pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from laget.audit.models import AccessLogEntry
from laget.plans import services
from laget.plans.models import Goal, Message, Task

pytestmark = pytest.mark.django_db


def grow_history(w, n: int) -> None:
    """n goals, n measures, n open tasks and 10n messages on the plan."""
    Goal.objects.bulk_create(
        Goal(plan=w.plan, text=f"Mål {i}", life_area="other", created_by=w.person) for i in range(n)
    )
    for i in range(n):
        services.measure_add(
            actor=w.coordinator, plan=w.plan, title=f"Tiltak {i}", responsible_service=w.dps
        )
    Task.objects.bulk_create(
        Task(
            plan=w.plan,
            title=f"Oppgave {i}",
            assignee_user=w.person,
            due=dt.date(2030, 1, 1),
            created_by=w.coordinator,
        )
        for i in range(n)
    )
    Message.objects.bulk_create(
        Message(
            plan=w.plan,
            author=w.person,
            author_name="Lise",
            author_role="personen selv",
            body=f"Melding {i}",
        )
        for i in range(10 * n)
    )


@pytest.mark.parametrize("n", [3, 30])
def test_plan_page_queries_stay_the_same_as_history_grows(
    plan_world, plan_client, django_assert_num_queries, log_write_queries, n
):
    grow_history(plan_world, n)
    client = plan_client("team_professional")
    url = reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk})
    client.get(url)  # the access-log chain's head row exists from here on
    # Expect 12 queries and the access-log entry's:
    #   1-3   session, user, TOTP authenticator (the MFA rule)
    #   4     the plan with person and owner
    #   5-6   the active team with users and services (it holds this user's place, which
    #         access decides on); the consents in force for the person
    #   7-11  the person's blocks, goals, measures (with services and goals), the first open
    #         tasks with how many are open in all, the newest message (the page shows one)
    #   then  the access-log entry (log_write_queries: one statement or three)
    #   12    the plan's next planned meeting (what happens next, at the top)
    # No session write: the first request renewed it, and reads within a minute do not.
    # The add-forms' drop-downs load only when a form is opened (see views.ADD_FORMS).
    with django_assert_num_queries(12 + log_write_queries):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("n", [2, 20])
def test_message_page_queries_stay_the_same(
    plan_world, plan_client, django_assert_num_queries, log_write_queries, n
):
    grow_history(plan_world, n)
    client = plan_client("person")
    url = reverse("plans:messages", kwargs={"plan_id": plan_world.plan.pk})
    client.get(url)
    # Expect 6 queries and the access-log entry's (the person: no MFA rule, no team lookup):
    #   1-2   session, user
    #   3     one page of messages (and one more, to know whether there is an older page)
    #         with what they reply to and whether they were corrected; no COUNT, no OFFSET
    #   4     their attachments (prefetch)
    #   5     the plan with person and owner
    #   6     the person's own unsent draft, if any
    #   then  the access-log entry (log_write_queries: one statement or three)
    with django_assert_num_queries(6 + log_write_queries):
        response = client.get(url)
    assert response.status_code == 200
    older = response.context["m"].next_before
    assert bool(older) == (n > 2)  # 10n messages, 20 a page: an older page after the first
    if older:  # reached by its cursor, in as many queries
        with django_assert_num_queries(6 + log_write_queries):
            response = client.get(url, {"eldre": older})
        assert response.status_code == 200 and len(response.context["m"].messages) == 20


def _wall(w, n: int, same_time: int = 0) -> list[int]:
    """n messages on the plan, the first `same_time` of them at one instant (ties on
    created_at); their ids newest first, the order the wall shows."""
    from django.utils import timezone

    now = timezone.now()
    made = Message.objects.bulk_create(
        Message(
            plan=w.plan,
            author=w.person,
            author_name="Lise",
            author_role="personen selv",
            body=f"Melding {i}",
            created_at=now if i < same_time else now + dt.timedelta(seconds=i),
        )
        for i in range(n)
    )
    return [m.pk for m in sorted(made, key=lambda m: (m.created_at, m.pk), reverse=True)]


def test_message_wall_pages_by_cursor_through_ties_without_gaps_or_repeats(plan_world, plan_client):
    expected = _wall(plan_world, 45, same_time=25)
    client = plan_client("person")
    url = reverse("plans:messages", kwargs={"plan_id": plan_world.plan.pk})
    seen, cursor, pages = [], "", 0
    while True:
        m = client.get(url, {"eldre": cursor} if cursor else {}).context["m"]
        seen += [msg.pk for msg in m.messages]
        pages += 1
        cursor = m.next_before
        if not cursor:
            break
    assert seen == expected and pages == 3
    body = client.get(url, {"eldre": "tull"}).content.decode()  # a bad cursor: the newest
    assert f"Melding {44}" in body


def test_message_api_pages_by_cursor_and_keeps_numbered_pages(plan_world, plan_client):
    expected = _wall(plan_world, 45, same_time=25)
    client = plan_client("person")
    url = reverse("api-v1:list_messages", kwargs={"plan_id": plan_world.plan.pk})
    numbered = client.get(url, {"page": 2}).json()  # the old contract, unchanged
    assert (numbered["count"], numbered["page"], numbered["pages"]) == (45, 2, 3)
    assert [i["id"] for i in numbered["items"]] == expected[20:40]
    seen, cursor = [], None
    while True:
        data = client.get(url, {"before": cursor} if cursor else {}).json()
        seen += [i["id"] for i in data["items"]]
        if cursor:  # paged by cursor: nothing is counted
            assert data["count"] is None and data["pages"] is None
        cursor = data["next"]
        if cursor is None:
            break
    assert seen == expected


def test_plan_page_shows_goals_measures_tasks_and_flags(plan_world, plan_client):
    services.goal_add(
        actor=plan_world.person,
        plan=plan_world.plan,
        text="Bo i egen leilighet",
        life_area="housing",
    )
    services.measure_add(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        title="Boveiledning",
        responsible_service=None,
    )
    task = services.task_add(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        title="Søke bostøtte",
        due=dt.date(2020, 1, 1),
        assignee_user=plan_world.person,
    )
    body = (
        plan_client("person")
        .get(reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk}))
        .content.decode()
    )
    assert "Bo i egen leilighet" in body
    assert "Ingen tjeneste har ansvaret for «Boveiledning»." in body
    assert task.title in body and "forfalt" in body


def test_script_in_a_message_is_shown_as_text(plan_world, plan_client):
    client = plan_client("person")
    url = reverse("plans:messages", kwargs={"plan_id": plan_world.plan.pk})
    client.post(url, {"body": "<script>alert('x')</script>Hei"})
    body = client.get(url).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;Hei" in body


def test_a_message_being_written_is_kept_for_its_author_alone_until_sent(plan_world, plan_client):
    from laget.plans.models import MessageDraft

    w = plan_world
    page_url = reverse("plans:messages", kwargs={"plan_id": w.plan.pk})
    draft_url = reverse("plans:message_draft", kwargs={"plan_id": w.plan.pk})
    person, coordinator = plan_client("person"), plan_client("coordinator")
    page = person.get(page_url).content.decode()
    assert f'hx-post="{draft_url}"' in page and 'hx-params="body,csrfmiddlewaretoken"' in page

    # The connection drops after the autosave: nothing typed is lost.
    saved = person.post(draft_url, {"body": "Jeg vil gjerne snakke om <b>boligen</b>"})
    assert saved.status_code == 200 and "Utkastet er lagret" in saved.content.decode()
    page = person.get(page_url).content.decode()
    assert "Her er meldingen du hadde begynt på" in page
    assert "Jeg vil gjerne snakke om &lt;b&gt;boligen&lt;/b&gt;</textarea>" in page
    # Nobody else sees it, not even the coordinator.
    assert "snakke om" not in coordinator.get(page_url).content.decode()

    # Too long: a Norwegian message, and the draft before it stays as it was.
    too_long = person.post(draft_url, {"body": "x" * 4001})
    assert too_long.status_code == 400 and "høyst 4000 tegn" in too_long.content.decode()
    assert MessageDraft.objects.get().body.startswith("Jeg vil gjerne")

    # A reply sent from another message's form leaves the draft alone; sending it clears it.
    first = Message.objects.create(plan=w.plan, author=w.coordinator, author_name="K", body="Hei")
    person.post(page_url, {"body": "Takk", "reply_to": first.pk})
    assert MessageDraft.objects.exists()
    person.post(page_url, {"body": "Jeg vil gjerne snakke om boligen"})
    assert not MessageDraft.objects.exists()
    assert "Her er meldingen" not in person.get(page_url).content.decode()

    # Emptying the text removes the draft too.
    person.post(draft_url, {"body": "Noe"})
    person.post(draft_url, {"body": "   "})
    assert not MessageDraft.objects.exists()


def test_empty_message_gets_a_norwegian_message(plan_world, plan_client):
    url = reverse("plans:messages", kwargs={"plan_id": plan_world.plan.pk})
    response = plan_client("person").post(url, {"body": "  "})
    assert response.status_code == 400
    assert "Skriv en melding før du sender." in response.content.decode()
    assert not Message.objects.exists()


def test_bad_measure_input_is_refused_and_nothing_saved(plan_world, plan_client):
    url = reverse("plans:measure_add", kwargs={"plan_id": plan_world.plan.pk})
    response = plan_client("coordinator").post(
        url, {"title": "Samtaler", "starts": "2030-02-01", "ends": "2030-01-01"}
    )
    assert response.status_code == 400
    assert "Tiltaket kan ikke slutte før det begynner" in response.content.decode()
    assert not plan_world.plan.measures.exists()


def test_coordinator_adds_a_task_for_someone_on_the_team(plan_world, plan_client):
    url = reverse("plans:task_add", kwargs={"plan_id": plan_world.plan.pk})
    response = plan_client("coordinator").post(
        url, {"title": "Ringe NAV", "assignee_user": plan_world.person.pk, "due": "2030-03-01"}
    )
    assert response.status_code == 302
    assert plan_world.plan.tasks.get().assignee_user == plan_world.person
    outsider = plan_client("coordinator").post(
        url, {"title": "x", "assignee_user": plan_world.other_org.pk, "due": "2030-03-01"}
    )
    assert outsider.status_code == 400


def test_each_plan_page_view_is_logged_with_purpose(plan_world, plan_client):
    plan_client("coordinator").get(reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk}))
    entry = AccessLogEntry.objects.latest("pk")
    assert entry.person_id == plan_world.person_record.pk
    assert entry.purpose == "coordination"
    assert entry.category == "plan,tasks,messages,health"
    assert entry.request_id


def test_plan_pages_carry_no_inline_code(plan_world, plan_client):
    from laget.core.tests.test_security import EVENT_HANDLER, INLINE_SCRIPT, INLINE_STYLE

    pid = plan_world.plan.pk
    for actor, url in [
        ("coordinator", reverse("plans:plan", kwargs={"plan_id": pid})),
        ("person", reverse("plans:messages", kwargs={"plan_id": pid})),
        ("person", reverse("plans:my_access_log")),
        ("coordinator", reverse("plans:my_plans")),
    ]:
        response = plan_client(actor).get(url)
        assert "script-src 'self'" in response["Content-Security-Policy"]
        body = response.content.decode()
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, INLINE_STYLE):
            assert not pattern.search(body), (url, pattern.pattern)


def test_api_plan_has_the_same_content_and_limits(plan_world, plan_client):
    url = reverse("api-v1:get_plan", kwargs={"plan_id": plan_world.plan.pk})
    services.goal_add(
        actor=plan_world.person, plan=plan_world.plan, text="Egen leilighet", life_area="housing"
    )
    data = plan_client("relative_with_consent").get(url).json()
    assert data["goals"][0]["text"] == "Egen leilighet"
    assert data["tasks"] is None  # the relative's consent does not cover tasks
    assert plan_client("child_welfare").get(url).status_code == 404


def test_api_message_post_refuses_script_free_empty_and_foreign_replies(plan_world, plan_client):
    client = plan_client("person")
    url = reverse("api-v1:post_message", kwargs={"plan_id": plan_world.plan.pk})
    empty = client.post(url, {"body": "   "}, content_type="application/json")
    assert empty.status_code == 422
    assert "Skriv en melding før du sender." in empty.json()["detail"]
    foreign = client.post(url, {"body": "Hei", "reply_to": 999999}, content_type="application/json")
    assert foreign.status_code == 422
    ok = client.post(url, {"body": "<b>Hei</b>"}, content_type="application/json")
    assert ok.status_code == 201
    listed = client.get(reverse("api-v1:list_messages", kwargs={"plan_id": plan_world.plan.pk}))
    assert listed.json()["items"][0]["body"] == "<b>Hei</b>"  # stored as typed; pages escape it


class TestAttachmentsRepliesCorrections:
    def url(self, w):
        return reverse("plans:messages", kwargs={"plan_id": w.plan.pk})

    def test_a_pdf_is_attached_and_downloaded_with_a_log_entry(self, plan_world, plan_client):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client = plan_client("person")
        pdf = SimpleUploadedFile(
            "brev fra NAV.pdf", b"%PDF-1.7 innhold\n%%EOF\n", "application/pdf"
        )
        response = client.post(
            self.url(plan_world), {"body": "Her er brevet", "attachments": [pdf]}
        )
        assert response.status_code == 302
        attachment = Message.objects.get().attachments.get()
        assert (attachment.name, attachment.content_type) == ("brev fra NAV.pdf", "application/pdf")
        before = AccessLogEntry.objects.count()
        download = plan_client("team_professional").get(
            reverse(
                "plans:attachment",
                kwargs={"plan_id": plan_world.plan.pk, "attachment_id": attachment.pk},
            )
        )
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == b"%PDF-1.7 innhold\n%%EOF\n"
        assert "attachment;" in download["Content-Disposition"]
        assert AccessLogEntry.objects.count() == before + 1

    def test_an_oversized_attachment_is_refused_and_nothing_is_saved(
        self, plan_world, plan_client, settings
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from laget.plans.models import Attachment

        big = SimpleUploadedFile("skann.pdf", b"%PDF-" + b"0" * (Attachment.MAX_BYTES + 1))
        response = plan_client("person").post(
            self.url(plan_world), {"body": "Stor fil", "attachments": [big]}
        )
        assert response.status_code == 400
        assert "skann.pdf er for stor" in response.content.decode()
        assert not Message.objects.exists() and not Attachment.objects.exists()

    def test_a_program_disguised_as_a_pdf_is_refused(self, plan_world, plan_client):
        from django.core.files.uploadedfile import SimpleUploadedFile

        exe = SimpleUploadedFile("faktura.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00")
        response = plan_client("person").post(
            self.url(plan_world), {"body": "Se vedlegg", "attachments": [exe]}
        )
        assert response.status_code == 400
        assert "Send PDF, PNG, JPEG eller ren tekst" in response.content.decode()
        assert not Message.objects.exists()

    def test_reply_and_correction_keep_the_original(self, plan_world, plan_client):
        client = plan_client("person")
        client.post(self.url(plan_world), {"body": "Møtet er tirsdag"})
        original = Message.objects.get()
        client.post(
            self.url(plan_world),
            {"body": "Onsdag, ikke tirsdag", "reply_to": original.pk, "corrects": original.pk},
        )
        plan_client("coordinator").post(
            self.url(plan_world), {"body": "Takk", "reply_to": original.pk}
        )
        correction = Message.objects.get(body="Onsdag, ikke tirsdag")
        assert correction.corrects == original
        assert Message.objects.get(pk=original.pk).body == "Møtet er tirsdag"
        page = client.get(self.url(plan_world)).content.decode()
        assert "Denne meldingen er rettet" in page
        assert Message.objects.get(body="Takk").reply_to == original


def test_an_add_form_opens_on_demand_with_and_without_javascript(plan_world, plan_client):
    from laget.audit.models import AccessLogEntry

    url = reverse("plans:plan", kwargs={"plan_id": plan_world.plan.pk})
    client = plan_client("coordinator")
    page = client.get(url).content.decode()
    assert (
        'hx-get="' + url + '?skjema=measure"' in page and 'name="responsible_service"' not in page
    )
    # htmx: just the form, read and logged like the page.
    before = AccessLogEntry.objects.count()
    partial = client.get(url + "?skjema=measure", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and 'name="responsible_service"' in partial.content.decode()
    assert "<html" not in partial.content.decode()
    assert AccessLogEntry.objects.count() == before + 1
    # Without JavaScript: the whole page with that form open.
    full = client.get(url + "?skjema=task").content.decode()
    assert "<details open" in full and 'name="assignee_user"' in full
    # Those who may read but not edit get no form; others get nothing at all.
    assert (
        plan_client("relative_with_consent")
        .get(url + "?skjema=goal", headers={"HX-Request": "true"})
        .status_code
        == 403
    )
    assert (
        plan_client("colleague")
        .get(url + "?skjema=goal", headers={"HX-Request": "true"})
        .status_code
        == 404
    )


def test_adding_a_task_is_recorded_as_a_change_not_as_a_read(plan_world, plan_client):
    # The person's "who has read my plan" lists reads; adding a task is a change, kept in
    # the change log, and the team it checks the assignee against is not shown to anyone.
    from laget.audit.models import ChangeRecord

    w = plan_world
    before = AccessLogEntry.objects.count()
    response = plan_client("coordinator").post(
        reverse("plans:task_add", kwargs={"plan_id": w.plan.pk}),
        {"title": "Søke bostøtte", "assignee_user": w.coordinator.pk, "due": "2030-01-01"},
    )
    assert response.status_code == 302
    assert AccessLogEntry.objects.count() == before
    assert ChangeRecord.objects.filter(action="task_add").count() == 1
    assert Task.objects.get().title == "Søke bostøtte"


def test_saving_a_draft_makes_a_fixed_number_of_queries(
    plan_world, plan_client, django_assert_num_queries
):
    client = plan_client("person")
    url = reverse("plans:message_draft", kwargs={"plan_id": plan_world.plan.pk})
    client.post(url, {"body": "Første utkast"})
    # Expect 7 queries (the person: no MFA rule, no team lookup, no consents):
    #   1-2   session, user
    #   3     the plan with person and owner (access, which the service asks again without
    #         a query: it is the person's own plan)
    #   4-7   SAVEPOINT, the draft (locked), UPDATE it, RELEASE
    # Nothing is read back to the page, so nothing is logged.
    with django_assert_num_queries(7):
        assert client.post(url, {"body": "Andre utkast, litt lenger"}).status_code == 200
