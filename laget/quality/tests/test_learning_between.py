"""Between the sessions: case assignments and what came of them, the ties across services
before and after, and the cohort's anonymous evaluation. Every new route × every actor ×
every method; bad input in Norwegian with nothing written; stale edits refused; pinned
queries that do not grow with the cohort."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laget.accounts.models import User
from laget.conftest import make_professional
from laget.directory.models import Membership
from laget.directory.tests.factories import NetworkFactory, ServiceFactory, UserFactory
from laget.quality import learning_graph, learning_services, services
from laget.quality.models import (
    Assignment,
    AssignmentReport,
    EvaluationAnswer,
    EvaluationAnswered,
    Participant,
    Tie,
)
from laget.tests.sweep import sweep

pytestmark = pytest.mark.django_db

PAST = dt.date.today() - dt.timedelta(days=7)
ACTORS = ["organiser", "participant", "other", "leader", "outsider", "person", "anonymous"]


class W:
    pass


def _user(p: Participant) -> User:
    return p.membership.professional.user


@pytest.fixture
def w():
    world = W()
    network = NetworkFactory(name="Lundvik nettverk", slug="lundvik")
    svcs = [
        ServiceFactory(name=f"Tjeneste {k}", level="specialist" if k % 3 == 0 else "municipal")
        for k in range(6)
    ]
    network.organisations.set([s.organisation for s in svcs])
    world.network = network
    world.services = svcs
    world.organiser = make_professional(svcs[0], Membership.Role.LEADER)
    world.leader = make_professional(svcs[1], Membership.Role.LEADER)  # not an organiser
    world.outsider = make_professional(ServiceFactory(), Membership.Role.LEADER)
    world.person = UserFactory(kind=User.Kind.PERSON)
    world.anonymous = None
    people = [make_professional(s, Membership.Role.MEMBER) for s in svcs for _ in range(2)]
    world.cohort = services.cohort_create(
        actor=world.organiser, network=network, name="Samhandlingsutdanningen", year=2027
    )
    services.participants_add(
        actor=world.organiser,
        cohort=world.cohort,
        memberships=Membership.objects.filter(professional__user__in=people),
        peer_workers=set(),
    )
    services.groups_mix(actor=world.organiser, cohort=world.cohort)  # two groups of six
    world.group, world.group2 = list(world.cohort.groups.order_by("number"))
    world.members = list(Participant.objects.filter(group=world.group).order_by("pk"))
    world.me = world.members[0]
    world.participant = _user(world.me)
    world.other_p = Participant.objects.filter(group=world.group2).order_by("pk").first()
    world.other = _user(world.other_p)
    world.session = services.session_record(
        actor=world.organiser,
        cohort=world.cohort,
        on=dt.date(2027, 1, 15),
        topic="Hvem gjør hva",
        present=world.members,
    )
    world.assignment = learning_services.assignment_create(
        actor=world.organiser,
        group=world.group,
        title="Ung person uten fast bolig",
        what="Hvem hos dere ville tatt den første samtalen?",
        after_session=world.session,
    )
    return world


@pytest.fixture
def client_for(w):
    def make(actor: str) -> Client:
        client = Client()
        user = getattr(w, actor)
        if user is not None:
            client.force_login(user)
        return client

    return make


NONE = dict.fromkeys(ACTORS, 404) | {"anonymous": 302}
GROUP = NONE | {"organiser": 200, "participant": 200}
GROUP_WRITE = NONE | {"organiser": 302, "participant": 302}
PARTICIPANTS = NONE | {"participant": 200, "other": 200}
PARTICIPANTS_WRITE = NONE | {"participant": 302, "other": 302}
GRAPH = PARTICIPANTS | {"organiser": 200}
ORGANISER = NONE | {"organiser": 200}
PROFESSIONALS = dict.fromkeys(ACTORS, 200) | {"person": 403, "anonymous": 302}

# route -> (method, expected, which object the URL names)
BETWEEN_MATRIX = {
    "quality:group": ("get", GROUP, "group"),
    "quality:assignment_create": ("post", GROUP_WRITE, "group"),
    "quality:assignment_edit": ("post", GROUP_WRITE, "assignment"),
    "quality:assignment_report": ("post", GROUP_WRITE, "assignment"),
    "quality:my_part": ("get", PARTICIPANTS, "cohort"),
    "quality:my_ties": ("post", PARTICIPANTS_WRITE, "cohort"),
    "quality:evaluation": ("get", PARTICIPANTS, "cohort"),
    "quality:evaluation_results": ("get", ORGANISER, "cohort"),
    "quality:graph": ("get", GRAPH, "cohort"),
    "quality:my_cohorts": ("get", PROFESSIONALS, "none"),
}


def url_for(route: str, w) -> str:
    kind = BETWEEN_MATRIX[route][2]
    if kind == "none":
        return reverse(route)
    if kind == "group":
        return reverse(route, kwargs={"group_id": w.group.pk})
    if kind == "assignment":
        return reverse(route, kwargs={"assignment_id": w.assignment.pk})
    return reverse(route, kwargs={"cohort_id": w.cohort.pk})


@pytest.mark.parametrize("route", sorted(BETWEEN_MATRIX))
def test_route_for_every_actor(route, w, client_for):
    method, expected, _kind = BETWEEN_MATRIX[route]
    url = url_for(route, w)
    for actor in ACTORS:
        client = client_for(actor)
        response = client.post(url, {}) if method == "post" else client.get(url)
        assert response.status_code == expected[actor], (route, actor, response.status_code)


@pytest.mark.parametrize("route", sorted(BETWEEN_MATRIX))
def test_every_method_for_every_actor(route, w, client_for):
    sweep(
        route=route,
        url=url_for(route, w),
        expected=BETWEEN_MATRIX[route][1],
        client_for=client_for,
        secret=w.participant.last_name.encode(),
    )


def test_an_assignment_is_discussed_at_each_workplace(w, client_for):
    organiser = client_for("organiser")
    group_url = url_for("quality:group", w)
    page = organiser.get(group_url).content.decode()
    assert "Ung person uten fast bolig" in page and "Drøftet på 0 av 6 arbeidsplasser" in page
    # A member sets the group a second case.
    member = client_for("participant")
    response = member.post(
        reverse("quality:assignment_create", kwargs={"group_id": w.group.pk}),
        {"title": "Kriseplan", "what": "Hvem har kriseplanen hos dere?", "after_session": ""},
        follow=True,
    )
    assert "Caseoppgaven er registrert" in response.content.decode()
    assert w.group.assignments.count() == 2
    # The member records what came of the first one at their workplace.
    response = member.post(
        url_for("quality:assignment_report", w),
        {
            "discussed_on": PAST.isoformat(),
            "with_whom": "Boligkontoret",
            "outcome": "Vi avtalte et fast kontaktpunkt.",
            "version": "0",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "Det som kom ut av det, er registrert" in body
    assert "Vi avtalte et fast kontaktpunkt." in body and "Drøftet på 1 av 6" in body
    report = AssignmentReport.objects.get()
    assert (report.participant, report.with_whom) == (w.me, "Boligkontoret")
    # The organiser sees the status per member and the outcome.
    page = organiser.get(group_url).content.decode()
    assert "Boligkontoret" in page and page.count("Ikke ennå") == 5 + 6


def test_concurrent_edits_never_overwrite(w, client_for):
    a, b = client_for("organiser"), client_for("participant")
    edit = url_for("quality:assignment_edit", w)
    b.post(edit, {"title": "Først", "what": "Første versjon", "version": "1"})
    response = a.post(
        edit, {"title": "Andre", "what": "Bygget på gammel", "version": "1"}, follow=True
    )
    assert "Noen endret oppgaven før deg" in response.content.decode()
    w.assignment.refresh_from_db()
    assert (w.assignment.title, w.assignment.version) == ("Først", 2)
    # A member's own account, saved from two tabs: the second, based on nothing, is refused.
    report = url_for("quality:assignment_report", w)
    data = {"discussed_on": PAST.isoformat(), "with_whom": "Teamet", "outcome": "En"}
    data["version"] = "0"
    b.post(report, data)
    response = b.post(report, data | {"outcome": "To"}, follow=True)
    assert "lagret et annet sted" in response.content.decode()
    assert AssignmentReport.objects.get().outcome == "En"
    b.post(report, data | {"outcome": "Tre", "version": "1"})
    assert AssignmentReport.objects.get().outcome == "Tre"


def test_bad_input_is_refused_in_norwegian_and_nothing_is_written(w, client_for):
    member = client_for("participant")
    report = url_for("quality:assignment_report", w)
    response = member.post(
        report,
        {"discussed_on": "i går", "with_whom": "", "outcome": "x", "version": "0"},
        follow=True,
    )
    assert "Skriv datoen som dd.mm.åååå" in response.content.decode()
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = member.post(
        report,
        {"discussed_on": future, "with_whom": "Team", "outcome": "x", "version": "0"},
        follow=True,
    )
    assert "kan ikke være fram i tid" in response.content.decode()
    assert not AssignmentReport.objects.exists()
    response = member.post(
        reverse("quality:assignment_create", kwargs={"group_id": w.group.pk}),
        {"title": "", "what": "", "after_session": "999999"},
        follow=True,
    )
    assert "Velg en samling fra listen" in response.content.decode()
    assert w.group.assignments.count() == 1
    response = member.post(
        url_for("quality:my_ties", w), {"phase": "midt", "services": ["Finnes ikke"]}, follow=True
    )
    body = response.content.decode()
    assert "Velg starten eller slutten av året" in body and "Velg bare tjenester fra listen" in body
    response = member.post(url_for("quality:evaluation", w), {"useful": "9"})
    assert response.status_code == 200
    assert "Svar med et tall fra 1 til 5" in response.content.decode()
    assert not Tie.objects.exists() and not EvaluationAnswer.objects.exists()


def test_groups_with_assignments_are_not_mixed_again(w, client_for):
    response = client_for("organiser").post(url_for_cohort("quality:cohort_mix", w), follow=True)
    assert "kan derfor ikke blandes på nytt" in response.content.decode()
    assert Assignment.objects.filter(group=w.group).exists()


def url_for_cohort(route, w):
    return reverse(route, kwargs={"cohort_id": w.cohort.pk})


def test_the_evaluation_is_anonymous_and_hidden_below_five(w, client_for):
    # By construction: the answer has no participant, no time, no link to who answered.
    names = {f.name for f in EvaluationAnswer._meta.get_fields()}
    assert names == {"id", "cohort", "useful", "whom_to_call", "changed_practice", "comment"}
    results = url_for("quality:evaluation_results", w)
    answers = {"useful": "4", "whom_to_call": "5", "changed_practice": "3", "comment": ""}
    members = w.members[:5]
    for i, p in enumerate(members[:4]):
        client = Client()
        client.force_login(_user(p))
        r = client.post(url_for("quality:evaluation", w), answers | {"comment": f"Nyttig {i}"})
        assert r.status_code == 302
    page = client_for("organiser").get(results).content.decode()
    assert "4 av 12 deltakere har svart" in page and "skjult til minst 5" in page
    assert "Nyttig" not in page
    client = Client()
    client.force_login(_user(members[4]))
    client.post(url_for("quality:evaluation", w), answers | {"useful": "2"})
    # Once per person: the second answer is refused and nothing more is stored.
    again = client.post(url_for("quality:evaluation", w), answers, follow=True)
    assert "allerede svart" in again.content.decode()
    assert EvaluationAnswer.objects.count() == EvaluationAnswered.objects.count() == 5
    page = client_for("organiser").get(results).content.decode()
    assert "5 av 12 deltakere har svart" in page
    assert '<td class="num">3,6</td>' in page  # (4 × 4 + 2) / 5
    assert "Nyttig 3" in page


def test_graph_counts_and_densities_before_and_after():
    names = ["A", "B", "C"]
    ties = [
        (1, "A", "start", "B"),
        (1, "A", "end", "B"),
        (1, "A", "end", "C"),
        (2, "A", "end", "B"),
        (3, "B", "end", "A"),
        (3, "B", "end", "B"),  # one's own service: not a tie
        (4, "C", "end", "X"),  # not in the cohort
    ]
    g = learning_graph.build(names, ties)
    assert (g.ties_before, g.ties_after) == (1, 3)
    assert (g.density_before, g.density_after) == (16.7, 50.0)  # of 3 × 2 possible
    assert (g.answered_before, g.answered_after) == (1, 3)
    assert [(r.source, r.target, r.before, r.after) for r in g.rows] == [
        ("A", "B", 1, 2),
        ("A", "C", 0, 1),
        ("B", "A", 0, 1),
    ]
    assert [n.name for n in g.map_before.nodes] == [n.name for n in g.map_after.nodes]
    assert len(g.map_before.edges) == 1 and len(g.map_after.edges) == 3
    assert learning_graph.build([], []).density_after is None


def test_participants_say_whom_they_know_and_the_graph_shows_it(w, client_for):
    member = client_for("participant")
    others = sorted({p.service_name for p in w.members if p.service_name != w.me.service_name})
    r = member.post(url_for("quality:my_ties", w), {"phase": "start", "services": others[:1]})
    assert r.status_code == 302
    member.post(url_for("quality:my_ties", w), {"phase": "end", "services": others[:3]})
    page = member.get(url_for("quality:my_part", w)).content.decode()
    assert 'value="start"' in page and "checked" in page
    graph = client_for("organiser").get(url_for("quality:graph", w)).content.decode()
    assert 'class="network-map learning-map"' in graph and "<table" in graph
    # One tie of 6 × 5 possible at the start, three at the end.
    assert "3,3 %" in graph and "10,0 %" in graph
    assert w.participant.last_name not in graph  # services, never names


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(w, n: int) -> None:
    """n more participants in the first group, each with an account, ties and an answer."""
    more = [make_professional(w.services[k % 6], Membership.Role.MEMBER) for k in range(n)]
    services.participants_add(
        actor=w.organiser,
        cohort=w.cohort,
        memberships=Membership.objects.filter(professional__user__in=more),
        peer_workers=set(),
    )
    new = list(Participant.objects.filter(cohort=w.cohort, group=None))
    Participant.objects.filter(pk__in=[p.pk for p in new]).update(group=w.group)
    names = sorted({p.service_name for p in new})
    for p in new:
        p.refresh_from_db()
        user = _user(p)
        learning_services.report_save(
            actor=user,
            assignment=w.assignment,
            based_on_version=0,
            discussed_on=PAST,
            with_whom="Teamet",
            outcome="Noe",
        )
        others = [s for s in names if s != p.service_name]
        learning_services.my_ties_record(actor=user, me=p, phase="end", services=others)
        learning_services.evaluation_submit(
            actor=user,
            me=p,
            scores={"useful": 4, "whom_to_call": 4, "changed_practice": 4},
            comment="",
        )


# Session, user, MFA; the group with its cohort, is the user an organiser, their place in
# the cohort; members, assignments, their accounts, the sessions for the form.
GROUP_QUERIES = 10
# Session, user, MFA; the cohort, organiser?, participant?; the services, the ties.
GRAPH_QUERIES = 8
# Session, user, MFA; the cohort, organiser?; who answered, how many take part, the
# aggregate of the answers, the comments.
RESULTS_QUERIES = 9
# Session, user, MFA; the cohort, my place; the services, my ties, have I answered.
MY_QUERIES = 8


def test_learning_pages_queries_are_pinned_and_flat(w, client_for):
    organiser, member = client_for("organiser"), client_for("participant")
    _grow(w, 5)  # five answers: the results are shown, with their comments query
    urls = {
        "group": (organiser, url_for("quality:group", w), GROUP_QUERIES),
        "group as member": (member, url_for("quality:group", w), GROUP_QUERIES),
        "graph": (organiser, url_for("quality:graph", w), GRAPH_QUERIES),
        "results": (organiser, url_for("quality:evaluation_results", w), RESULTS_QUERIES),
        "mine": (member, url_for("quality:my_part", w), MY_QUERIES),
        "evaluation form": (member, url_for("quality:evaluation", w), MY_QUERIES),
    }
    first = {k: _count(c, u) for k, (c, u, _n) in urls.items()}
    assert first == {k: n for k, (_c, _u, n) in urls.items()}
    _grow(w, 12)
    assert {k: _count(c, u) for k, (c, u, _n) in urls.items()} == first


def test_an_empty_cohort_shows_its_pages_without_data(w, client_for):
    empty = services.cohort_create(
        actor=w.organiser, network=w.network, name="Tomt kull", year=2028
    )
    organiser = client_for("organiser")
    graph = organiser.get(reverse("quality:graph", kwargs={"cohort_id": empty.pk}))
    assert graph.status_code == 200 and "Ingen har svart ennå" in graph.content.decode()
    results = organiser.get(reverse("quality:evaluation_results", kwargs={"cohort_id": empty.pk}))
    assert "0 av 0 deltakere har svart" in results.content.decode()
    page = organiser.get(reverse("quality:cohort", kwargs={"cohort_id": empty.pk}))
    assert "Hvem kjenner hvem på tvers av tjenester" in page.content.decode()


def test_each_finds_their_own_cohorts(w, client_for):
    url = reverse("quality:my_cohorts")
    mine = client_for("participant").get(url).content.decode()
    assert reverse("quality:my_part", kwargs={"cohort_id": w.cohort.pk}) in mine
    organised = client_for("organiser").get(url).content.decode()
    assert reverse("quality:cohort", kwargs={"cohort_id": w.cohort.pk}) in organised
    outside = client_for("outsider").get(url).content.decode()
    assert "Samhandlingsutdanningen" not in outside and "ikke med i et kull" in outside
    home = client_for("participant").get(reverse("home")).content.decode()
    assert url in home
