"""Episodes, hand-offs and challenge pictures for the Fjordvik demo persons: a gap, an
overlap done right, a declined hand-off, an overdue one, and a person whose view differs
from the DPS's."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from laget.continuity import services
from laget.continuity.models import Handoff
from laget.directory.demo_load import DemoDirectory
from laget.plans.demo import GEIR, KOORD, LISE, RAGNHILD, SILJE
from laget.plans.models import Plan


def load_continuity(directory: DemoDirectory, plans: list[Plan]) -> None:
    today = timezone.localdate()
    users, svc = directory.professionals, directory.services
    by_first = {p.person.first_name: p for p in plans}

    def days(n: int) -> dt.date:
        return today + dt.timedelta(days=n)

    def episode(plan, actor, service, start, end=None, responsibility="responsible", reason=""):
        e = services.episode_start(
            actor=users[actor],
            plan=plan,
            service=svc[service],
            responsibility=responsibility,
            starts=days(start),
        )
        if end is not None:
            services.episode_end(
                actor=users[actor], episode=e, ends=days(end), override_reason=reason
            )
        return e

    # Jonas: the municipality and the DPS at once (parallel, both responsible: done right).
    jonas = by_first["Jonas"]
    episode(jonas, KOORD, "psykisk-helse-og-rus", -400)
    episode(jonas, KOORD, "dps-rus-poliklinikk", -300)
    episode(jonas, KOORD, "boligkontoret", -200, responsibility="supporting")
    episode(jonas, KOORD, "nav-arbeid", -120, responsibility="supporting")
    services.perspective_add(
        actor=jonas.person.user,
        plan=jonas,
        situation="Det største problemet er at jeg ikke har et sted å bo. Da klarer jeg ikke noe annet.",
        what_matters="Egen leilighet, og at noen ringer meg før møtene.",
        contribution="Jeg møter opp hvis møtene er på formiddagen.",
    )
    services.perspective_add(
        actor=users[GEIR],
        plan=jonas,
        situation="Rusbruken er det som må stabiliseres først; uten det vil en bolig fort gå tapt.",
        what_matters="Jevn oppfølging og LAR-vurdering.",
        contribution="Samtaler annenhver uke og samarbeid med fastlegen.",
    )
    services.agreed_picture_record(
        actor=users[KOORD],
        plan=jonas,
        agreed_on=days(-14),
        text="Bolig og rusbehandling må gå samtidig: boligkontoret prioriterer søknaden, "
        "rus-poliklinikken tilpasser timene til formiddag.",
    )

    # Mathias: the ambulant team ended without anyone taking over: a gap of two weeks,
    # and a hand-off that has waited too long for an answer.
    mathias = by_first["Mathias"]
    episode(
        mathias,
        LISE,
        "dps-ambulant-team",
        -200,
        -20,
        reason="Mathias flyttet til hybel utenfor opptaksområdet i noen uker",
    )
    team = episode(mathias, RAGNHILD, "samhandlingsteamet", -5)
    late = services.handoff_request(
        actor=users[RAGNHILD],
        episode=team,
        to_service=svc["psykisk-helse-og-rus"],
        summary="Trenger fast oppfølging i kommunen når teamets innsats avsluttes.",
        wanted_from=days(10),
        answer_by=days(5),
    )
    Handoff.objects.filter(pk=late.pk).update(
        requested_at=timezone.now() - dt.timedelta(days=12), answer_by=days(-2)
    )

    # Fatima: the DPS asked the municipality to take over; it declined.
    fatima = by_first["Fatima"]
    dps = episode(fatima, SILJE, "dps-poliklinikk", -180)
    declined = services.handoff_request(
        actor=users[SILJE],
        episode=dps,
        to_service=svc["psykisk-helse-og-rus"],
        summary="Behandlingen nærmer seg slutten; trenger oppfølging i hverdagen.",
        wanted_from=days(14),
        answer_by=days(7),
    )
    services.handoff_decline(
        actor=users[KOORD],
        handoff=declined,
        reason="Ingen ledig kapasitet før mars; foreslår Samhandlingsteamet i mellomtiden.",
    )

    # Fatima's plan is past its revision date.
    from laget.plans.services import plan_update

    plan_update(
        actor=users[KOORD],
        plan=Plan.objects.get(pk=fatima.pk),
        based_on_version=fatima.version,
        data={"next_revision": days(-10)},
    )

    # Emma: the school health service is responsible.
    emma = by_first["Emma"]
    episode(emma, "camilla.fjeld@fjordvik-kommune.test", "skolehelsetjenesten", -90)
