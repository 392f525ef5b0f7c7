"""Rounds and answering: the flow a respondent meets, the bad input they may send, and the
anonymity attacks an organiser or reader might try."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from laget.audit.models import ChangeRecord
from laget.surveys import services
from laget.surveys.models import Invitation, Rating, Response, Round
from laget.surveys.tests.conftest import GROUPS, close, fill_and_close

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _norwegian():
    with translation.override("nb"):
        yield


def answer_everything(client, token: str, group_index: int = 0, value: str = "4") -> list:
    """Go through every page as a respondent would; returns the responses."""
    url = reverse("surveys:answer", kwargs={"token": token})
    pages = []
    first = client.get(url)
    pages.append(first)
    round_ = Invitation.objects.get(token_hash=services._sha(token)).round
    groups = list(round_.groups.all())
    pages.append(client.post(f"{url}?steg=0", {"own_group": groups[group_index].pk, "next": "1"}))
    step = 1
    for _ in groups:  # one page per rated group
        data = dict.fromkeys(
            (
                "frequent",
                "timely",
                "accurate",
                "problem_solving",
                "shared_goals",
                "shared_knowledge",
                "mutual_respect",
            ),
            value,
        )
        pages.append(client.post(f"{url}?steg={step}", data | {"next": "1"}))
        step += 1
    pages.append(
        client.post(f"{url}?steg={step}", {f"ps{i}": "4" for i in range(1, 8)} | {"next": "1"})
    )
    step += 1
    pages.append(
        client.post(
            f"{url}?steg={step}",
            dict.fromkeys(
                ("information", "knowing", "cooperation", "problem_solving", "innovation"), "3"
            )
            | {"next": "1"},
        )
    )
    step += 1
    pages.append(client.post(f"{url}?steg={step}", {"next": "1"}))
    return pages


def test_a_respondent_answers_every_page_and_the_answer_is_not_linked_to_them(survey_world, client):
    pages = answer_everything(client, survey_world.token())
    assert all(p.status_code in (200, 302) for p in pages)
    assert "Takk! Svarene dine er sendt." in pages[-1].content.decode()
    invitation = Invitation.objects.get(round=survey_world.round, user=survey_world.respondent)
    assert invitation.answered_on == timezone.localdate()
    (response,) = Response.objects.filter(round=survey_world.round, submitted=True)
    assert response.resume_hash is None
    assert Rating.objects.filter(response=response, instrument="rc").count() == 4 * 7
    assert Rating.objects.filter(response=response, instrument="ps").count() == 7
    # No column of the answers table refers to a user, an invitation or a time.
    response_columns = {f.column for f in Response._meta.concrete_fields}
    assert response_columns == {"id", "round_id", "group_id", "resume_hash", "submitted", "source"}
    with connection.cursor() as cursor:
        fields = [
            c.name for c in connection.introspection.get_table_description(cursor, "surveys_rating")
        ]
    assert not [f for f in fields if "user" in f or "invitation" in f or f.endswith("_at")]


def test_the_same_invitation_cannot_answer_twice(survey_world, client):
    answer_everything(client, survey_world.token())
    count = Rating.objects.count()
    url = reverse("surveys:answer", kwargs={"token": survey_world.token()})
    again = client.post(f"{url}?steg=1", {"frequent": "1"})
    assert again.status_code == 409
    assert "Du har allerede svart." in again.content.decode()
    # A second browser with the same link is refused at sending, too.
    other = type(client)()
    assert "allerede svart" in other.get(url).content.decode()
    assert Rating.objects.count() == count
    assert Response.objects.filter(submitted=True).count() == 1


def test_a_half_finished_answer_is_resumed_on_the_same_device(survey_world, client):
    url = reverse("surveys:answer", kwargs={"token": survey_world.token()})
    group = survey_world.round.groups.first()
    client.post(f"{url}?steg=0", {"own_group": group.pk, "next": "1"})
    client.post(f"{url}?steg=1", {"frequent": "3", "next": "1"})
    page = client.get(f"{url}?steg=1")
    assert 'value="3" id="frequent-3" checked' in page.content.decode()
    assert Response.objects.filter(submitted=False).count() == 1


def test_values_out_of_range_and_tampered_forms_are_refused(survey_world, client):
    url = reverse("surveys:answer", kwargs={"token": survey_world.token()})
    group = survey_world.round.groups.first()
    client.post(f"{url}?steg=0", {"own_group": group.pk, "next": "1"})
    bad = client.post(f"{url}?steg=1", {"frequent": "7", "next": "1"})
    assert bad.status_code == 400 and "fra 1 til 5" in bad.content.decode()
    tampered = client.post(f"{url}?steg=1", {"frequent": "3", "salary": "5", "next": "1"})
    assert tampered.status_code == 400 and "Skjemaet ble endret" in tampered.content.decode()
    assert Rating.objects.count() == 0


def test_a_tampered_link_and_a_closed_round_get_plain_messages(survey_world, client):
    token = survey_world.token()
    broken = client.get(
        reverse("surveys:answer", kwargs={"token": token[:-1] + ("0" if token[-1] != "0" else "1")})
    )
    assert broken.status_code == 404 and "Lenken virker ikke" in broken.content.decode()
    close(survey_world.round)
    closed = client.get(reverse("surveys:answer", kwargs={"token": token}))
    assert closed.status_code == 410 and "Undersøkelsen ble stengt" in closed.content.decode()
    assert (
        client.post(
            reverse("surveys:answer", kwargs={"token": token}) + "?steg=0", {"own_group": 1}
        ).status_code
        == 410
    )
    assert Response.objects.count() == 0


def test_reminders_go_only_to_those_who_have_not_answered(
    survey_world, client, django_capture_on_commit_callbacks
):
    answer_everything(client, survey_world.token())
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.invitations_send(actor=survey_world.organiser, round_=survey_world.round)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert sent == 2 and survey_world.respondent.email not in recipients
    assert all("/svar/" in m.body for m in mail.outbox)


def _nonce_whose_link_has_a_long_digit_run(invitation: Invitation) -> str:
    """A nonce whose link (40 hex characters) holds a run of 20 or more decimal digits,
    a number beyond any id: about one link in 1,400 did, and such a link was refused."""
    for n in range(200_000):
        invitation.nonce = f"digits-{n}"
        if re.search(r"\d{20,}", services.invitation_token(invitation)):
            return invitation.nonce
    raise AssertionError("no such nonce found")


def test_a_link_with_a_long_run_of_digits_works_like_any_other(survey_world, client):
    # The flaky reminder test: when the respondent's random link held a long run of digits,
    # the input guard took it for an id beyond 64 bits and refused every page with a 400,
    # nothing was answered, and three reminders went out where two were due.
    invitation = survey_world.round.invitations.get(user=survey_world.respondent)
    invitation.nonce = _nonce_whose_link_has_a_long_digit_run(invitation)
    invitation.token_hash = services._sha(services.invitation_token(invitation))
    invitation.save(update_fields=["nonce", "token_hash"])
    pages = answer_everything(client, survey_world.token())
    assert [p.status_code for p in pages if p.status_code not in (200, 302)] == []
    assert "Takk! Svarene dine er sendt." in pages[-1].content.decode()
    invitation.refresh_from_db()
    assert invitation.answered_on == timezone.localdate()


def test_a_closed_round_cannot_be_reopened_and_the_threshold_never_goes_below_three(survey_world):
    w = survey_world
    with pytest.raises(ValidationError):
        services.round_update(
            actor=w.organiser, round_=w.round, based_on_version=1, closes=w.round.closes, min_n=2
        )
    close(w.round)
    with pytest.raises(ValidationError) as exc:
        services.round_update(
            actor=w.organiser,
            round_=w.round,
            based_on_version=1,
            closes=timezone.localdate() + dt.timedelta(days=5),
            min_n=5,
        )
    assert "kan ikke åpnes igjen" in " ".join(exc.value.messages)


def test_results_are_hidden_while_the_round_is_open(survey_world, survey_client):
    w = survey_world
    services.responses_import(
        actor=w.organiser,
        round_=w.round,
        answers=[
            services.Answer(f"r{i}", "Kommunen", "DPS", item, 4.0)
            for i in range(6)
            for item in ("frequent", "timely", "accurate", "problem_solving")
        ],
    )
    page = survey_client("organiser").get(
        reverse("surveys:results", kwargs={"round_id": w.round.pk})
    )
    assert page.status_code == 200 and "når runden stenger" in page.content.decode()
    api = survey_client("organiser").get(
        reverse("api-v1:get_round_results", kwargs={"round_id": w.round.pk})
    )
    assert api.json()["result"] is None
    assert (
        survey_client("organiser")
        .get(reverse("surveys:export_csv", kwargs={"round_id": w.round.pk}))
        .status_code
        == 403
    )


def test_small_cells_are_hidden_in_the_page_the_exports_and_the_api(survey_world, survey_client):
    w = survey_world
    fill_and_close(w, {"Kommunen": 6, "DPS": 6, "Fastleger": 2, "NAV": 5})
    client = survey_client("reader")
    page = client.get(reverse("surveys:results", kwargs={"round_id": w.round.pk})).content.decode()
    fastleger_row = page[page.index('<th scope="row">Fastleger</th>') :].split("</tr>")[0]
    assert fastleger_row.count("for få svar") == 4
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("surveys:export_csv", kwargs={"round_id": w.round.pk})
                ).content.decode()
            )
        )
    )
    hidden = [r for r in rows[1:] if r[0] == "Fastleger"]
    assert len(hidden) == 4 and all(r[3] == "yes" and r[4:] == [""] * (len(r) - 4) for r in hidden)
    from openpyxl import load_workbook

    book = load_workbook(
        io.BytesIO(
            client.get(reverse("surveys:export_xlsx", kwargs={"round_id": w.round.pk})).content
        )
    )
    sheet_rows = [[c.value for c in row] for row in book.active.iter_rows()]
    assert all(all(v in (None, "") for v in r[4:]) for r in sheet_rows if r[0] == "Fastleger")
    api = client.get(reverse("api-v1:get_round_results", kwargs={"round_id": w.round.pk})).json()
    api_cells = [c for c in api["result"]["rc"]["cells"] if c["rater"] == "Fastleger"]
    assert all(set(c) == {"rater", "target", "n", "suppressed"} for c in api_cells)


def test_totals_and_comparisons_cannot_reveal_a_hidden_group(survey_world):
    """Differencing: totals over visible cells only, no reciprocity or change touching a
    hidden cell, and team-level overall means without the hidden group."""
    from laget.surveys.tasks import fresh_result

    w = survey_world
    fill_and_close(w, {"Kommunen": 6, "DPS": 6, "Fastleger": 2, "NAV": 5})
    result = fresh_result(w.round)
    cells = result["rc"]["cells"]
    visible_between = [c for c in cells if not c.get("suppressed") and c["rater"] != c["target"]]
    assert all(c["rater"] != "Fastleger" for c in visible_between)
    # Fastleger's own ratings are hidden, so no pair with them can be compared.
    assert not [p for p in result["reciprocity"] if "Fastleger" in (p["a"], p["b"])]
    assert "Fastleger" not in result["margins"]["given"]
    # A later round compared with this one: no change for a tie hidden in either round.
    later = services.round_create(
        actor=w.organiser,
        network=w.network,
        title="Neste",
        opens=timezone.localdate() - dt.timedelta(days=1),
        closes=timezone.localdate() + dt.timedelta(days=1),
        groups=[services.GroupSpec(g) for g in GROUPS],
        invitees=[],
        previous=w.round,
    )
    w.round = later
    fill_and_close(w, {"Kommunen": 6, "DPS": 6, "Fastleger": 6, "NAV": 5}, seed=2)
    changed = fresh_result(later)["change"]
    assert changed and not [c for c in changed if c["rater"] == "Fastleger"]


def test_an_import_is_recorded_with_who_and_how_many(survey_world):
    fill_and_close(survey_world, {"Kommunen": 3, "DPS": 3})
    record = ChangeRecord.objects.get(action="survey_import")
    assert record.actor == survey_world.organiser and record.after == {"respondents": 6}
    assert not Round.objects.get(pk=survey_world.round.pk).is_open


def test_licensed_wording_is_imported_from_a_file_and_used_without_code_changes(
    survey_world, client, tmp_path
):
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from laget.surveys.models import TextPack

    items = {
        item: f"Lisensiert tekst om {{group}} ({item})"
        for item in (
            "frequent",
            "timely",
            "accurate",
            "problem_solving",
            "shared_goals",
            "shared_knowledge",
            "mutual_respect",
        )
    }
    pack = tmp_path / "pakke.json"
    pack.write_text(
        json.dumps({"instrument": "rc", "name": "Lisensiert", "items": items}), encoding="utf-8"
    )
    call_command("import_text_pack", str(pack))
    Round.objects.filter(pk=survey_world.round.pk).update(rc_pack=TextPack.objects.get())
    url = reverse("surveys:answer", kwargs={"token": survey_world.token()})
    client.post(f"{url}?steg=0", {"own_group": survey_world.round.groups.first().pk, "next": "1"})
    assert "Lisensiert tekst om Kommunen (timely)" in client.get(f"{url}?steg=1").content.decode()
    broken = tmp_path / "feil.json"
    broken.write_text(
        json.dumps({"instrument": "rc", "name": "X", "items": {"frequent": "uten gruppe"}}),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="nøyaktig disse nøklene"):
        call_command("import_text_pack", str(broken))


@pytest.mark.parametrize("extra", [0, 20])
def test_the_results_page_makes_the_same_queries_as_answers_grow(
    survey_world, survey_client, django_assert_num_queries, extra
):
    fill_and_close(
        survey_world, {"Kommunen": 6 + extra, "DPS": 6 + extra, "Fastleger": 5, "NAV": 5 + extra}
    )
    client = survey_client("reader")
    url = reverse("surveys:results", kwargs={"round_id": survey_world.round.pk})
    client.get(url)  # the analysis is computed and cached
    # Expect 7 queries:
    #   1-3   session, user, TOTP authenticator
    #   4     the round (with network and previous) and whether the user organises or reads it
    #   5-6   the cached analysis's figures (not its result: the rendered results are
    #         cached); how many answers were sent (is it fresh)
    #   7     this round's agreed actions (there is no previous round here)
    # (No session write: reads within a minute of the last renewal leave it alone. The
    # organiser's action form and its groups load only when opened. The rendered results,
    # the same for every reader, are this worker's copy: no read of the shared cache.)
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200


def test_the_action_form_loads_when_the_organiser_opens_it(survey_world, survey_client):
    w = survey_world
    fill_and_close(w, {"Kommunen": 6, "DPS": 6, "Fastleger": 5, "NAV": 5})
    url = reverse("surveys:results", kwargs={"round_id": w.round.pk})
    organiser = survey_client("organiser")
    page = organiser.get(url).content.decode()
    assert 'name="tie"' not in page and "?skjema=tiltak" in page  # folded, with a way in
    opened = organiser.get(url, {"skjema": "tiltak"}).content.decode()  # without JavaScript
    assert 'name="tie"' in opened and "Kommunen → DPS" in opened
    just_form = organiser.get(url, {"skjema": "tiltak"}, headers={"HX-Request": "true"})
    assert just_form.status_code == 200 and b"<html" not in just_form.content
    assert b'name="tie"' in just_form.content
    reader = survey_client("reader")  # reads the results, records no actions
    assert 'name="tie"' not in reader.get(url, {"skjema": "tiltak"}).content.decode()
    refused = reader.get(url, {"skjema": "tiltak"}, headers={"HX-Request": "true"})
    assert refused.status_code == 404


@pytest.mark.parametrize("extra", [0, 20])
def test_the_round_page_makes_the_same_queries_as_answers_grow(
    survey_world, survey_client, django_assert_num_queries, extra
):
    fill_and_close(survey_world, {"Kommunen": 6 + extra, "DPS": 6 + extra})
    client = survey_client("organiser")
    url = reverse("surveys:round", kwargs={"round_id": survey_world.round.pk})
    client.get(url)
    # Expect 9 queries:
    #   1-3   session, user, TOTP authenticator
    #   4     the round and whether the user organises or reads it
    #   5-7   invited and answered counts; sent answers per group; how many were imported
    #   8-9   the groups; the agreed actions
    # (No session write: reads within a minute of the last renewal leave it alone.)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200


def test_a_large_round_is_analysed_in_the_background_with_a_progress_bar(
    survey_world, survey_client, settings
):
    from laget.surveys.tasks import analyse_round

    fill_and_close(survey_world, {"Kommunen": 6, "DPS": 6})
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = survey_client("organiser")
    page = client.get(reverse("surveys:results", kwargs={"round_id": survey_world.round.pk}))
    body = page.content.decode()
    assert '<progress id="analysis-bar"' in body and 'hx-trigger="every 1s"' in body
    progress_url = reverse("surveys:progress", kwargs={"round_id": survey_world.round.pk})
    from django_tasks import task_backends

    assert "HX-Refresh" not in client.get(progress_url).headers
    assert "HX-Refresh" not in client.get(progress_url).headers
    # Polling does not queue the same analysis again.
    assert len(task_backends["default"].results) == 1
    analyse_round.call(survey_world.round.pk)  # what the worker does
    assert client.get(progress_url).headers["HX-Refresh"] == "true"
    assert (
        "Hvem samarbeider godt med hvem"
        in client.get(
            reverse("surveys:results", kwargs={"round_id": survey_world.round.pk})
        ).content.decode()
    )


def new_round_form(w, **changes):
    today = timezone.localdate()
    form = {
        "title": "Høstmåling",
        "opens": today.isoformat(),
        "closes": (today + dt.timedelta(days=14)).isoformat(),
        "min_n": 5,
        "asks_rc": "on",
        "asks_ps": "on",
        "grouping": "service",
        "asked_services": [w.kommune.pk, w.dps.pk],
        "readers": [w.reader.pk],
    }
    return form | changes


def test_a_leader_creates_a_round_with_a_group_per_service(survey_world, survey_client):
    url = reverse("surveys:round_create", kwargs={"slug": survey_world.network.slug})
    page = survey_client("organiser").get(url).content.decode()
    # Every service with staff is ticked from the start; the organiser may narrow it.
    assert page.count('name="asked_services"') == 2 and page.count("checked") >= 2
    response = survey_client("organiser").post(url, new_round_form(survey_world))
    assert response.status_code == 302
    round_ = Round.objects.get(title="Høstmåling")
    assert sorted(round_.groups.values_list("name", flat=True)) == [
        "Målvik DPS",
        "Psykisk helse Målvik",
    ]
    invited = set(round_.invitations.values_list("user_id", flat=True))
    w = survey_world
    assert invited == {w.organiser.pk, w.reader.pk, w.respondent.pk, w.colleague.pk}
    assert not round_.asks_capacity and list(round_.readers.all()) == [w.reader]


def test_the_organiser_chooses_whose_staff_are_asked_and_those_who_left_are_not(
    survey_world, survey_client
):
    from laget.conftest import make_professional
    from laget.directory.models import Membership

    w = survey_world
    left = make_professional(w.dps, Membership.Role.MEMBER)
    today = timezone.localdate()
    Membership.objects.filter(professional__user=left).update(
        starts=today - dt.timedelta(days=300), ends=today - dt.timedelta(days=1)
    )
    url = reverse("surveys:round_create", kwargs={"slug": w.network.slug})
    response = survey_client("organiser").post(
        url, new_round_form(w, title="Bare DPS", asked_services=[w.dps.pk])
    )
    assert response.status_code == 302
    round_ = Round.objects.get(title="Bare DPS")
    # Both services are still groups to rate; only the DPS staff are asked.
    assert round_.groups.count() == 2
    invited = set(round_.invitations.values_list("user_id", flat=True))
    assert invited == {w.reader.pk, w.respondent.pk}

    # Everyone, with someone gone from the DPS: the round is made, without them.
    response = survey_client("organiser").post(url, new_round_form(w, title="Alle"))
    assert response.status_code == 302
    invited = set(Round.objects.get(title="Alle").invitations.values_list("user_id", flat=True))
    assert left.pk not in invited and len(invited) == 4


def test_a_round_that_asks_nobody_is_refused(survey_world, survey_client):
    url = reverse("surveys:round_create", kwargs={"slug": survey_world.network.slug})
    before = Round.objects.count()
    response = survey_client("organiser").post(url, new_round_form(survey_world, asked_services=[]))
    assert response.status_code == 400
    assert "Kryss av minst én tjeneste" in response.content.decode()
    assert Round.objects.count() == before


def test_a_round_with_bad_dates_or_a_low_threshold_is_refused_and_nothing_is_saved(
    survey_world, survey_client
):
    today = timezone.localdate()
    url = reverse("surveys:round_create", kwargs={"slug": survey_world.network.slug})
    before = Round.objects.count()
    response = survey_client("organiser").post(
        url,
        {
            "title": "Feil",
            "opens": today.isoformat(),
            "closes": (today - dt.timedelta(days=1)).isoformat(),
            "min_n": 2,
            "asks_rc": "on",
            "grouping": "custom",
            "custom_groups": "Bare én",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Bruk 3 eller flere" in body and "Skriv minst to grupper" in body
    assert Round.objects.count() == before


def test_a_round_not_yet_open_says_when_it_opens(survey_world, client):
    Round.objects.filter(pk=survey_world.round.pk).update(
        opens=timezone.localdate() + dt.timedelta(days=3),
        closes=timezone.localdate() + dt.timedelta(days=9),
    )
    page = client.get(reverse("surveys:answer", kwargs={"token": survey_world.token()}))
    assert page.status_code == 403 and "Undersøkelsen åpner" in page.content.decode()


@pytest.mark.parametrize("groups", [4, 40])
def test_an_answering_page_makes_the_same_queries_however_many_groups(
    survey_world, client, django_assert_num_queries, groups
):
    from laget.surveys.models import WorkGroup

    WorkGroup.objects.bulk_create(
        WorkGroup(round=survey_world.round, name=f"Ekstra {i}", position=10 + i)
        for i in range(groups - 4)
    )
    url = reverse("surveys:answer", kwargs={"token": survey_world.token()})
    client.post(f"{url}?steg=0", {"own_group": survey_world.round.groups.first().pk, "next": "1"})
    client.get(f"{url}?steg=1")
    # Expect 4 queries (no login: the link is the key):
    #   1     the invitation by its token's hash, with round and network
    #   2     the round's groups (the pages follow them)
    #   3     the response this browser is resuming
    #   4     its answers on this page
    with django_assert_num_queries(4):
        response = client.get(f"{url}?steg=1")
    assert response.status_code == 200


def test_the_other_survey_pages_make_the_same_queries_as_answers_grow(survey_world, survey_client):
    """Two closed rounds, one with ten times the answers (and more staff in the network):
    each page makes as many queries for the one as for the other."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from laget.conftest import make_professional
    from laget.directory.models import Membership

    w = survey_world

    def counts(round_id: int) -> list[int]:
        out = []
        for actor, url in [
            ("organiser", reverse("surveys:rounds")),
            ("organiser", reverse("surveys:round_create", kwargs={"slug": w.network.slug})),
            ("reader", reverse("surveys:report", kwargs={"round_id": round_id})),
            ("reader", reverse("surveys:progress", kwargs={"round_id": round_id})),
            ("reader", reverse("surveys:export_csv", kwargs={"round_id": round_id})),
        ]:
            client = survey_client(actor)
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200, url
            out.append(len(captured))
        return out

    first = w.round
    fill_and_close(w, {"Kommunen": 3, "DPS": 3})
    small = counts(first.pk)
    for _ in range(5):
        make_professional(
            w.respondent.professional.memberships.first().service, Membership.Role.MEMBER
        )
    w.round = services.round_create(
        actor=w.organiser,
        network=w.network,
        title="Større runde",
        opens=timezone.localdate() - dt.timedelta(days=1),
        closes=timezone.localdate() + dt.timedelta(days=1),
        groups=[services.GroupSpec(g) for g in GROUPS],
        invitees=[w.respondent],
        readers=[w.reader],
    )
    fill_and_close(w, {"Kommunen": 30, "DPS": 30, "NAV": 30})
    assert counts(w.round.pk) == small
