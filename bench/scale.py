"""Pages at national scale against the same pages on a demo-sized database, side by side.

Makes three databases of its own (named h15scale_*) on the PostgreSQL server of
DATABASE_URL (default postgres://postgres@127.0.0.1:5432), each a copy (CREATE DATABASE ...
TEMPLATE) of the one before with more added in SQL, copying demo rows as templates:

- `demo`: the Fjordvik demo;
- `worst`: the demo with the worst cases, still demo-sized: Ahmed Rahimi coordinates 50
  more plans (55 in all; each with 100 messages and 20 tasks), and Jonas has 50,000 more
  access-log entries;
- `large`: the country around them: `--persons N` persons (default 10,000), each with an
  active plan, 100 messages and 20 tasks (1 M and 200,000 at the default), and 500
  access-log entries per person (5 M), each person's its own chain with a head. All the
  country's messages are newer than the demo's, so Jonas's plan is the worst case of "a
  plan whose messages are the oldest".

`ratio` is large against worst: the same page with the same worst case, so the country's
size alone (the must-show: within 1.2x). `ratio_to_demo` is large against the plain demo,
the worst case's own size included (55 plans listed against 5 cannot cost the same).

The additions are loaded like a restore: foreign-key triggers off (the rows are copies of
rows that satisfy them), the big tables' secondary indexes and unique constraints dropped
during the load and built after it, then ANALYZE. The bulk access-log entries are a
synthetic chain: each entry's prev_hash is the entry_hash of the one before it in the
person's chain and the head points at the last, but the hashes are SHA-256 of a counter,
not HMACs, so `verify_audit` would refuse them (the bench never runs it). Their size, chain
names, sequence numbers and spread over people and time are those of real entries.

Then each page and API call is measured on the three databases, interleaved (in-process,
the whole middleware stack, the app's connection pool; each round runs a page once on
each), so a change in the machine's load hits all alike; medians of `--rounds`.
`--explain` prints the slowest queries of each page at scale with EXPLAIN (ANALYZE,
BUFFERS); `--drop-index NAME` (repeatable) measures a second time without those indexes
(on every database), for before/after figures on the same data.

    .venv/bin/python bench/scale.py [--persons 10000] [--rounds 15] [--explain]

The databases are dropped at the end. The last line is one JSON object: {"persons": N,
"build_s": ..., "pages": {NAME: {"small_ms", "large_ms", "ratio", "queries", "demo_ms",
"ratio_to_demo"}}}
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432"


def _url(database: str) -> str:
    parts = urlsplit(SERVER_URL)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--drop-index", action="append", default=[])
    args = parser.parse_args()
    import psycopg

    tag = uuid.uuid4().hex[:8]
    names = {size: f"h15scale_{tag}_{size}" for size in ("demo", "worst", "large")}
    admin = psycopg.connect(_url("postgres"), autocommit=True)
    admin.execute(f'CREATE DATABASE "{names["demo"]}"')
    os.environ["DATABASE_URL"] = _url(names["demo"])
    os.environ["LAGET_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laget.settings")
    sys.path.insert(0, str(ROOT))
    try:
        result = run(admin, names, args)
    finally:
        from django.db import connections

        for conn in connections.all(initialized_only=True):
            conn.close()
            if hasattr(conn, "close_pool"):
                conn.close_pool()
        for name in names.values():
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(json.dumps(result))


def run(admin, names: dict[str, str], args) -> dict:  # type: ignore[no-untyped-def]
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    demo = Demo()
    pages = page_urls(demo)
    check(pages, demo)
    started = time.perf_counter()
    # Each database is a copy of the one before with more added: the demo rows, ids and
    # sessions are the same in all three, so each page is the same request on each.
    # demo -> worst (the worst cases, demo-sized) -> large (the country around them).
    dbs = {"demo": connections["default"]}
    for before, name, add in (
        ("demo", "worst", lambda: add_worst_cases(demo)),
        ("worst", "large", lambda: add_country(demo, args.persons)),
    ):
        _close(dbs[before])
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [names[before]],
        )
        admin.execute(f'CREATE DATABASE "{names[name]}" TEMPLATE "{names[before]}"')
        connections.settings[name] = dict(dbs["demo"].settings_dict, NAME=names[name])
        dbs[name] = connections[name]
        use(dbs[name])
        add()
    build_s = time.perf_counter() - started
    use(dbs["demo"])
    print(f"built {args.persons} persons in {build_s:.0f} s", flush=True)
    times, queries = measure(dbs, pages, demo, args.rounds, explain=args.explain)
    result = {
        "persons": args.persons,
        "build_s": round(build_s, 1),
        "pages": report(times, queries),
    }
    if args.drop_index:
        for db in dbs.values():
            use(db)
            with db.cursor() as cursor:
                for index in args.drop_index:
                    cursor.execute(f'DROP INDEX IF EXISTS "{index}"')
        print(f"without {', '.join(args.drop_index)}:")
        times, queries = measure(dbs, pages, demo, args.rounds, explain=args.explain)
        result["without_indexes"] = {"dropped": args.drop_index, "pages": report(times, queries)}
    use(dbs["demo"])
    return result


def report(times: dict, queries: dict) -> dict:
    """`ratio`: at scale against the same page on the demo-sized database with the same
    worst cases (the country's effect alone); `ratio_to_demo`: against the plain demo (the
    worst case's own size included, e.g. 55 plans listed against 5)."""
    pages = {}
    for page, got in times.items():
        small_ms, large_ms, demo_ms = got["worst"], got["large"], got["demo"]
        pages[page] = {
            "small_ms": round(small_ms, 2),
            "large_ms": round(large_ms, 2),
            "ratio": round(large_ms / small_ms, 2),
            "queries": queries[page]["large"],
            "demo_ms": round(demo_ms, 2),
            "ratio_to_demo": round(large_ms / demo_ms, 2),
        }
        extra = (
            ""
            if queries[page]["worst"] == queries[page]["large"]
            else (f" ({queries[page]['worst']} demo-sized)")
        )
        print(
            f"{page:>28}: {small_ms:7.2f} ms demo-sized, {large_ms:7.2f} ms at scale,"
            f" ratio {large_ms / small_ms:5.2f}, {queries[page]['large']} queries{extra};"
            f" plain demo {demo_ms:7.2f} ms (x{large_ms / demo_ms:.2f})",
            flush=True,
        )
    return pages


def _close(db) -> None:  # type: ignore[no-untyped-def]
    db.close()
    if hasattr(db, "close_pool"):
        db.close_pool()


def use(db) -> None:  # type: ignore[no-untyped-def]
    """Serve the app's `default` database from `db` (each keeps its own pool)."""
    from django.db import connections

    connections["default"] = db


class Demo:
    """The demo rows the bench measures with and copies as templates."""

    def __init__(self) -> None:
        from laget.accounts.models import User
        from laget.plans.models import Plan

        self.coordinator = User.objects.get(email="ahmed.rahimi@fjordvik-kommune.test")
        self.person_user = User.objects.get(email="jonas.eriksen@person.test")
        self.plan = Plan.objects.select_related("person").get(person__user=self.person_user)
        self.person = self.plan.person


def page_urls(demo: Demo) -> dict[str, tuple[str, str]]:
    """NAME: (who asks, URL). The person's pages are Jonas's (50,000 log entries at scale);
    the coordinator's lists are Ahmed's (50 more plans at scale)."""
    plan = demo.plan.pk
    return {
        "plan_page": ("coordinator", f"/planer/{plan}/"),
        "message_page_oldest": ("coordinator", f"/planer/{plan}/meldinger/"),
        "team_page": ("coordinator", f"/planer/{plan}/team/"),
        "crisis_plan": ("coordinator", f"/planer/{plan}/kriseplan/"),
        "print_page": ("coordinator", f"/planer/{plan}/utskrift/"),
        "timeline": ("coordinator", f"/planer/{plan}/tidslinje/"),
        "plan_meetings": ("coordinator", f"/planer/{plan}/moter/"),
        "plan_api": ("coordinator", f"/api/v1/plans/{plan}"),
        "messages_api_oldest": ("coordinator", f"/api/v1/plans/{plan}/messages"),
        "timeline_api": ("coordinator", f"/api/v1/plans/{plan}/timeline"),
        "plans_api_50_plans": ("coordinator", "/api/v1/plans"),
        "awaiting_consent_api": ("coordinator", "/api/v1/plans/awaiting-consent"),
        "notifications_api": ("coordinator", "/api/v1/notifications"),
        "plans_list_50_plans": ("coordinator", "/planer/"),
        "dashboard_50_plans": ("coordinator", "/dashbord/"),
        "my_tasks_50_plans": ("coordinator", "/oppgaver/"),
        "inbox_50_plans": ("coordinator", "/innboks/"),
        "requests_queue": ("coordinator", "/foresporsler/"),
        "notifications_page": ("coordinator", "/varsler/"),
        "person_front_page": ("person", "/"),
        "person_plan_page": ("person", f"/planer/{plan}/"),
        "person_messages": ("person", f"/planer/{plan}/meldinger/"),
        "person_consents": ("person", f"/planer/{plan}/samtykker/"),
        "person_account": ("person", "/min-konto/"),
        "person_log_50000": ("person", "/min-plan/logg/"),
    }


def clients(demo: Demo) -> dict:
    """A logged-in client per actor, for the database that serves `default` now (sessions
    live in the database)."""
    from django.test import Client

    coordinator, person = Client(), Client()
    coordinator.force_login(demo.coordinator)
    person.force_login(demo.person_user)
    return {"coordinator": coordinator, "person": person}


def check(pages: dict, demo: Demo) -> None:
    """Every page answers on the demo before anything is built."""
    who = clients(demo)
    for page, (actor, url) in pages.items():
        status = who[actor].get(url).status_code
        if status != 200:
            raise RuntimeError(f"{page}: {url} answered {status} on the demo")


def measure(dbs: dict, pages: dict, demo: Demo, rounds: int, *, explain: bool):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    who = {}
    for size, db in dbs.items():
        use(db)
        who[size] = clients(demo)
    times, queries = {}, {}
    for page, (actor, url) in pages.items():
        samples: dict[str, list[float]] = {size: [] for size in dbs}
        counts = {}
        for size, db in dbs.items():  # one warm-up each
            use(db)
            if (status := who[size][actor].get(url).status_code) != 200:
                raise RuntimeError(f"{page}: {url} answered {status} ({size})")
        for _ in range(rounds):
            for size, db in dbs.items():
                use(db)
                started = time.perf_counter()
                who[size][actor].get(url)
                samples[size].append((time.perf_counter() - started) * 1000)
        for size, db in dbs.items():
            use(db)
            with CaptureQueriesContext(connection) as captured:
                who[size][actor].get(url)
            counts[size] = len(captured)
            if explain and size == "large":
                _explain(page, captured.captured_queries)
        times[page] = {size: statistics.median(got) for size, got in samples.items()}
        queries[page] = counts
    use(dbs["demo"])
    return times, queries


def _explain(page: str, captured: list[dict]) -> None:
    from django.db import connection

    slowest = sorted(captured, key=lambda q: float(q["time"]), reverse=True)[:2]
    for query in slowest:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        print(f"--- {page}: {float(query['time']) * 1000:.1f} ms\n{sql}")
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            print("\n".join(row[0] for row in cursor.fetchall()))


def clone(model, template_id: int | str, n: int, overrides: dict[str, str], *, first: bool = False):  # type: ignore[no-untyped-def]
    """Insert n copies of one row (or of each row a condition on t picks), in the order of
    g = 1..n, each column the template's unless `overrides` gives an SQL expression (of g
    and the template t) for it. With `first`, returns the first new id (one INSERT takes
    consecutive ids: the bench is the database's only writer)."""
    from django.db import connection

    qn = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk.column
    columns = [f.column for f in model._meta.concrete_fields if f.column != pk]
    values = [overrides.get(c, f"t.{qn(c)}") for c in columns]
    insert = f"""
        INSERT INTO {qn(table)} ({", ".join(qn(c) for c in columns)})
        SELECT {", ".join(values)} FROM {qn(table)} t, generate_series(1, {int(n)}) g
        WHERE {template_id if isinstance(template_id, str) else f"t.{qn(pk)} = {int(template_id)}"}
        ORDER BY g
    """  # noqa: S608 (names from the models, numbers from this script)
    with connection.cursor() as cursor:
        if not first:
            cursor.execute(insert)
            return None
        ids = qn(pk)
        added = f"WITH added AS ({insert} RETURNING {ids})"
        cursor.execute(f"{added} SELECT min({ids}), max({ids}) FROM added")  # noqa: S608
        low, high = cursor.fetchone()
    if high - low + 1 != n:
        raise RuntimeError(f"{table}: ids are not consecutive")
    return low


def without_indexes(cursor, table: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Drop the table's unique constraints and secondary indexes (not its primary key) and
    return the statements that build them again: one sorted build after the load is much
    cheaper than keeping them up to date row by row."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'u'",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS"
        " (SELECT 1 FROM pg_constraint c"
        " WHERE c.conrelid = %s::regclass AND c.conname = i.indexname)",
        [table, table],
    )
    indexes = cursor.fetchall()
    rebuild = []
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        rebuild.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
        rebuild.append(definition.replace(" ON ONLY ", " ON "))
    return rebuild


COLLEAGUE = "skala.koordinator@laget.test"


@contextmanager
def restoring(*models):  # type: ignore[no-untyped-def]
    """Load like a restore, not like requests: no statement timeout, no foreign-key
    triggers (every row copies a row that satisfies them), the big tables' secondary
    indexes built once after the load, then VACUUM ANALYZE."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        rebuild = [sql for model in models for sql in without_indexes(cursor, model._meta.db_table)]
        yield cursor
        for sql in rebuild:
            cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("VACUUM ANALYZE")


def add_plans(demo: Demo, n: int, coordinator: int, colleague: int) -> int:
    """n persons, each with an active plan coordinated by `coordinator`, Jonas's consents
    (so the coordinators may read it), 100 messages from `colleague` (the newest now, all
    newer than the demo's) and 20 tasks for the coordinator (some overdue). Returns the
    first new person's id."""
    from laget.plans.models import Consent, Message, Person, Plan, Task, TeamMember

    plan = demo.plan
    coordinator_row = TeamMember.objects.get(plan=plan, role="coordinator", left_at__isnull=True)
    message = Message.objects.filter(plan=plan).order_by("created_at").first()
    task = Task.objects.filter(plan=plan).first()
    if not (message and task):
        raise RuntimeError("the demo plan has no message or task to copy")
    p0 = clone(
        Person,
        demo.person.pk,
        n,
        {
            "first_name": "'Skala'",
            "last_name": "'Person ' || g",
            "national_id": "NULL",
            "user_id": "NULL",
            "email": "''",
            "phone": "''",
        },
        first=True,
    )
    q0 = clone(Plan, plan.pk, n, {"person_id": f"{p0} - 1 + g", "stand_in_id": "NULL"}, first=True)
    clone(
        Consent,
        f"t.person_id = {demo.person.pk} AND t.to_relative_id IS NULL",
        n,
        {"person_id": f"{p0} - 1 + g"},
    )
    clone(
        TeamMember,
        coordinator_row.pk,
        n,
        {"plan_id": f"{q0} - 1 + g", "user_id": str(coordinator)},
    )
    clone(
        Message,
        message.pk,
        n * 100,
        {
            "plan_id": f"{q0} + (g - 1) % {n}",
            "author_id": str(colleague),
            "reply_to_id": "NULL",
            "corrects_id": "NULL",
            "created_at": "now() - (g * interval '40 milliseconds')",
        },
    )
    clone(
        Task,
        task.pk,
        n * 20,
        {
            "plan_id": f"{q0} + (g - 1) % {n}",
            "assignee_user_id": str(coordinator),
            "assignee_service_id": "NULL",
            "created_by_id": str(colleague),
            "due": "current_date + ((g % 60) - 20)",
        },
    )
    return p0


def _log_row(demo: Demo):  # type: ignore[no-untyped-def]
    """A coordinator's read, as most of a person's log is (the person's own reads are not
    shown to them, so copying one of those would make Jonas's log look empty)."""
    from laget.audit.models import AccessLogEntry

    row = (
        AccessLogEntry.objects.filter(person_id=demo.person.pk)
        .exclude(purpose="self")
        .order_by("pk")
        .first()
    )
    if row is None:
        raise RuntimeError("the demo plan has no log entry to copy")
    return row


DIGEST = "encode(sha256(convert_to({}, 'UTF8')), 'hex')".format


def add_worst_cases(demo: Demo) -> None:
    """On a copy of the demo, still demo-sized: Ahmed coordinates 50 more plans (55 in all)
    and Jonas's log has 50,000 more entries. Both databases measured against each other
    carry them, so a ratio is the country's effect; `ratio_to_demo` adds the worst case's
    own size."""
    from laget.accounts.models import User
    from laget.audit.models import AccessLogEntry, AuditChain
    from laget.plans.models import Message, Task

    log_row = _log_row(demo)
    with restoring(Message, Task, AccessLogEntry) as cursor:
        # A colleague who writes in Ahmed's plans and coordinates the country's (nobody the
        # bench logs in as).
        colleague = clone(User, demo.coordinator.pk, 1, {"email": f"'{COLLEAGUE}'"}, first=True)
        add_plans(demo, 50, demo.coordinator.pk, colleague)
        # 50,000 more for Jonas, a second apart, after the demo's entries in his chain.
        head = AuditChain.objects.get(name=f"access:{demo.person.pk}")
        jonas_before = "'jonas:' || (g - 1)"
        clone(
            AccessLogEntry,
            log_row.pk,
            50_000,
            {
                "seq": f"{head.length} + g",
                "prev_hash": (
                    f"CASE WHEN g = 1 THEN '{head.last_hash}' ELSE {DIGEST(jonas_before)} END"
                ),
                "entry_hash": DIGEST("'jonas:' || g"),
                "at": "now() - ((50001 - g) * interval '1 second')",
            },
        )
        cursor.execute("SELECT " + DIGEST("'jonas:' || 50000") + ", " + DIGEST("'jonas:' || 49999"))
        last_hash, before_last = cursor.fetchone()
        AuditChain.objects.filter(pk=head.pk).update(
            length=head.length + 50_000, last_hash=last_hash, before_last_hash=before_last
        )


def add_country(demo: Demo, persons: int) -> None:
    """The country around the worst cases: `persons` persons with a plan each (the
    colleague's), 100 messages and 20 tasks per plan, 500 access-log entries per person."""
    from laget.accounts.models import User
    from laget.audit.chain import GENESIS
    from laget.audit.models import AccessLogEntry, AuditChain
    from laget.plans.models import Message, Task

    log_row = _log_row(demo)
    colleague = User.objects.get(email=COLLEAGUE).pk
    with restoring(Message, Task, AccessLogEntry) as cursor:
        p0 = add_plans(demo, persons, colleague, colleague)
        # 500 access-log entries per person, interleaved in time as reads are; entry g is
        # number (g - 1) / persons + 1 in its person's chain, after entry g - persons.
        scale_before = DIGEST(f"'scale:' || (g - {persons})")
        head_last = DIGEST(f"'scale:' || ({persons} * 499 + i + 1)")
        head_before = DIGEST(f"'scale:' || ({persons} * 498 + i + 1)")
        clone(
            AccessLogEntry,
            log_row.pk,
            persons * 500,
            {
                "person_id": f"{p0} + (g - 1) % {persons}",
                "chain": f"'access:' || ({p0} + (g - 1) % {persons})",
                "seq": f"(g - 1) / {persons} + 1",
                "prev_hash": (f"CASE WHEN g <= {persons} THEN '{GENESIS}' ELSE {scale_before} END"),
                "entry_hash": DIGEST("'scale:' || g"),
                "at": "now() - (g * interval '100 milliseconds')",
            },
        )
        cursor.execute(
            f"""INSERT INTO {AuditChain._meta.db_table} (name, last_hash, length, before_last_hash)
            SELECT 'access:' || ({p0} + i), {head_last},
                   500, {head_before}
            FROM generate_series(0, {persons - 1}) i"""  # noqa: S608
        )


if __name__ == "__main__":
    main()
