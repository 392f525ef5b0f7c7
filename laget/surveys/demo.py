"""Relational coordination in the Fjordvik demo: two closed rounds a year apart (about 120
respondents in 12 groups each; the second after agreed actions) and a round open now.

The patterns are the ones the literature and the seeds describe: ties within a group
stronger than between groups, weak ties to and from the GPs, and one clear reciprocity
gap (the municipal service rates the DPS ward poorly – late discharge notices – while the
ward rates the municipality well). Answers from the closed rounds come in through the
import (as paper answers would); the open round invites the directory's staff.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from laget.directory.demo_load import DemoDirectory
from laget.directory.models import Network
from laget.plans.demo import RAGNHILD, SILJE
from laget.surveys import services
from laget.surveys.analysis import ITEMS, Answer
from laget.surveys.service_survey_demo import load_user_survey
from laget.surveys.textpacks import CAPACITY, CAPACITY_AREAS, PS, PS_ITEMS, PS_REVERSED

ORGANISER = "ingrid.berg@fjordvik-kommune.test"
KOMMUNEN, DOGN, FASTLEGER = "Psykisk helse- og rustjenesten", "DPS døgnavdeling", "Fastleger"
# Group name -> respondents per round (Barneverntjenesten has too few: it stays hidden).
GROUPS = {
    KOMMUNEN: 14,
    "Samhandlingsteamet": 9,
    "Boligkontoret": 7,
    "Hjemmetjenesten": 11,
    "DPS poliklinikk – psykologer": 10,
    "DPS poliklinikk – sykepleiere": 12,
    DOGN: 13,
    "DPS ambulant team": 8,
    "Rus-poliklinikken (TSB)": 9,
    "NAV Fjordvik": 10,
    FASTLEGER: 6,
    "Barneverntjenesten": 4,
}


def _tie_level(rater: str, target: str, second: bool) -> float:
    if rater == target:
        return 4.4
    level = 3.7
    if FASTLEGER in (rater, target):
        level = 3.0 + (0.25 if second else 0.0)  # invited to the forum after round one
    if (rater, target) == (KOMMUNEN, DOGN):
        level = 2.8 + (0.35 if second else 0.0)  # the discharge routine agreed after round one
    if (rater, target) == (DOGN, KOMMUNEN):
        level = 3.9
    return level


def _answers(rng: random.Random, second: bool) -> tuple[list[Answer], dict]:
    answers: list[Answer] = []
    team: dict[str, list[tuple[str, str, int]]] = {}
    for g, count in GROUPS.items():
        for i in range(count):
            respondent = f"{'b' if second else 'a'}-{g}-{i}"
            person_shift = rng.gauss(0, 0.3)
            for target in GROUPS:
                level = _tie_level(g, target, second) + person_shift
                for item in ITEMS:
                    if rng.random() < 0.04:
                        continue  # now and then a statement left blank
                    value = min(5, max(1, round(level + rng.gauss(0, 0.6))))
                    answers.append(Answer(respondent, g, target, item, float(value)))
            safety = 3.9 + (0.3 if g.startswith("DPS") else 0) + person_shift
            team[respondent] = [
                (
                    PS,
                    item,
                    min(
                        5,
                        max(
                            1,
                            round(
                                (6 - safety if item in PS_REVERSED else safety) + rng.gauss(0, 0.7)
                            ),
                        ),
                    ),
                )
                for item in PS_ITEMS
            ] + [
                (
                    CAPACITY,
                    area,
                    min(5, max(1, round(3.4 + (0.3 if second else 0) + rng.gauss(0, 0.8)))),
                )
                for area in CAPACITY_AREAS
            ]
    return answers, team


def load_surveys(directory: DemoDirectory) -> None:
    rng = random.Random(5)
    users = directory.professionals
    organiser = users[ORGANISER]
    network = Network.objects.get(slug="fjordvik")
    staff = list(users.values())
    today = timezone.localdate()
    specs = [services.GroupSpec(name) for name in GROUPS]
    previous = None
    for second, (start, end, title) in enumerate(
        [(-330, -310, "Samhandlingsmåling 2025"), (-50, -30, "Samhandlingsmåling vår 2026")]
    ):
        round_ = services.round_create(
            actor=organiser,
            network=network,
            title=title,
            opens=today + dt.timedelta(days=start),
            closes=today + dt.timedelta(days=end),
            groups=specs,
            invitees=[],
            readers=[users[RAGNHILD], users[SILJE]],
            previous=previous,
        )
        # Open while the answers come in, as they would have then.
        round_.opens, round_.closes = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
        answers, team = _answers(rng, bool(second))
        services.responses_import(
            actor=organiser, round_=round_, answers=answers, team_answers=team
        )
        type(round_).objects.filter(pk=round_.pk).update(
            opens=today + dt.timedelta(days=start), closes=today + dt.timedelta(days=end)
        )
        round_.refresh_from_db()
        if not second:
            groups = {g.name: g for g in round_.groups.all()}
            services.action_add(
                actor=organiser,
                round_=round_,
                rater=groups[KOMMUNEN],
                target=groups[DOGN],
                what="Felles rutine: DPS varsler kommunen når utskrivning blir aktuelt, ikke når datoen er satt",
                who="Avdelingslederne i døgnavdelingen og i kommunen",
                due=today + dt.timedelta(days=start + 60),
            )
            services.action_add(
                actor=organiser,
                round_=round_,
                rater=groups[KOMMUNEN],
                target=groups[FASTLEGER],
                what="Invitere fastlegene til samarbeidsforumet og sende referatene til legekontorene",
                who="Ankerpersonene i forumet",
                due=today + dt.timedelta(days=start + 45),
            )
        previous = round_
    services.round_create(
        actor=organiser,
        network=network,
        title="Samhandlingsmåling høst 2026",
        opens=today - dt.timedelta(days=5),
        closes=today + dt.timedelta(days=14),
        groups=specs,
        invitees=staff,
        readers=[users[RAGNHILD], users[SILJE]],
        previous=previous,
    )
    load_user_survey(directory)
