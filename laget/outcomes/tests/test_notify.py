# ruff: noqa: F811  (pytest fixtures imported from the notifications tests)
"""Who is told of the outcomes app's two events, actor by actor (the scenario test for
Kind.OUTCOME_ALERT and Kind.OUTCOME_LINK; notifications' test_who_is_told names them in
OTHER_SCENARIOS).

- OUTCOME_ALERT: a rating that raises a new alert tells the team's helpers who may read
  the ratings (the coordinator and the stand-in; a service only with the "outcome ratings"
  consent), never the person, a relative or a service without that consent.
- OUTCOME_LINK: a personal link tells the person only, by e-mail (and SMS where chosen):
  the headline and the link, no name and no health content.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from laget.notifications.gateway import LocmemSmsBackend
from laget.notifications.models import Channel, Delivery, Kind, Notification
from laget.notifications.services import deliver_due, preferences_save
from laget.notifications.tests.conftest import ACTORS, _sms_outbox, told_world  # noqa: F401
from laget.outcomes import services
from laget.outcomes.tests.conftest import give_outcome_consent
from laget.outcomes.tests.factories import rate

pytestmark = pytest.mark.django_db

HELPERS = {"coordinator", "stand_in"}


def told(w) -> dict[str, str]:
    by_user = {getattr(w, name).pk: name for name in ACTORS}
    got: dict[str, str] = {}
    for n in Notification.objects.all():
        name = by_user.get(n.recipient_id, f"user {n.recipient_id}")
        assert name not in got, f"{name} told twice"
        got[name] = n.kind
    return got


def person_rates(w, instrument: str, total: float, day: int, **kwargs):
    return rate(w, instrument, total, actor=w.person, date=dt.date(2026, 1, day), **kwargs)


def test_an_alert_tells_the_helpers_who_may_read_the_ratings_and_no_one_else(told_world):
    w = told_world
    person_rates(w, "outcome", 22, 1)
    assert told(w) == {}  # one rating: no alert, nobody told
    person_rates(w, "outcome", 14, 2)  # 22 -> 14: reliable deterioration
    assert told(w) == dict.fromkeys(HELPERS, Kind.OUTCOME_ALERT)
    (alert,) = Notification.objects.filter(recipient=w.coordinator)
    assert alert.plan_id == w.plan.pk and alert.link.endswith(f"/planer/{w.plan.pk}/vurderinger/")

    # The same alert again is no news: nobody is told twice.
    Notification.objects.all().delete()
    person_rates(w, "outcome", 13, 3)
    assert told(w) == {}

    # The person gives the DPS the ratings: its professional is told of the next new alert.
    give_outcome_consent(w, to_service=w.dps)
    person_rates(w, "alliance", 30, 4)  # below 36
    assert told(w) == dict.fromkeys(HELPERS | {"team_professional"}, Kind.OUTCOME_ALERT)


def test_phq9_item_9_tells_every_time_and_not_the_one_who_entered_it(told_world):
    w = told_world
    answers = {f"q{i}": 1 for i in range(1, 10)}
    rate(w, "phq9", 9, answers=answers, actor=w.coordinator, date=dt.date(2026, 1, 1))
    assert told(w) == {"stand_in": Kind.OUTCOME_ALERT}  # the coordinator entered it
    Notification.objects.all().delete()
    person_rates(w, "phq9", 9, 8, answers=answers)
    assert told(w) == dict.fromkeys(HELPERS, Kind.OUTCOME_ALERT)


def test_a_relative_rating_raises_no_alert_to_anyone(told_world):
    w = told_world
    give_outcome_consent(w, to_relative=w.relative_with_consent)
    for day, total in ((1, 25), (2, 10)):
        rate(w, "outcome", total, actor=w.relative_with_consent, date=dt.date(2026, 1, day))
    assert told(w) == {}


def test_a_personal_link_tells_the_person_only_with_no_health_content(told_world, settings):
    w = told_world
    settings.LAGET_SMS_BACKEND = "laget.notifications.gateway.LocmemSmsBackend"
    preferences_save(
        actor=w.person,
        enabled={(Kind.OUTCOME_LINK, Channel.SMS): True, (Kind.OUTCOME_LINK, Channel.EMAIL): True},
        phone="41234567",
    )
    link, token = services.rating_link_create(actor=w.coordinator, plan=w.plan, instrument="phq9")
    assert told(w) == {"person": Kind.OUTCOME_LINK}
    (n,) = Notification.objects.all()
    assert n.plan_id is None  # told without the plan
    assert n.link == f"/vurder/{token}/"
    assert deliver_due() == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
    (sms,) = LocmemSmsBackend.outbox
    (email,) = mail.outbox
    assert sms.to == "41234567" and token in sms.text and token in email.body
    for text in (sms.text, email.subject, email.body):
        for word in ("Testesen", "Lise", "PHQ", "phq9", "depres", "Psykisk", "DPS"):
            assert word not in text, (word, text)
    assert link.used_at is None
