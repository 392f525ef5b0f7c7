"""Meetings for the Fjordvik demo: a monthly forum for mental health and substance use with
a year of history (seed 003: two anchor persons, rotating attendance, an anonymised case
each time, short evaluations, and GP offices that never come), and responsibility-group
meetings for several demo persons. Everything goes through the services."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from laget.directory.demo_load import DemoDirectory
from laget.directory.models import Network
from laget.meetings import services
from laget.meetings.council_demo import load_council
from laget.meetings.models import Participant
from laget.plans.demo import RAGNHILD, SILJE
from laget.plans.models import Plan, TeamMember

OSLO = ZoneInfo("Europe/Oslo")

# Anonymised cases: the situation, the question, and what the forum learnt. No names.
CASES = [
    (
        "Utskrivning uten bolig",
        "En mann i trettiårene skrives ut fra døgnavdelingen etter tre uker. Han har ikke "
        "et sted å bo, og kommunen fikk beskjed dagen før.",
        "Hvordan får vi varsel tidlig nok til å ha en bolig klar?",
        "DPS varsler kommunen så snart utskrivning er aktuelt, ikke når datoen er satt.",
    ),
    (
        "Ungdom som faller ut av skolen",
        "En jente på fjorten år har vært borte fra skolen i seks uker. Skolehelsetjenesten "
        "og BUP har begge vært i kontakt, men ingen vet hva den andre gjør.",
        "Hvem tar initiativ til et felles møte?",
        "Den som først ser at flere tjenester er inne, kaller inn. Vi spør familien først.",
    ),
    (
        "Rus og angst, to køer",
        "En kvinne i førtiårene står på venteliste både i rusbehandling og for angst. "
        "Hun blir sendt fram og tilbake mellom tilbudene.",
        "Kan vi gi ett samlet tilbud fra første dag?",
        "Samtidig behandling: den som har henne først, holder i henne til overgangen er klar.",
    ),
    (
        "Fastlegen mangler oversikt",
        "En eldre mann har fått ny medisin i spesialisthelsetjenesten, men fastlegen fikk "
        "ikke epikrisen før fire uker senere.",
        "Hvordan får fastlegen vite om endringer med en gang?",
        "Epikrisen sendes samme dag, og fastlegen inviteres til neste ansvarsgruppemøte.",
    ),
]
ACTIONS = [
    ("Lage felles rutine for varsel om utskrivning", "dps-dognavdeling"),
    ("Invitere fastlegene til neste forum", "samhandlingsteamet"),
    ("Oppdatere tjenestekatalogen med nye åpningstider", "psykisk-helse-og-rus"),
    ("Prøve felles inntaksmøte for rus og psykisk helse", "dps-rus-poliklinikk"),
]
# Services that come, with how often (the forum's core, then the rotating rest).
REGULARS = {
    "psykisk-helse-og-rus": 0.95,
    "dps-poliklinikk": 0.9,
    "samhandlingsteamet": 0.8,
    "dps-ambulant-team": 0.6,
    "nav-arbeid": 0.45,
    "boligkontoret": 0.35,
    "dps-rus-poliklinikk": 0.5,
    "hjemmetjenesten": 0.2,
}


def _weekday(day: dt.date) -> dt.date:
    """Meetings are held on working days: a Saturday or Sunday moves to the Monday."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=OSLO)


