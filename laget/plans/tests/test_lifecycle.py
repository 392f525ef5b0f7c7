"""The plan's life cycle on the real database: registering, opening, requests, coordinator
change, closing, invitations. Bad input gets a Norwegian message and leaves nothing
half-written."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from laget.accounts.models import User
from laget.audit.models import ChangeRecord
from laget.continuity import services as continuity
from laget.directory.models import Membership
from laget.plans import invitations, lifecycle, registration, requests, services
from laget.plans.access import plan_access
from laget.plans.demo import synthetic_national_id
from laget.plans.lifecycle_models import Invitation, PlanRequest
from laget.plans.models import Person, Plan, TeamMember
from laget.plans.tests.conftest import PERSON_NATIONAL_ID

pytestmark = pytest.mark.django_db

LINK = "http://testserver"


def nb(exc: ValidationError) -> str:
    with override("nb"):
        return " ".join(str(m) for m in exc.messages)


def register(w, born=dt.date(1985, 3, 4), actor=None, service=None, **extra):
    return registration.person_register(
        actor=actor or w.coordinator,
        service=service or w.municipal,
        national_id=extra.pop("national_id", synthetic_national_id(born)),
        first_name=extra.pop("first_name", "Kari"),
        last_name=extra.pop("last_name", "Nyregistrert"),
        birth_date=born,
        **extra,
    )


def open_for(w, person, **extra):
    return lifecycle.plan_open(
        actor=w.coordinator,
        person=person,
        service=w.municipal,
        consent_method=extra.pop("consent_method", "in_person"),
        **extra,
    )


def token_from_mail() -> str:
    match = re.search(r"/invitasjon/([^/\s]+)/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


class TestRegistration:
    def test_registered_once_shown_masked_and_who_registered_whom_is_logged(self, plan_world):
        person = register(plan_world, phone="900 00 000", preferred_language="se")
        assert person.masked_national_id.endswith("*****")
        assert person.registered_by == plan_world.coordinator
        record = ChangeRecord.objects.get(action="person_register", object_id=str(person.pk))
        assert record.actor == plan_world.coordinator
        assert person.national_id not in str(record.after)

    def test_a_wrong_check_digit_is_refused_in_norwegian_and_nothing_is_written(self, plan_world):
        number = synthetic_national_id(dt.date(1985, 3, 4))
        wrong = number[:10] + str((int(number[10]) + 1) % 10)
        before = (Person.objects.count(), ChangeRecord.objects.count())
        with pytest.raises(ValidationError) as exc:
            register(plan_world, national_id=wrong)
        assert "ikke et gyldig fødselsnummer" in nb(exc.value)
        assert (Person.objects.count(), ChangeRecord.objects.count()) == before

    def test_a_duplicate_creates_nothing_reveals_nothing_and_offers_to_join(
        self, plan_world, plan_client
    ):
        count = Person.objects.count()
        with pytest.raises(registration.PersonAlreadyKnown) as exc:
            register(
                plan_world,
                actor=plan_world.team_professional,
                service=plan_world.dps,
                national_id=PERSON_NATIONAL_ID,
                first_name="Ola",
            )
        assert "allerede registrert" in nb(exc.value)
        assert "Testesen" not in nb(exc.value)
        assert Person.objects.count() == count
        assert ChangeRecord.objects.filter(action="person_register_known").count() == 1
        # The page: 409, the message, and a join request form; no name of the person.
        response = plan_client("team_professional").post(
            reverse("plans:register"),
            {
                "service": plan_world.dps.pk,
                "national_id": PERSON_NATIONAL_ID,
                "first_name": "Ola",
                "last_name": "Nordmann",
                "birth_date": "1990-05-17",
                "preferred_language": "nb",
            },
        )
        assert response.status_code == 409
        body = response.content.decode()
        assert "allerede registrert i Laget" in body and "Testesen" not in body
        assert "Be om å bli med i teamet" in body

    def test_the_coordinator_answers_a_join_request(self, plan_world):
        made = registration.join_request_create(
            actor=plan_world.colleague,
            service=plan_world.dps,
            national_id=PERSON_NATIONAL_ID,
            reason="Jeg er ny behandler ved DPS for personen",
        )
        queue = requests.request_queue(actor=plan_world.coordinator)
        assert [r.pk for r in queue.to_answer] == [made.pk]
        # The coordinator is told, through the one notification path, and nobody else.
        from laget.notifications.models import Notification

        told = Notification.objects.filter(kind="join_requested")
        assert [(n.recipient_id, n.link) for n in told] == [
            (plan_world.coordinator.pk, "/foresporsler/")
        ]
        requests.request_accept(actor=plan_world.coordinator, request_id=made.pk)
        assert (
            TeamMember.objects.active()
            .filter(plan=plan_world.plan, user=plan_world.colleague, service=plan_world.dps)
            .exists()
        )


class TestOpeningAPlan:
    def test_a_non_professional_as_coordinator_is_refused_and_no_plan_is_left(self, plan_world):
        person = register(plan_world)
        with pytest.raises(ValidationError) as exc:
            open_for(
                plan_world,
                person,
                coordinator=plan_world.relative_with_consent,
                coordinator_service=plan_world.municipal,
            )
        assert "må være en fagperson" in nb(exc.value)
        assert not Plan.objects.filter(person=person).exists()

    def test_verbal_consent_needs_a_witness(self, plan_world):
        person = register(plan_world)
        with pytest.raises(ValidationError) as exc:
            open_for(plan_world, person, consent_method="verbal")
        assert "vitne" in nb(exc.value)
        assert not Plan.objects.filter(person=person).exists()

    def test_only_who_registered_opens_and_a_specialist_service_asks_instead(self, plan_world):
        person = register(plan_world, actor=plan_world.team_professional, service=plan_world.dps)
        with pytest.raises(PermissionDenied):
            open_for(plan_world, person)  # the coordinator did not register this person
        with pytest.raises(ValidationError) as exc:
            lifecycle.plan_open(
                actor=plan_world.team_professional,
                person=person,
                service=plan_world.dps,
                consent_method="in_person",
            )
        assert "eier kommunen planen" in nb(exc.value)

    def test_the_named_coordinator_accepts_and_until_then_the_opener_holds_the_role(
        self, plan_world
    ):
        new = Membership.objects.filter(service=plan_world.municipal).exclude(
            professional__user=plan_world.coordinator
        )
        assert not new.exists()
        from laget.conftest import make_professional

        other = make_professional(plan_world.municipal, Membership.Role.MEMBER)
        person = register(plan_world)
        plan, offer = open_for(
            plan_world, person, coordinator=other, coordinator_service=plan_world.municipal
        )
        assert plan.status == Plan.Status.DRAFT and plan.owner == plan_world.municipal.organisation
        assert plan_access(plan_world.coordinator, plan).is_coordinator
        assert plan_access(other, plan) is None
        requests.request_accept(actor=other, request_id=offer.pk)
        assert plan_access(other, plan).is_coordinator
        assert not plan_access(plan_world.coordinator, plan).is_coordinator
        assert ChangeRecord.objects.filter(action="coordinator_change", object_id=str(plan.pk))

    def test_dps_asks_the_municipality_which_declines_with_a_reason_or_accepts(self, plan_world):
        person = register(plan_world, actor=plan_world.team_professional, service=plan_world.dps)
        sent = requests.plan_request_create(
            actor=plan_world.team_professional,
            service=plan_world.dps,
            person=person,
            to_service=plan_world.municipal,
            reason="Trenger hjelp fra flere tjenester over lang tid",
            consent_method="in_person",
        )
        with pytest.raises(ValidationError) as exc:
            requests.request_decline(actor=plan_world.coordinator, request_id=sent.pk, reason="")
        assert "Skriv hvorfor du sier nei" in nb(exc.value)
        requests.request_decline(
            actor=plan_world.coordinator, request_id=sent.pk, reason="Vi trenger mer informasjon"
        )
        seen = requests.request_queue(actor=plan_world.team_professional).sent
        assert [r.answer for r in seen] == ["Vi trenger mer informasjon"]
        again = requests.plan_request_create(
            actor=plan_world.team_professional,
            service=plan_world.dps,
            person=person,
            to_service=plan_world.municipal,
            reason="Mer informasjon er sendt i brev til kommunen",
            consent_method="in_person",
        )
        done = requests.request_accept(actor=plan_world.coordinator, request_id=again.pk)
        plan = done.plan
        assert plan.owner == plan_world.municipal.organisation
        assert plan_access(plan_world.coordinator, plan).is_coordinator
        assert TeamMember.objects.active().filter(plan=plan, user=plan_world.team_professional)

    def test_a_coordinator_at_each_level(self, plan_world):
        offer = requests.coordinator_request(
            actor=plan_world.coordinator,
            plan=plan_world.plan,
            to_user=plan_world.team_professional,
            service=plan_world.dps,
            reason="Begge nivåer er med",
        )
        assert offer.kind == PlanRequest.Kind.SPECIALIST_COORDINATOR
        requests.request_accept(actor=plan_world.team_professional, request_id=offer.pk)
        roles = set(
            TeamMember.objects.active()
            .filter(plan=plan_world.plan, role__contains="coordinator")
            .values_list("user_id", "role")
        )
        assert roles == {
            (plan_world.coordinator.pk, "coordinator"),
            (plan_world.team_professional.pk, "specialist_coordinator"),
        }

    def test_a_coordinator_change_waits_for_the_answer_and_is_in_the_persons_log(
        self, plan_world, plan_client
    ):
        from laget.conftest import make_professional

        w = plan_world
        new = make_professional(w.municipal, Membership.Role.MEMBER)
        offer = requests.coordinator_request(
            actor=w.coordinator,
            plan=w.plan,
            to_user=new,
            service=w.municipal,
            reason="Jeg går ut i permisjon",
        )
        # Until the answer the old coordinator keeps the role, and the person's log says
        # nothing has changed.
        assert plan_access(w.coordinator, w.plan).is_coordinator
        log = plan_client("person").get(reverse("plans:my_access_log")).content.decode()
        assert "ble koordinatoren din" not in log
        requests.request_accept(actor=new, request_id=offer.pk)
        log = plan_client("person").get(reverse("plans:my_access_log")).content.decode()
        expected = (
            f"{new.get_full_name()} (Psykisk helse Testvik) ble koordinatoren din, etter "
            f"{w.coordinator.get_full_name()}."
        )
        assert expected in log
        lifecycle.plan_close(actor=new, plan=w.plan, reason="Lise klarer seg selv nå")
        log = plan_client("person").get(reverse("plans:my_access_log")).content.decode()
        assert "Planen din ble avsluttet. Grunn: «Lise klarer seg selv nå»" in log
        assert log.index("ble avsluttet") < log.index("ble koordinatoren din")  # newest first


class TestClosing:
    def test_closing_with_an_open_hand_off_is_refused_and_nothing_changes(self, plan_world):
        episode = continuity.episode_start(
            actor=plan_world.coordinator,
            plan=plan_world.plan,
            service=plan_world.dps,
            responsibility="responsible",
            starts=dt.date.today() - dt.timedelta(days=3),
        )
        continuity.handoff_request(
            actor=plan_world.coordinator,
            episode=episode,
            to_service=plan_world.municipal,
            summary="Oppfølging etter utskriving",
            wanted_from=dt.date.today(),
            answer_by=dt.date.today(),
        )
        with pytest.raises(ValidationError) as exc:
            lifecycle.plan_close(
                actor=plan_world.coordinator, plan=plan_world.plan, reason="Målene er nådd"
            )
        assert "kan ikke avsluttes mens 1 overføring" in nb(exc.value)
        plan_world.plan.refresh_from_db()
        assert plan_world.plan.status != Plan.Status.CLOSED

    def test_a_closed_plan_is_read_only_kept_and_can_be_reopened(self, plan_world, plan_client):
        with pytest.raises(PermissionDenied):
            lifecycle.plan_close(
                actor=plan_world.person, plan=plan_world.plan, reason="Jeg vil ikke mer"
            )
        lifecycle.plan_close(
            actor=plan_world.coordinator, plan=plan_world.plan, reason="Målene er nådd"
        )
        plan_world.plan.refresh_from_db()
        with pytest.raises(ValidationError) as exc:
            services.goal_add(
                actor=plan_world.person, plan=plan_world.plan, text="Nytt mål", life_area="other"
            )
        assert "avsluttet og kan bare leses" in nb(exc.value)
        page = plan_client("person").get(reverse("plans:plan", args=[plan_world.plan.pk]))
        assert page.status_code == 200 and "Målene er nådd" in page.content.decode()
        plan = lifecycle.plan_reopen(
            actor=plan_world.coordinator, plan=plan_world.plan, reason="Ny runde med hjelp"
        )
        assert plan.status in (Plan.Status.DRAFT, Plan.Status.ACTIVE)
        actions = set(ChangeRecord.objects.values_list("action", flat=True))
        assert {"plan_close", "plan_reopen"} <= actions

    def test_a_closed_plan_is_read_only_in_continuity_and_meetings_too(
        self, plan_world, plan_client
    ):
        from laget.meetings import services as meetings
        from laget.meetings.models import Meeting

        w = plan_world
        soon = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
        meeting = meetings.group_meeting_schedule(
            actor=w.coordinator,
            plan=w.plan,
            starts_at=soon,
            ends_at=soon + dt.timedelta(hours=1),
            place="Rådhuset",
        )
        lifecycle.plan_close(actor=w.coordinator, plan=w.plan, reason="Målene er nådd")
        w.plan.refresh_from_db()
        meeting = Meeting.objects.select_related("plan__person").get(pk=meeting.pk)
        before = ChangeRecord.objects.count()
        writes = [
            lambda: continuity.episode_start(
                actor=w.coordinator,
                plan=w.plan,
                service=w.dps,
                responsibility="responsible",
                starts=dt.date.today(),
            ),
            lambda: continuity.perspective_add(actor=w.person, plan=w.plan, situation="Bra nå"),
            lambda: continuity.agreed_picture_record(
                actor=w.coordinator, plan=w.plan, text="Enige", agreed_on=dt.date.today()
            ),
            lambda: meetings.group_meeting_schedule(
                actor=w.coordinator,
                plan=w.plan,
                starts_at=soon,
                ends_at=soon + dt.timedelta(hours=1),
                place="Rådhuset",
            ),
            lambda: meetings.comment_add(actor=w.person, meeting=meeting, text="Hei"),
            lambda: meetings.meeting_cancel(
                actor=w.coordinator, meeting=meeting, based_on_version=meeting.version
            ),
        ]
        for write in writes:
            with pytest.raises(ValidationError) as exc:
                write()
            assert "avsluttet og kan bare leses" in nb(exc.value)
        assert ChangeRecord.objects.count() == before  # nothing half-written
        # Through the page: the same message, not an error page.
        page = plan_client("coordinator").post(
            reverse("continuity:episode_start", args=[w.plan.pk]),
            {"service": w.dps.pk, "responsibility": "responsible", "starts": "2026-01-05"},
            follow=True,
        )
        assert page.status_code == 200
        assert "avsluttet og kan bare leses" in page.content.decode()

    def test_closed_plans_past_retention_are_listed_for_the_archive_and_kept(
        self, plan_world, settings
    ):
        import json
        from io import StringIO

        from django.core.management import call_command

        settings.LAGET_CLOSED_PLAN_RETENTION_YEARS = 10
        w = plan_world
        lifecycle.plan_close(actor=w.coordinator, plan=w.plan, reason="Målene er nådd")
        out = StringIO()
        call_command("plans_retention", stdout=out)
        assert json.loads(out.getvalue())["past_retention"] == 0  # closed today: kept
        Plan.objects.filter(pk=w.plan.pk).update(
            closed_at=timezone.now() - dt.timedelta(days=365 * 10 + 5)
        )
        out = StringIO()
        call_command("plans_retention", stdout=out)
        report = json.loads(out.getvalue())
        assert report["past_retention"] == 1
        assert report["plans"][0]["id"] == w.plan.pk
        assert report["by_owner"] == {"Testvik kommune": 1}
        assert "Lise" not in out.getvalue() and "Testesen" not in out.getvalue()
        assert Plan.objects.filter(pk=w.plan.pk).exists()  # nothing deleted


class TestInvitations:
    def invite_relative(self, w, **extra):
        return invitations.invitation_create(
            actor=extra.pop("actor", w.coordinator),
            plan=extra.pop("plan", w.plan),
            role="relative",
            email=extra.pop("email", "mor.ny@test.invalid"),
            first_name="Mor",
            last_name="Nyinvitert",
            relation="mor",
            link_base=LINK,
            **extra,
        )

    def test_tokens_are_random_single_use_expiring_and_stored_only_as_hashes(self, plan_world):
        self.invite_relative(plan_world, agreement="in_person")
        first = token_from_mail()
        self.invite_relative(plan_world, agreement="in_person", email="far.ny@test.invalid")
        second = token_from_mail()
        assert first != second and len(first) >= 40
        rows = list(Invitation.objects.values("token_hash", "email", "expires_at"))
        assert {r["token_hash"] for r in rows} == {
            hashlib.sha256(t.encode()).hexdigest() for t in (first, second)
        }
        for row in Invitation.objects.values_list():
            assert first not in str(row) and second not in str(row)
        assert all(
            dt.timedelta(days=6) < r["expires_at"] - timezone.now() <= dt.timedelta(days=7)
            for r in rows
        )
        user = invitations.invitation_accept(
            token=first, password="fjord-og-fjell-42", password_again="fjord-og-fjell-42"
        )
        assert user.kind == User.Kind.RELATIVE and user.check_password("fjord-og-fjell-42")
        with pytest.raises(ValidationError) as exc:
            invitations.invitation_accept(
                token=first, password="annet-passord-99", password_again="annet-passord-99"
            )
        assert "allerede brukt" in nb(exc.value)
        Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
        with pytest.raises(ValidationError) as exc:
            invitations.invitation_accept(
                token=second, password="fjord-og-fjell-42", password_again="fjord-og-fjell-42"
            )
        assert "gått ut på dato" in nb(exc.value)
        assert not User.objects.filter(email="far.ny@test.invalid").exists()

    def test_a_relative_the_person_has_not_agreed_to_is_refused(self, plan_world):
        count = Invitation.objects.count()
        with pytest.raises(ValidationError) as exc:
            self.invite_relative(plan_world)
        assert "ikke sagt ja" in nb(exc.value)
        assert Invitation.objects.count() == count and not mail.outbox
        # The person invites them themself: that is the agreement.
        made = self.invite_relative(plan_world, actor=plan_world.person)
        assert made.agreement == Invitation.Agreement.BY_PERSON

    def test_the_person_follows_the_link_and_can_read_their_plan(self, plan_world, client):
        person = register(plan_world)
        plan, _ = open_for(plan_world, person)
        invitations.invitation_create(
            actor=plan_world.coordinator,
            plan=plan,
            role="person",
            email="kari.ny@test.invalid",
            link_base=LINK,
        )
        url = reverse("plans:invitation", args=[token_from_mail()])
        page = client.get(url)
        assert page.status_code == 200 and "Velkommen, Kari" in page.content.decode()
        mismatch = client.post(url, {"password": "fjord-og-fjell-42", "password2": "feil"})
        assert mismatch.status_code == 400 and "ikke like" in mismatch.content.decode()
        assert not User.objects.filter(email="kari.ny@test.invalid").exists()
        done = client.post(url, {"password": "fjord-og-fjell-42", "password2": "fjord-og-fjell-42"})
        assert done.status_code == 302
        assert client.get(reverse("plans:plan", args=[plan.pk])).status_code == 200
        assert client.get(url).status_code == 410  # used
        unknown = client.get(reverse("plans:invitation", args=["ikke-en-ekte-lenke"]))
        assert unknown.status_code == 404 and "ikke gyldig" in unknown.content.decode()

    def test_an_expired_link_asks_for_a_new_one_the_coordinator_sends_it(self, plan_world, client):
        self.invite_relative(plan_world, agreement="verbal", agreement_witness="Tor Vitne")
        token = token_from_mail()
        Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
        url = reverse("plans:invitation", args=[token])
        page = client.get(url)
        assert page.status_code == 410 and "gått ut på dato" in page.content.decode()
        client.post(reverse("plans:invitation_renew", args=[token]))
        queue = requests.request_queue(actor=plan_world.coordinator)
        assert [i.email for i in queue.renewals] == ["mor.ny@test.invalid"]
        invitations.invitation_resend(
            actor=plan_world.coordinator, invitation_id=queue.renewals[0].pk, link_base=LINK
        )
        assert client.get(reverse("plans:invitation", args=[token_from_mail()])).status_code == 200
        assert client.get(url).status_code == 410  # the old link stays dead

    def test_age_rules(self, plan_world):
        child = register(plan_world, born=timezone.localdate() - dt.timedelta(days=365 * 12))
        plan, _ = open_for(plan_world, child)
        with pytest.raises(ValidationError) as exc:
            invitations.invitation_create(
                actor=plan_world.coordinator,
                plan=plan,
                role="person",
                email="barn@test.invalid",
                link_base=LINK,
            )
        assert "under 16 år" in nb(exc.value)
        self.invite_relative(plan_world, plan=plan, represents="parent", email="mor@test.invalid")
        parent = invitations.invitation_accept(
            token=token_from_mail(),
            password="fjord-og-fjell-42",
            password_again="fjord-og-fjell-42",
        )
        access = plan_access(parent, plan)
        assert access.is_person and access.may_manage_team  # on the child's behalf
        youth = register(plan_world, born=timezone.localdate() - dt.timedelta(days=365 * 17))
        youth_plan, _ = open_for(plan_world, youth)
        with pytest.raises(ValidationError) as exc:
            self.invite_relative(
                plan_world, plan=youth_plan, represents="parent", email="far@test.invalid"
            )
        assert "Fra 16 år bestemmer ungdommen selv" in nb(exc.value)
        with pytest.raises(ValidationError) as exc:
            self.invite_relative(
                plan_world,
                plan=youth_plan,
                represents="guardian_personal",
                email="verge@test.invalid",
            )
        assert "vergemålet" in nb(exc.value)
        made = self.invite_relative(
            plan_world,
            plan=youth_plan,
            represents="guardian_financial",
            representation_scope="Økonomiske forhold, oppnevnt av Statsforvalteren",
            email="verge@test.invalid",
        )
        assert made.agreement == Invitation.Agreement.GUARDIAN


def test_the_login_page_no_longer_links_to_self_registration(client):
    body = client.get(reverse("account_login")).content.decode()
    assert reverse("account_signup") not in body
    assert "invitasjon" in body.lower() or "inviterer" in body.lower()
