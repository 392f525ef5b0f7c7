"""Group sessions: each participant rates the group alliance, on their own plan.

A professional starts a group session for their service with persons they follow up who
have agreed that the service sees the ratings; each rates once; the group page shows who
has rated (not what) and the group's means only from three ratings on; a service without
the ratings consent cannot add the person and sees nothing."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from laget.audit.models import AccessLogEntry
from laget.outcomes import services
from laget.outcomes.models import GroupSession, Rating
from laget.outcomes.tests.factories import lines
from laget.plans import services as plan_services

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def more_plans(w, n: int) -> list:
    """n more persons the coordinator follows up for the municipal service."""
    plans = []
    for i in range(n):
        person = plan_services.person_create(
            actor=w.coordinator,
            first_name=f"Deltaker{i}",
            last_name="Gruppesen",
            birth_date=dt.date(1985, 1, 1 + i),
        )
        plans.append(
            plan_services.plan_create(
                actor=w.coordinator,
                person=person,
                owner=w.municipal.organisation,
                coordinator=w.coordinator,
                coordinator_service=w.municipal,
                reason="Koordinator etter vedtak",
            )
        )
    return plans


def group_rating(w, plan, group, total: float, key=None):
    return services.rating_record(
        actor=w.coordinator,
        plan=plan,
        service=w.municipal,
        instrument="group_alliance",
        answers=dict(
            zip(
                ("relationship", "goals", "approach", "overall"), lines(total).values(), strict=True
            )
        ),
        client_key=key or uuid.uuid4(),
        group_session=group,
    )


def test_each_participant_rates_the_group_once_on_their_own_plan(plan_world, plan_client):
    w = plan_world
    others = more_plans(w, 2)
    group = services.group_session_create(
        actor=w.coordinator, service=w.municipal, name="Mestringsgruppe", date=TODAY,
        plans=[w.plan, *others],
    )  # fmt: skip
    coordinator = plan_client("coordinator")
    page = coordinator.get(reverse("outcomes:group", kwargs={"group_id": group.pk}))
    body = page.content.decode()
    assert page.status_code == 200 and "Testesen" in body and "Deltaker0" in body
    assert "Vurder nå" in body and "tre eller flere" in body

    # On the tablet: the rating form carries the group; saved on the person's own plan.
    url = reverse("outcomes:rate", kwargs={"plan_id": w.plan.pk, "instrument": "group_alliance"})
    form = coordinator.get(url + f"?gruppe={group.pk}")
    assert form.status_code == 200 and "Mestringsgruppe" in form.content.decode()
    key = str(uuid.uuid4())
    data = {"gruppe": group.pk, "service": w.municipal.pk, "client_key": key,
            "relationship": "9", "goals": "8,5", "approach": "9", "overall": "8"}  # fmt: skip
    response = coordinator.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("outcomes:group", kwargs={"group_id": group.pk})
    rating = Rating.objects.get(group_session=group)
    assert rating.plan_id == w.plan.pk and float(rating.total) == 34.5
    # Sent twice (a dropped connection): stored once. Rated again: a clear refusal.
    assert coordinator.post(url, data).status_code == 302
    again = coordinator.post(url, data | {"client_key": str(uuid.uuid4())})
    assert again.status_code == 400 and "allerede vurdert" in again.content.decode()
    assert Rating.objects.filter(group_session=group).count() == 1

    # Two ratings: who has rated, no figures yet. Three: the group's means, lowest marked.
    group_rating(w, others[0], group, 30)
    body = coordinator.get(reverse("outcomes:group", kwargs={"group_id": group.pk})).content
    assert b"har vurdert" in body and b"Snitt" not in body
    group_rating(w, others[1], group, 36)
    before = AccessLogEntry.objects.count()
    body = coordinator.get(reverse("outcomes:group", kwargs={"group_id": group.pk})).content
    text = body.decode()
    assert "Snitt 33,5 av 40 fra 3 deltakere" in text or "Snitt 33.5 av 40 fra 3 deltakere" in text
    assert "den laveste" in text
    assert AccessLogEntry.objects.count() - before == 3  # one per person listed

    # The person sees the group alliance among their own ratings.
    person = plan_client("person").get(reverse("outcomes:chart", kwargs={"plan_id": w.plan.pk}))
    assert 'id="group_alliance"' in person.content.decode()


def test_only_people_the_service_may_rate_can_join_and_others_see_nothing(
    plan_world, plan_client, consent
):
    w = plan_world
    others = more_plans(w, 1)
    # The DPS professional is on the team, but the person has not given the DPS the ratings.
    with pytest.raises(ValidationError, match="samtykket"):
        services.group_session_create(
            actor=w.team_professional, service=w.dps, name="DPS-gruppe", date=TODAY,
            plans=[w.plan, *others],
        )  # fmt: skip
    with pytest.raises(ValidationError, match="minst to"):
        services.group_session_create(
            actor=w.coordinator, service=w.municipal, name="Gruppe", date=TODAY, plans=[w.plan]
        )
    assert not GroupSession.objects.exists()
    group = services.group_session_create(
        actor=w.coordinator, service=w.municipal, name="Gruppe", date=TODAY,
        plans=[w.plan, *others],
    )  # fmt: skip
    url = reverse("outcomes:group", kwargs={"group_id": group.pk})
    for actor in ("team_professional", "colleague", "other_org", "person", "relative_with_consent"):
        before = AccessLogEntry.objects.count()
        response = plan_client(actor).get(url)
        assert response.status_code == 404, actor
        assert b"Testesen" not in response.content and AccessLogEntry.objects.count() == before
    # The group form is only for a group session, and only for its participants.
    plain = reverse("outcomes:rate", kwargs={"plan_id": w.plan.pk, "instrument": "group_alliance"})
    assert plan_client("coordinator").get(plain).status_code == 404
    with pytest.raises(ValidationError, match="gruppetimens side"):
        services.rating_record(
            actor=w.coordinator, plan=w.plan, service=w.municipal, instrument="group_alliance",
            answers=lines(30) and dict(zip(("relationship", "goals", "approach", "overall"),
                                            lines(30).values(), strict=True)),
            client_key=uuid.uuid4(),
        )  # fmt: skip


def test_starting_a_group_on_the_page(plan_world, plan_client):
    w = plan_world
    others = more_plans(w, 1)
    client = plan_client("coordinator")
    new = client.get(reverse("outcomes:group_new"))
    assert new.status_code == 200 and "Testesen" in new.content.decode()
    bad = client.post(reverse("outcomes:group_new"), {"name": "", "date": "mandag"})
    text = bad.content.decode()
    assert bad.status_code == 400 and "ÅÅÅÅ-MM-DD" in text and "Gi gruppa et navn" in text
    assert not GroupSession.objects.exists()
    response = client.post(
        reverse("outcomes:group_new"),
        {"name": "Mestringsgruppe", "date": "2026-03-02", "service": w.municipal.pk,
         "participants": [w.plan.pk, others[0].pk]},
    )  # fmt: skip
    group = GroupSession.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/grupper/{group.pk}/")
    listing = client.get(reverse("outcomes:group_list")).content.decode()
    assert "Mestringsgruppe" in listing
    assert plan_client("person").get(reverse("outcomes:group_list")).status_code == 403


def test_group_page_queries_stay_the_same_as_the_group_grows(plan_world, plan_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = plan_world
    everyone = [w.plan, *more_plans(w, 9)]
    coordinator = plan_client("coordinator")
    counts = []
    for size in (3, 10):  # everyone rates: the group's means show in both
        group = services.group_session_create(
            actor=w.coordinator, service=w.municipal, name=f"Gruppe {size}", date=TODAY,
            plans=everyone[:size],
        )  # fmt: skip
        for plan in everyone[:size]:
            group_rating(w, plan, group, 33)
        url = reverse("outcomes:group", kwargs={"group_id": group.pk})
        coordinator.get(url)  # the access-log chains' heads exist from here on
        with CaptureQueriesContext(connection) as queries:
            body = coordinator.get(url).content.decode()
        assert body.count("har vurdert</strong>") == size and "Snitt 33" in body
        counts.append(len(queries))
    # The group, the membership, the participants, the team places and consents, the
    # ratings, the text pack, and the access-log entries written together.
    assert counts[0] == counts[1], counts
