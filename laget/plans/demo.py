"""Twelve fictional Fjordvik persons with plans, for `seed_demo`.

All people are invented; national identity numbers are synthetic (month + 80, as in
Skatteetaten's test population) so they can never be a real person's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from laget.accounts.models import User
from laget.core.identifiers import NIN_K1_WEIGHTS, NIN_K2_WEIGHTS, mod11_check_digit
from laget.directory.demo import DEMO_PASSWORD
from laget.directory.demo_load import DemoDirectory
from laget.directory.models import District
from laget.plans import selectors, services
from laget.plans.models import Message, Plan

KOORD = "ahmed.rahimi@fjordvik-kommune.test"  # coordinator in the mental health service
RAGNHILD = "ragnhild.saether@fjordvik-kommune.test"
SILJE = "silje.ronning@fjordvik-dps.test"
GEIR = "geir.sandvik@fjordvik-dps.test"
THOMAS = "thomas.ruud@nav-fjordvik.test"
MARTIN = "martin.aune@fjordvik-legesenter.test"
JONAS_STRAND = "jonas.strand@fjordvik-kommune.test"
SIRI = "siri.nygard@fjordvik-ungdomsskole.test"
OLE = "ole.brekke@fjordvik-kommune.test"
CAMILLA = "camilla.fjeld@fjordvik-kommune.test"
LISE = "lise.karlsen@fjordvik-dps.test"
PETTER = "petter.nilsen@fjordvik-kommune.test"


@dataclass
class DemoPerson:
    first: str
    last: str
    born: dt.date
    status: str
    coordinator: str
    coordinator_service: str
    team: list[tuple[str, str, str]] = field(default_factory=list)  # e-mail, role, service
    consents: list[tuple[str, list[str]]] = field(default_factory=list)  # service, categories
    relatives: list[tuple[str, str, str, list[str]]] = field(default_factory=list)
    goals: list[tuple[str, str]] = field(default_factory=list)
    measures: list[tuple[str, str | None, str]] = field(default_factory=list)  # service or None
    tasks: list[tuple[str, str, int]] = field(default_factory=list)  # who, title, due in days
    messages: list[tuple[str, str, int]] = field(default_factory=list)  # who, text, days ago
    login: bool = True
    # Services the person gave consent to and withdrew today: their work waits for the
    # coordinator to re-assign ("needs attention"), and the person can still undo it.
    withdrawn: list[tuple[str, list[str]]] = field(default_factory=list)
    needs: str = ""
    resources: str = ""


PERSONS = [
    DemoPerson(
        "Jonas",
        "Eriksen",
        dt.date(1991, 3, 14),
        "active",
        KOORD,
        "psykisk-helse-og-rus",
        team=[
            (GEIR, "group", "dps-rus-poliklinikk"),
            (THOMAS, "group", "nav-arbeid"),
            (MARTIN, "member", "fjordvik-legesenter"),
            (JONAS_STRAND, "member", "boligkontoret"),
        ],
        consents=[
            ("dps-rus-poliklinikk", ["plan", "tasks", "messages", "health"]),
            ("nav-arbeid", ["plan", "tasks"]),
            ("fjordvik-legesenter", ["plan", "tasks", "messages", "health"]),
            ("boligkontoret", ["plan", "tasks", "messages"]),
        ],
        relatives=[("Anne", "Eriksen", "mor", ["plan", "messages"])],
        goals=[
            ("Jeg vil ha min egen leilighet og klare å bo der.", "housing"),
            ("Jeg vil ruse meg mindre, og ha noen å ringe når det er tungt.", "substance"),
            ("Jeg vil ha noe å gå til på dagtid.", "work"),
        ],
        measures=[
            ("Samtaler og oppfølging ukentlig", "psykisk-helse-og-rus", "1 time per uke"),
            ("Rusbehandling poliklinisk", "dps-rus-poliklinikk", "annenhver uke"),
            ("Boveiledning", "boligkontoret", "2 timer per uke"),
            ("Individuell jobbstøtte (IPS)", "nav-arbeid", "etter avtale"),
            ("Legetime og medisinoppfølging", "fjordvik-legesenter", "hver 6. uke"),
        ],
        tasks=[
            (THOMAS, "Avtale første IPS-møte", 7),
            (JONAS_STRAND, "Søke om kommunal leilighet", -3),
            ("person", "Ta med brev fra NAV til neste møte", 10),
        ],
        messages=[
            (
                KOORD,
                "Velkommen til planen din, Jonas. Her kan alle i teamet skrive til hverandre.",
                30,
            ),
            ("person", "Takk. Jeg vil gjerne at møtene er på formiddagen.", 29),
            (GEIR, "Neste time på rus-poliklinikken er torsdag kl. 10.", 5),
            ("relative", "Jonas har hatt en god uke. Han har vært med på middag søndag.", 2),
        ],
        needs="Trygg bolig, hjelp med økonomi, faste avtaler på formiddagen.",
        resources="Flink med hender, god kontakt med mor, liker å fiske.",
    ),
    DemoPerson(
        "Emma",
        "Lie",
        dt.date(2010, 9, 2),
        "active",
        CAMILLA,
        "skolehelsetjenesten",
        team=[(SIRI, "member", "elevtjenesten"), (OLE, "member", "barneverntjenesten")],
        # Child welfare is on the team but has no consent: it sees nothing of the plan.
        consents=[("elevtjenesten", ["plan", "tasks"])],
        relatives=[("Tone", "Lie", "mor", ["plan", "messages", "tasks"])],
        goals=[("Jeg vil klare å være på skolen hele dagen.", "work")],
        measures=[
            ("Samtaler med helsesykepleier", "skolehelsetjenesten", "hver uke"),
            ("Tilrettelagt timeplan", "elevtjenesten", "ut skoleåret"),
        ],
        tasks=[(SIRI, "Lage ny timeplan sammen med Emma", 5)],
        messages=[(CAMILLA, "Vi møtes på skolen tirsdag etter lunsj.", 3)],
    ),
    DemoPerson(
        "Rune",
        "Dalen",
        dt.date(1978, 11, 23),
        "draft",
        RAGNHILD,
        "samhandlingsteamet",
        team=[(SILJE, "group", "samhandlingsteamet")],
        goals=[("Jeg vil få sove om natta.", "mental")],
        measures=[("Hjemmebesøk fra Samhandlingsteamet", None, "to ganger per uke")],
        login=False,
    ),
    DemoPerson(
        "Fatima",
        "Hassan",
        dt.date(1985, 6, 8),
        "active",
        KOORD,
        "psykisk-helse-og-rus",
        team=[(SILJE, "group", "dps-poliklinikk")],
        consents=[("dps-poliklinikk", ["plan", "tasks", "messages", "health"])],
        goals=[("Jeg vil kunne handle alene.", "mental")],
        measures=[("Eksponeringstrening", "dps-poliklinikk", "10 timer")],
        messages=[(SILJE, "Fint å se deg i dag. Vi fortsetter neste uke.", 6)],
    ),
    DemoPerson(
        "Knut",
        "Berge",
        dt.date(1959, 1, 30),
        "active",
        "line.aasen@fjordvik-kommune.test",
        "hjemmetjenesten",
        team=[(PETTER, "member", "hjemmetjenesten"), (MARTIN, "member", "fjordvik-legesenter")],
        consents=[("fjordvik-legesenter", ["plan", "health"])],
        goals=[("Jeg vil bo hjemme så lenge som mulig.", "housing")],
        measures=[("Medisinutdeling", "hjemmetjenesten", "daglig")],
    ),
    DemoPerson(
        "Sara",
        "Moe",
        dt.date(1999, 4, 19),
        "closed",
        KOORD,
        "psykisk-helse-og-rus",
        goals=[("Fullføre skolen.", "work")],
    ),
    DemoPerson(
        "Mathias",
        "Strøm",
        dt.date(2001, 12, 1),
        "active",
        RAGNHILD,
        "samhandlingsteamet",
        team=[(LISE, "group", "dps-ambulant-team"), (THOMAS, "member", "nav-arbeid")],
        consents=[("dps-ambulant-team", ["plan", "tasks", "messages", "health"])],
        withdrawn=[("nav-arbeid", ["plan", "tasks"])],
        goals=[("Jeg vil ha kontakt med broren min igjen.", "relations")],
        measures=[
            ("Ambulant oppfølging", "dps-ambulant-team", "to ganger per uke"),
            ("Ambulant oppfølging", "samhandlingsteamet", "ukentlig"),
            ("Arbeidsrettet oppfølging", "nav-arbeid", "månedlig"),
        ],
    ),
    DemoPerson(
        "Ingunn",
        "Vold",
        dt.date(1970, 8, 15),
        "active",
        KOORD,
        "psykisk-helse-og-rus",
        goals=[("Jeg vil ha råd til å betale husleia hver måned.", "economy")],
        measures=[("Økonomisk rådgivning", "nav-sosiale-tjenester", "månedlig")],
    ),
    DemoPerson(
        "Per Arne",
        "Lund",
        dt.date(1966, 2, 11),
        "draft",
        KOORD,
        "psykisk-helse-og-rus",
        login=False,
    ),
    DemoPerson(
        "Camilla",
        "Nes",
        dt.date(1995, 10, 27),
        "active",
        RAGNHILD,
        "samhandlingsteamet",
        goals=[("Jeg vil gå tur hver dag.", "physical")],
        measures=[("Turgruppe", "psykisk-helse-og-rus", "tirsdager")],
    ),
    DemoPerson(
        "Tobias",
        "Hagen",
        dt.date(2008, 5, 5),
        "draft",
        CAMILLA,
        "skolehelsetjenesten",
        login=False,
    ),
    DemoPerson(
        "Eli",
        "Sund",
        dt.date(1952, 7, 7),
        "closed",
        "line.aasen@fjordvik-kommune.test",
        "hjemmetjenesten",
    ),
]


def synthetic_national_id(born: dt.date, start: int = 100) -> str:
    """A valid synthetic number (month + 80) for this birth date."""
    for individual in range(start, 1000):
        digits = [int(c) for c in f"{born:%d}{born.month + 80:02d}{born:%y}{individual:03d}"]
        k1 = mod11_check_digit(digits, NIN_K1_WEIGHTS)
        if k1 is None:
            continue
        k2 = mod11_check_digit([*digits, k1], NIN_K2_WEIGHTS)
        if k2 is not None:
            return "".join(map(str, [*digits, k1, k2]))
    raise ValueError(born)


def _email(first: str, last: str) -> str:
    local = f"{first}.{last}".lower().replace(" ", "")
    for a, b in (("æ", "ae"), ("ø", "o"), ("å", "a")):
        local = local.replace(a, b)
    return f"{local}@person.test"


def load_plans(directory: DemoDirectory) -> list[Plan]:
    """Create the persons and their plans through the services, as a coordinator would."""
    today = timezone.localdate()
    users = directory.professionals
    plans = []
    # Where they live: spread over the municipality's districts, every fifth not recorded.
    districts = list(District.objects.filter(network__slug="fjordvik").order_by("pk"))
    for n, p in enumerate(PERSONS):
        coordinator = users[p.coordinator]
        person_user = None
        if p.login:
            person_user = User.objects.create_user(
                _email(p.first, p.last),
                DEMO_PASSWORD,
                first_name=p.first,
                last_name=p.last,
                kind=User.Kind.PERSON,
            )
        person = services.person_create(
            actor=coordinator,
            first_name=p.first,
            last_name=p.last,
            birth_date=p.born,
            national_id=synthetic_national_id(p.born, 100 + n),
            user=person_user,
            district=districts[n % len(districts)] if districts and n % 5 != 4 else None,
        )
        kommune = directory.organisations["kommune"]
        plan = services.plan_create(
            actor=coordinator,
            person=person,
            owner=kommune,
            coordinator=coordinator,
            coordinator_service=directory.services[p.coordinator_service],
            reason="Koordinator etter vedtak om individuell plan",
        )
        actor_for_consent = person_user or coordinator
        for email, role, service in p.team:
            services.team_member_add(
                actor=coordinator,
                plan=plan,
                user=users[email],
                role=role,
                service=directory.services[service],
                reason="Avtalt i første ansvarsgruppemøte",
            )
        for service, categories in p.consents:
            services.consent_record(
                actor=actor_for_consent,
                plan=plan,
                to_service=directory.services[service],
                categories=categories,
                valid_from=today - dt.timedelta(days=60),
                valid_to=today + dt.timedelta(days=300),
                method="in_person",
            )
        relative_users = []
        for first, last, relation, categories in p.relatives:
            relative = User.objects.create_user(
                _email(first, last),
                DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                kind=User.Kind.RELATIVE,
            )
            relative_users.append(relative)
            services.team_member_add(
                actor=actor_for_consent,
                plan=plan,
                user=relative,
                role="relative",
                relation=relation,
                reason="Personen ønsker at pårørende er med",
            )
            services.consent_record(
                actor=actor_for_consent,
                plan=plan,
                to_relative=relative,
                categories=categories,
                valid_from=today - dt.timedelta(days=60),
                valid_to=today + dt.timedelta(days=300),
                method="in_person",
            )
        goals = [
            services.goal_add(actor=actor_for_consent, plan=plan, text=text, life_area=area)
            for text, area in p.goals
        ]
        for i, (title, owner, scope) in enumerate(p.measures):
            services.measure_add(
                actor=coordinator,
                plan=plan,
                title=title,
                responsible_service=directory.services[owner] if owner else None,
                goal=goals[min(i, len(goals) - 1)] if goals else None,
                scope=scope,
                starts=today - dt.timedelta(days=45),
            )
        for slug, categories in p.withdrawn:
            consent = services.consent_record(
                actor=actor_for_consent,
                plan=plan,
                to_service=directory.services[slug],
                categories=categories,
                valid_from=today - dt.timedelta(days=30),
                valid_to=today + dt.timedelta(days=300),
                method="in_person",
            )
            services.consent_withdraw(actor=actor_for_consent, plan=plan, consent=consent)
        if p.needs or p.resources:
            plan = services.plan_update(
                actor=coordinator,
                plan=plan,
                based_on_version=plan.version,
                data={
                    "needs": p.needs,
                    "resources": p.resources,
                    "next_revision": today + dt.timedelta(days=90 - 40 * (n % 4)),
                },
            )
        if p.status in ("active", "closed"):
            plan = services.plan_consent_record(actor=coordinator, plan=plan, method="in_person")
            plan = services.plan_activate(actor=coordinator, plan=plan)
        for who, title, days in p.tasks:
            assignee = person_user if who == "person" else users[who]
            services.task_add(
                actor=coordinator,
                plan=plan,
                title=title,
                due=today + dt.timedelta(days=days),
                assignee_user=assignee,
            )
        for who, text, days_ago in p.messages:
            author = {
                "person": person_user,
                "relative": relative_users[0] if relative_users else None,
            }.get(who) or users[who]
            message = services.message_post(actor=author, plan=plan, body=text)
            Message.objects.filter(pk=message.pk).update(
                created_at=timezone.now() - dt.timedelta(days=days_ago)
            )
        if p.status == "closed":
            Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CLOSED)
        plans.append(plan)
    load_plan_request(directory)
    # Last night the DPS's ambulant team opened Jonas's plan in an emergency: it stands at
    # the top of his log and on the plan until his coordinator has gone through it.
    jonas = plans[0]
    services.emergency_access_open(
        actor=users[LISE],
        national_id=jonas.person.national_id or "",
        reason="Jonas ble hentet av ambulant team i natt og trengte kriseplanen sin.",
    )
    # Reads, through the one door, so "who has read my plan" has something to group.
    for reader in (LISE, KOORD, KOORD, KOORD, GEIR, MARTIN):
        selectors.plan_page(actor=users[reader], plan_id=jonas.pk, request_id="demo")
    return plans


def load_plan_request(directory: DemoDirectory) -> None:
    """The life cycle on the demo: the DPS has registered a new person and asks the
    municipality for an individual plan; Ahmed's front page shows it waiting."""
    from laget.plans import registration, requests

    silje = directory.professionals[SILJE]
    born = dt.date(1996, 9, 21)
    person = registration.person_register(
        actor=silje,
        service=directory.services["dps-poliklinikk"],
        national_id=synthetic_national_id(born, 190),
        first_name="Amir",
        last_name="Haddad",
        birth_date=born,
        phone="400 00 190",
        preferred_language="en",
        district=District.objects.filter(network__slug="fjordvik", name="Øyane").first(),
    )
    requests.plan_request_create(
        actor=silje,
        service=directory.services["dps-poliklinikk"],
        person=person,
        to_service=directory.services["psykisk-helse-og-rus"],
        reason=(
            "Amir går til samtaler hos oss og trenger hjelp til bolig og arbeid. Han ønsker "
            "en individuell plan og en koordinator i kommunen."
        ),
        consent_method="in_person",
    )
