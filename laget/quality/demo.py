"""The learning network in the Fjordvik demo: this year's cohort of Samhandlingsutdanningen
with the directory's staff from every service and both levels (the peer worker included),
mixed into groups, and three monthly sessions with attendance. Between the sessions: a
made-up case per group with most members' accounts of what came of it, the ties across
services at the start and (for most) at the end, and a dozen anonymous evaluations."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from laget.directory.demo_load import DemoDirectory
from laget.directory.models import Membership, Network
from laget.quality import learning_services, services
from laget.quality.models import Cohort

ORGANISER = "ingrid.berg@fjordvik-kommune.test"
TOPICS = ["Hvem gjør hva hos oss?", "Samtykke og taushetsplikt", "Kriseplanen sammen med personen"]


def load_learning(directory: DemoDirectory) -> Cohort:
    organiser = directory.professionals[ORGANISER]
    network = Network.objects.get(slug="fjordvik")
    today = timezone.localdate()
    cohort = services.cohort_create(
        actor=organiser, network=network, name="Samhandlingsutdanningen", year=today.year
    )
    memberships = list(
        Membership.objects.active()
        .filter(service__organisation__networks=network)
        .select_related("service", "professional__profession")
        .order_by("pk")
    )
    peers = {m.pk for m in memberships if m.professional.profession.code == "peer-worker"}
    services.participants_add(
        actor=organiser, cohort=cohort, memberships=memberships, peer_workers=peers
    )
    services.groups_mix(actor=organiser, cohort=cohort)
    participants = list(
        cohort.participants.select_related("membership__professional__user").order_by("pk")
    )
    sessions = []
    for k, topic in enumerate(TOPICS):
        day = today - dt.timedelta(days=30 * (len(TOPICS) - k))
        # Most come; a few miss each session, different ones each time.
        present = [p for i, p in enumerate(participants) if (i + k) % 7 != 0]
        sessions.append(
            services.session_record(
                actor=organiser, cohort=cohort, on=day, topic=topic, present=present
            )
        )
    _between_sessions(organiser, cohort, participants, sessions[-1].on)
    return cohort


CASES = [
    (
        "Ung voksen uten fast bolig",
        "En oppdiktet ung voksen med rusproblemer mister hybelen. Hvem hos dere ville tatt "
        "den første samtalen, og hvem ville dere ringt?",
    ),
    (
        "Utskriving fra døgnopphold",
        "En oppdiktet person skrives ut fra DPS på en fredag. Hva trenger dere å vite, og "
        "fra hvem, før helgen?",
    ),
]
WITH = ["Teamet mitt", "Personalmøtet", "Boligkontoret", "Fagmøtet i avdelingen"]
OUTCOMES = [
    "Vi avtalte et fast kontaktpunkt mot DPS.",
    "Vi ble enige om å ringe før utskriving, ikke etter.",
    "Flere visste ikke om ambulant team; vi inviterer dem til et møte.",
]
SCORES = [(5, 4, 4), (4, 5, 3), (4, 4, 4), (5, 5, 4), (3, 4, 3), (4, 3, 3)]


def _between_sessions(organiser, cohort: Cohort, participants: list, last: dt.date) -> None:
    """Case assignments with what came of them, ties before and after, evaluations."""
    for g, group in enumerate(cohort.groups.order_by("number")):
        title, what = CASES[g % len(CASES)]
        assignment = learning_services.assignment_create(
            actor=organiser, group=group, title=title, what=what
        )
        for i, member in enumerate(group.members.select_related("membership__professional")):
            if i % 3 == 2:
                continue  # not yet
            learning_services.report_save(
                actor=member.membership.professional.user,
                assignment=assignment,
                based_on_version=0,
                discussed_on=min(last + dt.timedelta(days=7 + i), timezone.localdate()),
                with_whom=WITH[i % len(WITH)],
                outcome=OUTCOMES[(g + i) % len(OUTCOMES)],
            )
    names = sorted({p.service_name for p in participants})
    for i, p in enumerate(participants):
        user = p.membership.professional.user
        others = [n for n in names if n != p.service_name]
        # At the start most know someone in one or two services; at the end in more.
        start = [others[(i + k) % len(others)] for k in range(i % 3)] if others else []
        learning_services.my_ties_record(actor=user, me=p, phase="start", services=start)
        if i % 4 != 3:
            end = [others[(i + k) % len(others)] for k in range(2 + i % 4)] if others else []
            learning_services.my_ties_record(actor=user, me=p, phase="end", services=end)
    once = list({p.membership.professional.user_id: p for p in reversed(participants)}.values())
    for i, p in enumerate(sorted(once, key=lambda p: p.pk)[:12]):  # once per person
        useful, whom, changed = SCORES[i % len(SCORES)]
        learning_services.evaluation_submit(
            actor=p.membership.professional.user,
            me=p,
            scores={"useful": useful, "whom_to_call": whom, "changed_practice": changed},
            comment="Nyttig å bli kjent med folk fra DPS." if i % 5 == 0 else "",
        )
