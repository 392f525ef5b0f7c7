"""The Fjordvik user council in the demo (seed 004 §6.2.4): four members (two user
representatives, one from the relatives' organisation, one peer worker from the
Samhandlingsteam), three meetings held with attendance and approved minutes, and the next
one planned. Loaded by meetings.demo.load_meetings."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from laget.directory.demo import DEMO_PASSWORD
from laget.directory.demo_load import DemoDirectory
from laget.directory.models import Network
from laget.meetings import council, services
from laget.meetings.models import CouncilMember, Participant

OSLO = ZoneInfo("Europe/Oslo")
LEADER = "ingrid.berg@fjordvik-kommune.test"
PEER_WORKER = "nora.solheim@fjordvik-kommune.test"  # the Samhandlingsteam's peer worker
MEMBERS = [
    (
        "aud.brukerstemme@person.test",
        "Aud",
        "Brukerstemme",
        "lived_experience",
        "Mental Helse Fjordvik",
    ),
    ("kjell.erfaring@person.test", "Kjell", "Erfaring", "lived_experience", "RIO Fjordvik"),
    ("mona.parorende@person.test", "Mona", "Pårørende", "relative", "LPP Fjordvik"),
]
MINUTES = [
    "Rådet ble konstituert. Brukerrepresentantene ønsker å være med når helgetilbudet skal"
    " bli ambulant. Tjenestene tar det med til ledermøtet.",
    "Ventetid på dagtilbud og hvordan Laget viser hvem som har ansvaret. To representanter"
    " deltar i arbeidsgruppen for ambulant helgetilbud.",
    "Resultatene fra brukerundersøkelsen: tjenestene lytter, men samarbeider for dårlig om"
    " overganger. Rådet ber om en felles rutine for utskrivning.",
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=OSLO)


def load_council(directory: DemoDirectory) -> None:
    users = directory.professionals
    leader = users[LEADER]
    network = Network.objects.get(slug="fjordvik")
    today = timezone.localdate()
    forum = council.council_create(
        actor=leader,
        network=network,
        name="Brukerrådet for psykisk helse og rus",
        purpose="Brukere og pårørende er med når tjenestene planlegges og endres: nye tilbud,"
        " rutiner og resultatene fra brukerundersøkelsen.",
        interval_weeks=8,
    )
    since = today - dt.timedelta(weeks=30)
    for email, first, last, role, affiliation in MEMBERS:
        member = council.member_add(
            actor=leader,
            council=forum,
            email=email,
            first_name=first,
            last_name=last,
            role=role,
            affiliation=affiliation,
            joined_on=since,
        )
        # In the demo they log in with the demo password (in real life: the welcome link).
        member.user.set_password(DEMO_PASSWORD)
        member.user.save(update_fields=["password"])
    council.member_add(
        actor=leader,
        council=forum,
        email=PEER_WORKER,
        first_name="",
        last_name="",
        role=CouncilMember.Role.PEER_WORKER,
        affiliation="Samhandlingsteamet",
        joined_on=since,
    )
    first_day = today - dt.timedelta(weeks=24) - dt.timedelta(days=(today.weekday() - 2) % 7)
    for i in range(5):
        day = first_day + dt.timedelta(weeks=8 * i)
        meeting = services.forum_meeting_schedule(
            actor=leader,
            forum=forum,
            starts_at=_at(day, 17),
            ends_at=_at(day, 19),
            place="Fjordvik rådhus, møterom 1",
        )
        if meeting.starts_at > timezone.now():
            break
        present = list(Participant.objects.filter(meeting=meeting).values_list("pk", flat=True))[
            : 4 + i % 2
        ]
        services.attendance_record(actor=leader, meeting=meeting, present=present)
        services.minutes_save(
            actor=leader,
            meeting=meeting,
            minutes=MINUTES[i % len(MINUTES)],
            minutes_plain="",
            based_on_version=1,
        )
        services.minutes_approve(actor=leader, meeting=meeting, confirmed=True)