def load_meetings(directory: DemoDirectory, plans: list[Plan]) -> None:
    rng = random.Random(3)  # the same demo every time
    users, svc = directory.professionals, directory.services
    ragnhild, silje = users[RAGNHILD], users[SILJE]
    network = Network.objects.get(slug="fjordvik")
    forum = services.forum_create(
        actor=ragnhild,
        network=network,
        name="Samarbeidsforum psykisk helse og rus",
        purpose="Kommunen og DPS møtes hver fjerde uke: hvem er hvem, nytt fra tjenestene, "
        "en anonymisert sak og prinsipper for samarbeid.",
        anchors=[silje],
        interval_weeks=4,
    )
    today = timezone.localdate()
    # Every fourth Tuesday, a year back and the next one or two ahead.
    first = today - dt.timedelta(weeks=52) - dt.timedelta(days=(today.weekday() - 1) % 7)
    staff_by_service: dict[int | None, list] = {}
    for user in users.values():
        for m in user.professional.memberships.all():
            staff_by_service.setdefault(m.service_id, []).append(user)
    for i in range(15):
        day = first + dt.timedelta(weeks=4 * i)
        anchor = ragnhild if i % 2 == 0 else silje
        meeting = services.forum_meeting_schedule(
            actor=anchor,
            forum=forum,
            starts_at=_at(day, 13),
            ends_at=_at(day, 15),
            place="Fjordvik DPS, møterom Fjorden" if i % 2 else "Fjordvik rådhus, møterom 3",
        )
        if _at(day, 13) > timezone.now():
            continue
        came = {Participant.objects.get(meeting=meeting, user=a).pk for a in (ragnhild, silje)}
        for slug, p in REGULARS.items():
            if rng.random() < p:
                came.add(Participant.objects.get(meeting=meeting, service=svc[slug], user=None).pk)
        services.attendance_record(actor=anchor, meeting=meeting, present=came)
        title, situation, question, learning = CASES[i % len(CASES)]
        services.case_add(
            actor=anchor,
            meeting=meeting,
            title=title,
            situation=situation,
            question=question,
            learning=learning,
        )
        if i % 3 == 0:
            text, slug = ACTIONS[(i // 3) % len(ACTIONS)]
            decision = services.decision_add(
                actor=anchor,
                meeting=meeting,
                text=text,
                responsible_service=svc[slug],
                due=day + dt.timedelta(weeks=6),
            )
            if i < 9:
                services.action_complete(actor=anchor, decision=decision, based_on_version=1)
        services.minutes_save(
            actor=anchor,
            meeting=meeting,
            minutes=f"Til stede fra {len(came)} tjenester. Saken: {title.lower()}. {learning}",
            minutes_plain="",
            based_on_version=1,
        )
        services.minutes_approve(actor=anchor, meeting=meeting, confirmed=True)
        # A few of those who came evaluate; the forum gets a little better over the year.
        raters = [ragnhild, silje] + [
            rng.choice(staff_by_service[p.service_id])
            for p in Participant.objects.filter(pk__in=came, user=None)
            if staff_by_service.get(p.service_id)
        ]
        for rater in list(dict.fromkeys(raters))[:6]:
            base = 3 + (i > 6)
            services.evaluation_submit(
                actor=rater,
                meeting=meeting,
                useful=min(5, base + rng.randint(0, 1)),
                heard=min(5, base + rng.randint(-1, 1)),
                clear=min(5, base - 1 + rng.randint(0, 2)),
            )
    _group_meetings(plans, today)
    load_council(directory)


def _group_meetings(plans: list[Plan], today: dt.date) -> None:
    """For the active plans with a login for the person: one meeting held a month ago with
    approved minutes, a decision that became a task, the person's evaluation; and the next
    meeting in two weeks with the person's own point on the agenda."""
    active = [p for p in plans if p.status == Plan.Status.ACTIVE and p.person.user_id][:4]
    for n, plan in enumerate(active):
        team = list(TeamMember.objects.active().filter(plan=plan).select_related("user", "service"))
        coordinator = next(m for m in team if m.role == TeamMember.Role.COORDINATOR)
        held_day = _weekday(today - dt.timedelta(days=30 + 7 * n))
        held = services.group_meeting_schedule(
            actor=coordinator.user,
            plan=plan,
            starts_at=_at(held_day, 10),
            ends_at=_at(held_day, 11, 30),
            place="Fjordvik rådhus, møterom 2",
        )
        services.attendance_record(
            actor=coordinator.user,
            meeting=held,
            present=Participant.objects.filter(meeting=held).values_list("pk", flat=True),
        )
        other = next((m for m in team if m.service_id and m.role != "coordinator"), coordinator)
        services.decision_add(
            actor=coordinator.user,
            meeting=held,
            text="Følge opp det vi ble enige om, og si fra til koordinatoren",
            responsible_service=other.service or coordinator.service,
            due=today + dt.timedelta(days=10 - 3 * n),
        )
        services.minutes_save(
            actor=coordinator.user,
            meeting=held,
            minutes="Personen fortalte først hvordan det går. Vi gikk gjennom målene og "
            "tiltakene. Boligsaken er viktigst nå; neste møte om fire uker.",
            minutes_plain="Du fortalte hvordan du har det. Vi ble enige om at boligen er "
            "viktigst nå. Vi møtes igjen om fire uker.",
            based_on_version=1,
        )
        services.minutes_approve(actor=coordinator.user, meeting=held, confirmed=True)
        services.evaluation_submit(
            actor=plan.person.user, meeting=held, useful=4, heard=5 - n % 2, clear=4
        )
        if n == 0:
            # A meeting that did not take place: marked, not moved afterwards.
            missed_day = _weekday(today - dt.timedelta(days=44))
            missed = services.group_meeting_schedule(
                actor=coordinator.user,
                plan=plan,
                starts_at=_at(missed_day, 10),
                ends_at=_at(missed_day, 11),
                place="Fjordvik rådhus, møterom 2",
            )
            services.meeting_mark_not_held(
                actor=coordinator.user,
                meeting=missed,
                based_on_version=1,
                reason="Personen var syk. Vi møttes i stedet to uker senere.",
            )
        upcoming_day = _weekday(today + dt.timedelta(days=14 + n))
        upcoming = services.group_meeting_schedule(
            actor=coordinator.user,
            plan=plan,
            starts_at=_at(upcoming_day, 10),
            ends_at=_at(upcoming_day, 11),
            place="Fjordvik rådhus, møterom 2",
        )
        services.agenda_item_add(
            actor=plan.person.user, meeting=upcoming, title="Jeg vil snakke om jobb"
        )
