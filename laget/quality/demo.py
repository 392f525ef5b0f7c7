"""The learning network in the Fjordvik demo: this year's cohort of Samhandlingsutdanningen
with the directory's staff from every service and both levels (the peer worker included),
mixed into groups, and three monthly sessions with attendance."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from laget.directory.demo_load import DemoDirectory
from laget.directory.models import Membership, Network
from laget.quality import services
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
    participants = list(cohort.participants.order_by("pk"))
    for k, topic in enumerate(TOPICS):
        day = today - dt.timedelta(days=30 * (len(TOPICS) - k))
        # Most come; a few miss each session, different ones each time.
        present = [p for i, p in enumerate(participants) if (i + k) % 7 != 0]
        services.session_record(
            actor=organiser, cohort=cohort, on=day, topic=topic, present=present
        )
    return cohort
