"""Samhandlingsteamet Fjordvik as a working team, built on the directory demo's team
service and its members, through the team's own services. Fictional people only."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from laget.directory.models import Membership
from laget.teams import services
from laget.teams.models import CrossLevelTeam, Secondment

TEAM_SLUG = "samhandlingsteamet"
LEAD = "ragnhild.saether@fjordvik-kommune.test"
GP = "martin.aune@fjordvik-legesenter.test"
# home service of each member (the service they are lent from) and their competence
HOMES = {
    "tor.haugen@fjordvik-kommune.test": (
        "psykisk-helse-og-rus",
        ["mental_health", "substance_use"],
    ),
    "nora.solheim@fjordvik-kommune.test": ("psykisk-helse-og-rus", ["lived_experience"]),
    LEAD: ("psykisk-helse-og-rus", ["mental_health", "housing_social"]),
    "henrik.bakke@fjordvik-dps.test": ("dps-poliklinikk", ["psychiatry"]),
    "silje.ronning@fjordvik-dps.test": ("dps-poliklinikk", ["psychiatry", "mental_health"]),
    "even.tangen@fjordvik-dps.test": ("dps-ambulant-team", ["rehabilitation"]),
    "hilde.engen@fjordvik-dps.test": ("dps-rus-poliklinikk", ["substance_use", "nav_work"]),
}

# (name, referrer source, treatment service or None, outcome, days ago)
REFERRALS = [
    ("Bjarne Fjellheim", "gp", None, "direct", 300),
    ("Tone Vassbotn", "service", "dps-poliklinikk", "shoulder", 200),
    ("Rune Kaldal", "relative", None, "direct", 120),
    ("Gunn Marit Lie", "nav", "psykisk-helse-og-rus", "shoulder", 60),
    ("Stein Aksnes", "gp", "dps-poliklinikk", "not_now", 40),
    ("Hjemmetjenesten", "service", None, "site_guidance", 30),
    ("Arne Bru", "person", None, None, 3),
]


def load_teams(directory) -> CrossLevelTeam:
    users, svc = directory.professionals, directory.services
    network = svc[TEAM_SLUG].organisation.networks.first()
    team = CrossLevelTeam.objects.create(network=network, service=svc[TEAM_SLUG])
    members = {}
    for m in Membership.objects.filter(service=svc[TEAM_SLUG]).select_related("professional__user"):
        home, competence = HOMES[m.professional.user.email]
        members[m.professional.user.email] = Secondment.objects.create(
            team=team, membership=m, home_service=svc[home], competence=competence
        )
    lead = users[LEAD]
    now = timezone.now()
    muni = [s for s in members.values() if s.home_service.level == "municipal"]
    spec = [s for s in members.values() if s.home_service.level == "specialist"]
    cases = []
    for i, (name, source, treatment, outcome, days_ago) in enumerate(REFERRALS):
        referral = services.referral_create(
            actor=users[GP] if source == "gp" else lead,
            team=team,
            data=services.ReferralInput(
                source=source,
                referrer_contact="77 00 01 60",
                subject_name=name,
                treatment_service=svc[treatment] if treatment else None,
                serious_mental_health=True,
                lacks_contact=treatment is None,
            ),
        )
        type(referral).objects.filter(pk=referral.pk).update(
            received_at=now - dt.timedelta(days=days_ago)
        )
        if outcome is None:
            continue
        shoulder_worker = None
        if outcome == "shoulder":
            level = svc[treatment].level
            shoulder_worker = (muni if level == "specialist" else spec)[i % 2]
        worker = shoulder_worker or muni[i % len(muni)]
        partner = spec[i % len(spec)] if worker.home_service.level == "municipal" else muni[0]
        services.decide(
            actor=lead,
            referral=referral,
            outcome=outcome,
            reason="Drøftet i inntaksmøtet.",
            advice="Teamet gir veiledning til fastlegen." if outcome == "not_now" else "",
            worker=worker,
            partner=partner,
        )
        if hasattr(referral, "case"):
            cases.append(referral.case)
            services.contact_record(actor=lead, case=referral.case, on=timezone.localdate())
    for case, (reason, step) in zip(
        cases[:3],
        [
            ("Mistet boligen", "Besøk hver dag og møte med boligkontoret"),
            ("Slutter å ta medisiner", "Følge til DPS på torsdag"),
            ("Krise etter innleggelse", "Daglig telefon"),
        ],
        strict=False,
    ):
        services.board_add(
            actor=lead, case=case, reason=reason, next_step=step, next_step_by=muni[0]
        )
    for direction, service, topic, minutes in [
        ("given", "hjemmetjenesten", "Veiledning om ROP-lidelser", 90),
        ("given", "dps-dognavdeling", "Samarbeid ved utskriving", 60),
        ("received", "dps-rus-poliklinikk", "Legemiddelassistert rehabilitering", 45),
    ]:
        services.consultation_add(
            actor=lead,
            team=team,
            direction=direction,
            service=svc[service],
            topic=topic,
            minutes=minutes,
            on=timezone.localdate(),
        )
    return team
