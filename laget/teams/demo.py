"""Samhandlingsteamet Fjordvik as a working team (seed 004 §1.3): 14 people in five
full-time positions, lent from ordinary services of both levels, built on the directory
demo's team service through the team's own services. A year of referrals and decisions in
all four outcomes, cases in both modes, one case flagged after a member left, three persons
on the board, guidance logged both ways, and the persons' own view of change. Fictional
people only."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from laget.accounts.totp import DEMO_TOTP_SECRET, ensure_totp
from laget.directory import demo as directory_demo
from laget.directory.models import Membership
from laget.directory.services import membership_add, profession_codes_ensure, professional_create
from laget.teams import services
from laget.teams.models import Case, CrossLevelTeam, Decision, Referral, Secondment

TEAM_SLUG = "samhandlingsteamet"
LEAD = "ragnhild.saether@fjordvik-kommune.test"
GP = "martin.aune@fjordvik-legesenter.test"
NAV = "vibeke.lunde@nav-fjordvik.test"
# The directory's seven: the service they are lent from and their competence.
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
# Seven more, each lent from their service in a fraction: (first, last, domain, profession,
# home service, % in the team, competence). With the seven above: 14 people, 500 %.
K, D, N = directory_demo.KOMMUNE, directory_demo.DPS, directory_demo.NAV
MORE = [
    ("Kjersti", "Moen", N, "nav-counsellor", "nav-sosiale-tjenester", 40, ["nav_work"]),
    ("Erlend", "Vik", K, "peer-worker", "psykisk-helse-og-rus", 50, ["lived_experience"]),
    ("Lene", "Strand", K, "housing-adviser", "boligkontoret", 40, ["housing_social"]),
    ("Jorunn", "Sand", K, "occupational-therapist", "hjemmetjenesten", 30, ["rehabilitation"]),
    ("Håkon", "Rød", D, "psychiatric-nurse", "dps-ambulant-team", 40, ["mental_health"]),
    ("Marte", "Foss", D, "psychologist", "dps-rus-poliklinikk", 30, ["substance_use"]),
    ("Ole", "Brekke", D, "physiotherapist", "dps-dognavdeling", 40, ["rehabilitation"]),
]
# She left the team ten days ago; the case she carried is flagged until someone from the
# municipality takes over.
LEAVER = ("Bente", "Holm", K, "psychiatric-nurse", "psykisk-helse-og-rus", 20, ["mental_health"])

# (name, referrer source, treatment service or None, outcome or None (waiting), days ago)
REFERRALS = [
    ("Bjarne Fjellheim", "gp", None, "direct", 350),
    ("Tone Vassbotn", "service", "dps-poliklinikk", "shoulder", 330),
    ("Sverre Lid", "nav", None, "not_now", 300),
    ("Rune Kaldal", "relative", None, "direct", 280),
    ("Aud Skarstein", "service", None, "site_guidance", 250),
    ("Gunn Marit Lie", "nav", "psykisk-helse-og-rus", "shoulder", 220),
    ("Helge Nordvik", "person", None, "direct", 190),
    ("Sigrun Elvebakk", "gp", "dps-rus-poliklinikk", "shoulder", 160),
    ("Stein Aksnes", "gp", "dps-poliklinikk", "not_now", 130),
    ("Hjemmetjenesten", "service", None, "site_guidance", 110),
    ("Oddny Rasten", "relative", None, "direct", 90),
    ("Kåre Myrvang", "service", "psykisk-helse-og-rus", "shoulder", 70),
    ("Frode Stokke", "gp", None, "direct", 45),
    ("Linn Haugset", "nav", "dps-poliklinikk", "shoulder", 30),
    ("Trude Aamot", "person", None, "not_now", 20),
    ("Arne Bru", "person", None, None, 3),
    ("Eli Sørum", "gp", "dps-poliklinikk", None, 1),
]
# The person's own answers at intake and later (life situation, daily life, mental health).
CHANGES = [((2, 2, 1), (4, 3, 3)), ((1, 2, 2), (3, 3, 2)), ((2, 1, 2), (2, 3, 3))]


def _add_members(directory, team: CrossLevelTeam, lead) -> dict[str, Secondment]:
    svc = directory.services
    members = {}
    for m in Membership.objects.filter(service=svc[TEAM_SLUG]).select_related("professional__user"):
        home, competence = HOMES[m.professional.user.email]
        members[m.professional.user.email] = Secondment.objects.create(
            team=team, membership=m, home_service=svc[home], competence=competence
        )
    professions = profession_codes_ensure()
    for first, last, domain, code, home, percent, competence in [*MORE, LEAVER]:
        professional = professional_create(
            actor=directory.operator,
            email=directory_demo.demo_email(first, last, domain),
            first_name=first,
            last_name=last,
            profession=professions[code],
            password=directory_demo.DEMO_PASSWORD,
        )
        ensure_totp(professional.user, DEMO_TOTP_SECRET)
        membership_add(
            actor=directory.operator,
            professional=professional,
            service=svc[home],
            position_percent=100 - percent,
        )
        members[professional.user.email] = services.member_add(
            actor=lead,
            team=team,
            professional=professional,
            home_service=svc[home],
            position_percent=percent,
            competence=competence,
        )
    # The places began when the team did, a year and a half ago.
    Membership.objects.filter(service=svc[TEAM_SLUG]).update(
        starts=timezone.localdate() - dt.timedelta(days=540)
    )
    return members


def _at(days_ago: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days_ago)


def load_teams(directory) -> CrossLevelTeam:
    users, svc = directory.professionals, directory.services
    network = svc[TEAM_SLUG].organisation.networks.first()
    team = CrossLevelTeam.objects.create(network=network, service=svc[TEAM_SLUG])
    lead = users[LEAD]
    members = _add_members(directory, team, lead)
    leaver = members[directory_demo.demo_email(*LEAVER[:3])]
    ragnhild = members[LEAD]
    muni = [s for s in members.values() if s.home_service.level == "municipal" and s != leaver]
    spec = [s for s in members.values() if s.home_service.level == "specialist"]
    cases: list[Case] = []
    for i, (name, source, treatment, outcome, days_ago) in enumerate(REFERRALS):
        referrer = {"gp": users[GP], "nav": users[NAV]}.get(source, lead)
        referral = services.referral_create(
            actor=referrer,
            team=team,
            data=services.ReferralInput(
                source=source,
                referrer_contact="77 00 01 60",
                subject_name=name,
                treatment_service=svc[treatment] if treatment else None,
                serious_mental_health=True,
                unstable_life=i % 2 == 0,
                lacks_contact=treatment is None,
            ),
        )
        Referral.objects.filter(pk=referral.pk).update(received_at=_at(days_ago))
        if outcome is None:
            continue
        if outcome == "shoulder":
            # The worker beside the treatment contact is from the opposite level.
            side = muni if svc[treatment].level == "specialist" else spec
            worker = side[i % len(side)]
            partner = (spec if worker.home_service.level == "municipal" else muni)[i % 3]
        else:
            worker, partner = muni[i % len(muni)], spec[i % len(spec)]
        if name == "Rune Kaldal":
            worker = leaver  # the case that is flagged when she leaves
        if name in ("Helge Nordvik", "Frode Stokke"):
            worker = ragnhild  # the team leader carries these (see her "Trenger deg")
        services.decide(
            actor=lead,
            referral=referral,
            outcome=outcome,
            reason="Drøftet i inntaksmøtet.",
            advice={
                "not_now": "Personen har stabil kontakt. Teamet gir veiledning til dere.",
                "site_guidance": "Teamet kommer til dere for veiledning annenhver uke.",
            }.get(outcome, ""),
            worker=worker,
            partner=partner,
        )
        # Waiting time: decided at the next intake meeting, first contact days after.
        decided = days_ago - 1 - i % 7
        Decision.objects.filter(referral=referral).update(decided_at=_at(decided))
        case = Case.objects.filter(referral=referral).first()
        if case is None:
            continue
        Case.objects.filter(pk=case.pk).update(opened_at=_at(decided))
        case.refresh_from_db()
        first = max(decided - 2 - i % 4, 0)
        services.contact_record(
            actor=lead, case=case, on=timezone.localdate() - dt.timedelta(days=first)
        )
        if name != "Frode Stokke":  # nobody has seen him for a month: an alert
            services.contact_record(actor=lead, case=case, on=timezone.localdate())
        cases.append(case)
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
    # One came off the board again (history kept).
    entry = services.board_add(
        actor=lead,
        case=cases[3],
        reason="Uten bolig etter utkastelse",
        next_step="Daglig besøk på hospitset",
        next_step_by=spec[0],
    )
    services.board_remove(actor=lead, entry=entry, reason="Har fått kommunal bolig")
    for k, case in enumerate(cases):
        intake, later = CHANGES[k % len(CHANGES)]
        for scores, on, words in [
            (intake, timezone.localdate(case.opened_at), "Alt går i stykker."),
            (later, timezone.localdate(), "Har fått litt mer ro."),
        ]:
            services.perceived_change_add(
                actor=lead,
                case=case,
                on=on,
                life_situation=scores[0],
                daily_functioning=scores[1],
                mental_health=scores[2],
                own_words=words,
                person_agreed=True,
            )
    for direction, service, topic, minutes, days_ago in [
        ("given", "hjemmetjenesten", "Veiledning om ROP-lidelser", 90, 200),
        ("given", "dps-dognavdeling", "Samarbeid ved utskriving", 60, 120),
        (
            "given",
            "nav-sosiale-tjenester",
            "Arbeid og aktivitet ved alvorlig psykisk lidelse",
            45,
            60,
        ),
        ("given", "boligkontoret", "Bolig først i praksis", 60, 30),
        ("received", "dps-rus-poliklinikk", "Legemiddelassistert rehabilitering", 45, 90),
        ("received", "dps-poliklinikk", "Psykoseforståelse", 60, 14),
    ]:
        services.consultation_add(
            actor=lead,
            team=team,
            direction=direction,
            service=svc[service],
            topic=topic,
            minutes=minutes,
            on=timezone.localdate() - dt.timedelta(days=days_ago),
        )
    # Bente Holm leaves: the case she carried is flagged at once (and the team is told).
    services.member_end(
        actor=lead,
        member=leaver,
        ends=timezone.localdate() - dt.timedelta(days=10),
        reason="Gikk over i full stilling i hjemmetjenesten",
    )
    return team
