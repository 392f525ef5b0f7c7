"""The user survey of the services in the Fjordvik demo: one closed round last spring,
answered by the persons with a login and an active plan (each about the services on their
own team). With a dozen persons most services stay hidden below the threshold, as they
would in a network this size; the municipal service the most persons have shows. Loaded
by surveys.demo.load_surveys, after the plans."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from laget.directory.demo_load import DemoDirectory
from laget.directory.models import Network, Service
from laget.plans.models import Plan, TeamMember
from laget.surveys import service_survey
from laget.surveys import services as survey_services
from laget.surveys.models import Round
from laget.surveys.textpacks import SERVICE_ITEMS

ORGANISER = "ingrid.berg@fjordvik-kommune.test"
# A little lower on working together than on being listened to (seed 004: the informants
# praise each service, and name the transitions between them as the weak spot).
LEVEL = {"listened": 4.2, "own_goals": 3.9, "together": 3.1, "information": 3.5, "respect": 4.4}


def load_user_survey(directory: DemoDirectory) -> Round | None:
    rng = random.Random(19)  # noqa: S311 (a seeded generator for a repeatable demo)
    organiser = directory.professionals[ORGANISER]
    network = Network.objects.get(slug="fjordvik")
    on_teams = TeamMember.objects.active().filter(
        plan__status=Plan.Status.ACTIVE, service__isnull=False
    )
    chosen = list(Service.objects.filter(pk__in=on_teams.values("service_id")).distinct())
    if not chosen:
        return None
    today = timezone.localdate()
    round_ = service_survey.user_round_create(
        actor=organiser,
        network=network,
        title="Brukerundersøkelse våren 2026",
        opens=today - dt.timedelta(days=1),
        closes=today + dt.timedelta(days=1),
        services=chosen,
        min_n=3,  # the floor: a small network, and the demo shows what a result looks like
    )
    # Told back then (a notice about a survey closed since would only be noise today).
    round_.invitations.update(sent_on=today - dt.timedelta(days=200))
    groups = {g.service_id: g for g in round_.groups.all()}
    for invitation in round_.invitations.select_related("user__person"):
        theirs = set(
            on_teams.filter(plan__person__user=invitation.user).values_list("service_id", flat=True)
        )
        answers = {}
        for service_id in theirs & set(groups):
            for key in SERVICE_ITEMS:
                if rng.random() < 0.9:  # now and then a statement is skipped
                    value = round(LEVEL[key] + rng.choice([-1, -0.5, 0, 0, 0.5, 1]))
                    answers[(groups[service_id].pk, key)] = min(5, max(1, value))
        if not answers:
            continue
        response, _secret = survey_services.response_start(invitation=invitation)
        service_survey.user_answers_save(invitation=invitation, response=response, answers=answers)
        service_survey.user_response_submit(invitation=invitation, response=response)
    round_.invitations.filter(answered_on__isnull=False).update(
        answered_on=today - dt.timedelta(days=190)
    )
    # It ran in the spring: closed since.
    Round.objects.filter(pk=round_.pk).update(
        opens=today - dt.timedelta(days=200), closes=today - dt.timedelta(days=170)
    )
    return round_
