"""Pages at national scale against the same pages on the demo database, side by side.

Makes two databases of its own (named h15scale_*) on the PostgreSQL server of DATABASE_URL
(default postgres://postgres@127.0.0.1:5432): one with the Fjordvik demo, and a copy of it
(CREATE DATABASE ... TEMPLATE) with a country added around the demo, in SQL, copying demo
rows as templates:

- `--persons N` persons (default 10,000), each with an active plan and a coordinator;
- 100 messages and 20 tasks per plan (1 M and 200,000 at the default, Ahmed's plans
  included), all newer than the demo's messages, so Jonas's plan is the worst case of "a
  plan whose messages are the oldest";
- 500 access-log entries per person (5 M at the default), each person's its own chain with
  a head, and 50,000 more for Jonas (the worst case of a person's own log);
- 50 more plans coordinated by Ahmed Rahimi (the worst case of a coordinator's dashboard).

The country is loaded like a restore: foreign-key triggers off (the rows are copies of rows
that satisfy them), the big tables' secondary indexes and unique constraints dropped during
the load and built after it, then ANALYZE. The bulk access-log entries are a synthetic chain:
each entry's prev_hash is the entry_hash of the one before it in the person's chain and the
head points at the last, but the hashes are SHA-256 of a counter, not HMACs, so
`verify_audit` would refuse them (the bench never runs it). Their size, chain names,
sequence numbers and spread over people and time are those of real entries.

Then each page and API call is measured on both databases, interleaved (in-process, the
whole middleware stack, the app's connection pool; each round runs a page once on the demo
and once at scale), so a change in the machine's load hits both alike. Ratios are
large/small (medians of `--rounds`): a page whose cost does not grow with the country stays
near 1. `--explain` prints the slowest queries of each page at scale with EXPLAIN (ANALYZE,
BUFFERS); `--drop-index NAME` (repeatable) measures a second time without those indexes (on
both databases), for before/after figures on the same data.

    .venv/bin/python bench/scale.py [--persons 10000] [--rounds 15] [--explain]

Both databases are dropped at the end. The last line is one JSON object:
{"persons": N, "build_s": ..., "pages": {NAME: {"small_ms", "large_ms", "ratio", "queries"}}}
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
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
    small, large = f"h15scale_{tag}_demo", f"h15scale_{tag}_country"
    admin = psycopg.connect(_url("postgres"), autocommit=True)
    admin.execute(f'CREATE DATABASE "{small}"')
    os.environ["DATABASE_URL"] = _url(small)
    os.environ["LAGET_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laget.settings")
    sys.path.insert(0, str(ROOT))
    try:
        result = run(admin, small, large, args)
    finally:
        from django.db import connections

        for conn in connections.all(initialized_only=True):
            conn.close()
            if hasattr(conn, "close_pool"):
                conn.close_pool()
        for name in (small, large):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(json.dumps(result))


def run(admin, small: str, large: str, args) -> dict:  # type: ignore[no-untyped-def]
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
    # The country is a copy of the demo database with the country added: the demo rows, ids
    # and sessions are the same in both, so each page is the same request on both.
    _close(connections["default"])
    admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [small]
    )
    admin.execute(f'CREATE DATABASE "{large}" TEMPLATE "{small}"')
    connections.settings["large"] = dict(connections["default"].settings_dict, NAME=large)
    dbs = {"small": connections["default"], "large": connections["large"]}
    use(dbs["large"])
    build(demo, args.persons)
    build_s = time.perf_counter() - started
    use(dbs["small"])
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
    use(dbs["small"])
    return result


def report(times: dict, queries: dict) -> dict:
    pages = {}
    for page, (small_ms, large_ms) in times.items():
        pages[page] = {
            "small_ms": round(small_ms, 2),
            "large_ms": round(large_ms, 2),
            "ratio": round(large_ms / small_ms, 2),
            "queries": queries[page]["large"],
        }
        extra = (
            ""
            if queries[page]["small"] == queries[page]["large"]
            else (f" ({queries[page]['small']} on the demo)")
        )
        print(
            f"{page:>28}: {small_ms:7.2f} ms demo, {large_ms:7.2f} ms at scale,"
            f" ratio {large_ms / small_ms:5.2f}, {queries[page]['large']} queries{extra}",
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
        samples: dict[str, list[float]] = {"small": [], "large": []}
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
        times[page] = (statistics.median(samples["small"]), statistics.median(samples["large"]))
        queries[page] = counts
    use(dbs["small"])
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


def build(demo: Demo, persons: int) -> None:
    from django.db import connection, transaction

    from laget.accounts.models import User
    from laget.audit.chain import GENESIS
    from laget.audit.models import AccessLogEntry, AuditChain
    from laget.plans.models import Consent, Message, Person, Plan, Task, TeamMember

    plan = demo.plan
    coordinator_row = TeamMember.objects.get(plan=plan, role="coordinator", left_at__isnull=True)
    message = Message.objects.filter(plan=plan).order_by("created_at").first()
    task = Task.objects.filter(plan=plan).first()
    # A coordinator's read, as most of a person's log is (the person's own reads are not
    # shown to them, so copying one of those would make Jonas's log look empty).
    log_row = (
        AccessLogEntry.objects.filter(person_id=demo.person.pk)
        .exclude(purpose="self")
        .order_by("pk")
        .first()
    )
    if not (message and task and log_row):
        raise RuntimeError("the demo plan has no message, task or log entry to copy")
    big = [Message, Task, AccessLogEntry]
    with transaction.atomic(), connection.cursor() as cursor:
        # A restore, not requests: no statement timeout, no foreign-key triggers (every row
        # copies a row that satisfies them), memory for sorting the index builds.
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        rebuild = [sql for model in big for sql in without_indexes(cursor, model._meta.db_table)]
        # A colleague who coordinates the country's plans (nobody the bench logs in as).
        colleague = clone(
            User, demo.coordinator.pk, 1, {"email": "'skala.koordinator@laget.test'"}, first=True
        )
        total = persons + 50
        p0 = clone(
            Person,
            demo.person.pk,
            total,
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
        q0 = clone(
            Plan, plan.pk, total, {"person_id": f"{p0} - 1 + g", "stand_in_id": "NULL"}, first=True
        )
        # Each person's consents are Jonas's (to services and organisations), so the
        # coordinators may read their plans.
        clone(
            Consent,
            f"t.person_id = {demo.person.pk} AND t.to_relative_id IS NULL",
            total,
            {"person_id": f"{p0} - 1 + g"},
        )
        # Plans 1..persons are the colleague's; the last 50 are Ahmed's.
        clone(
            TeamMember,
            coordinator_row.pk,
            total,
            {
                "plan_id": f"{q0} - 1 + g",
                "user_id": (
                    f"CASE WHEN g > {persons} THEN {demo.coordinator.pk} ELSE {colleague} END"
                ),
            },
        )
        # 100 messages per plan, Ahmed's fifty included (his inbox's work), the newest now,
        # all newer than the demo's.
        clone(
            Message,
            message.pk,
            total * 100,
            {
                "plan_id": f"{q0} + (g - 1) % {total}",
                "author_id": str(colleague),
                "reply_to_id": "NULL",
                "corrects_id": "NULL",
                "created_at": "now() - (g * interval '40 milliseconds')",
            },
        )
        # 20 tasks per plan, Ahmed's fifty included (some overdue: his dashboard's work).
        clone(
            Task,
            task.pk,
            total * 20,
            {
                "plan_id": f"{q0} + (g - 1) % {total}",
                "assignee_user_id": (
                    f"CASE WHEN (g - 1) % {total} >= {persons} THEN {demo.coordinator.pk}"
                    f" ELSE {colleague} END"
                ),
                "assignee_service_id": "NULL",
                "created_by_id": str(colleague),
                "due": "current_date + ((g % 60) - 20)",
            },
        )
        # 500 access-log entries per person, interleaved in time as reads are; entry g is
        # number (g - 1) / persons + 1 in its person's chain, after entry g - persons.
        digest = "encode(sha256(convert_to({}, 'UTF8')), 'hex')".format
        scale_before = digest(f"'scale:' || (g - {persons})")
        head_last = digest(f"'scale:' || ({persons} * 499 + i + 1)")
        head_before = digest(f"'scale:' || ({persons} * 498 + i + 1)")
        clone(
            AccessLogEntry,
            log_row.pk,
            persons * 500,
            {
                "person_id": f"{p0} + (g - 1) % {persons}",
                "chain": f"'access:' || ({p0} + (g - 1) % {persons})",
                "seq": f"(g - 1) / {persons} + 1",
                "prev_hash": (f"CASE WHEN g <= {persons} THEN '{GENESIS}' ELSE {scale_before} END"),
                "entry_hash": digest("'scale:' || g"),
                "at": "now() - (g * interval '100 milliseconds')",
            },
        )
        cursor.execute(
            f"""INSERT INTO {AuditChain._meta.db_table} (name, last_hash, length, before_last_hash)
            SELECT 'access:' || ({p0} + i), {head_last},
                   500, {head_before}
            FROM generate_series(0, {persons - 1}) i"""  # noqa: S608
        )
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
                    f"CASE WHEN g = 1 THEN '{head.last_hash}' ELSE {digest(jonas_before)} END"
                ),
                "entry_hash": digest("'jonas:' || g"),
                "at": "now() - ((50001 - g) * interval '1 second')",
            },
        )
        cursor.execute("SELECT " + digest("'jonas:' || 50000") + ", " + digest("'jonas:' || 49999"))
        last_hash, before_last = cursor.fetchone()
        AuditChain.objects.filter(pk=head.pk).update(
            length=head.length + 50_000, last_hash=last_hash, before_last_hash=before_last
        )
        for sql in rebuild:
            cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("VACUUM ANALYZE")


if __name__ == "__main__":
    main()
