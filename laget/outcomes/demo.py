"""Ratings for the Fjordvik demo, written through the services.

- Jonas: twelve sessions at the municipality and the DPS: a dip, then reliable improvement
  across the cut-off; an alliance that drops below 36 and recovers after it was talked
  about; PHQ-9 and AUDIT going down.
- Fatima: six outcome sessions at the DPS without reliable improvement: "not on track"
  on Silje's "Needs attention".
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from laget.directory.demo_load import DemoDirectory
from laget.outcomes import services
from laget.outcomes.models import ServiceSettings
from laget.plans import services as plan_services
from laget.plans.demo import GEIR, KOORD, SILJE
from laget.plans.models import Category, Plan

JONAS_OUTCOME = [14.0, 15.5, 13.0, 11.2, 12.5, 15.0, 17.5, 19.0, 21.5, 23.0, 25.5, 27.0]
JONAS_ALLIANCE = [37.0, 37.5, 38.0, 34.2, 37.8, 38.5, 38.2, 38.8, 39.0, 38.6, 39.2, 39.4]
JONAS_PHQ9 = [16, 13, 9, 7]
JONAS_AUDIT = [14, 9]
FATIMA_OUTCOME = [18.0, 17.5, 19.0, 18.2, 17.0, 18.5]
CRISIS_ROUTINE = (
    "1. Ring personen i dag, og spør direkte om selvmordstanker.\n"
    "2. Ved fare for liv: ring 113. Ellers: legevakt 116 117 samme dag.\n"
    "3. Si fra til koordinator og leder, og skriv det i journalen."
)


def _lines(total: float, keys: tuple[str, ...]) -> dict[str, float]:
    each = round(total / 4, 1)
    values = [each, each, each, round(total - 3 * each, 1)]
    return dict(zip(keys, values, strict=True))


def _questions(total: int, n: int, top: int) -> dict[str, int]:
    answers, left = {}, total
    for i in range(1, n + 1):
        give = min(top, left)
        answers[f"q{i}"] = give
        left -= give
    return answers


def load_outcomes(directory: DemoDirectory, plans: list[Plan]) -> None:
    users, svc = directory.professionals, directory.services
    by_first = {p.person.first_name: p for p in plans}
    today = timezone.localdate()
    for service in ("psykisk-helse-og-rus", "dps-rus-poliklinikk", "dps-poliklinikk"):
        ServiceSettings.objects.get_or_create(
            service=svc[service],
            defaults={"sessions_before_alert": 4, "crisis_routine": CRISIS_ROUTINE},
        )

    def consent(plan: Plan, service: str) -> None:
        plan_services.consent_record(
            actor=plan.person.user or users[KOORD],
            plan=plan,
            to_service=svc[service],
            categories=[Category.OUTCOMES],
            valid_from=today - dt.timedelta(days=120),
            valid_to=today + dt.timedelta(days=245),
            method="digital",
        )

    def rate(plan: Plan, actor: str, service: str, instrument: str, answers: dict, day: dt.date):
        services.rating_record(
            actor=users[actor],
            plan=plan,
            service=svc[service],
            instrument=instrument,
            answers=answers,
            client_key=uuid.uuid4(),
            date=day,
        )

    jonas = by_first["Jonas"]
    consent(jonas, "dps-rus-poliklinikk")
    outcome_keys = ("individual", "interpersonal", "social", "overall")
    alliance_keys = ("relationship", "goals", "approach", "overall")
    for i, (total, ally) in enumerate(zip(JONAS_OUTCOME, JONAS_ALLIANCE, strict=True)):
        day = today - dt.timedelta(days=7 * (len(JONAS_OUTCOME) - i))
        actor, service = (
            (KOORD, "psykisk-helse-og-rus") if i % 2 == 0 else (GEIR, "dps-rus-poliklinikk")
        )
        rate(jonas, actor, service, "outcome", _lines(total, outcome_keys), day)
        alliance = _lines(ally, alliance_keys)
        if i == 3:  # the session where the topics did not fit: the lowest line is talked about
            alliance = {"relationship": 9.2, "goals": 6.8, "approach": 9.0, "overall": 9.2}
        rate(jonas, actor, service, "alliance", alliance, day)
    for i, total in enumerate(JONAS_PHQ9):
        day = today - dt.timedelta(days=21 * (len(JONAS_PHQ9) - i))
        rate(jonas, GEIR, "dps-rus-poliklinikk", "phq9", _questions(total, 8, 3) | {"q9": 0}, day)
    for i, total in enumerate(JONAS_AUDIT):
        day = today - dt.timedelta(days=60 * (len(JONAS_AUDIT) - i))
        answers = _questions(total, 8, 4) | {"q9": 0, "q10": 0}
        rate(jonas, GEIR, "dps-rus-poliklinikk", "audit", answers, day)

    fatima = by_first["Fatima"]
    consent(fatima, "dps-poliklinikk")
    for i, total in enumerate(FATIMA_OUTCOME):
        day = today - dt.timedelta(days=7 * (len(FATIMA_OUTCOME) - i))
        rate(fatima, SILJE, "dps-poliklinikk", "outcome", _lines(total, outcome_keys), day)
