"""Pages at national scale against the same pages on the demo database, side by side.

Makes its own database on the PostgreSQL server of BENCH_POSTGRES_URL (default the local
one), loads the Fjordvik demo and measures each page and API call (in-process, the whole
middleware stack, median of `--rounds`) with its query count. Then it adds a country around
the demo, in SQL, copying demo rows as templates:

- `--persons N` persons (default 10,000), each with an active plan and a coordinator;
- 100 messages and 20 tasks per plan (1 M and 200,000 at the default), all newer than the
  demo's messages, so Jonas's plan is the worst case of "a plan whose messages are the
  oldest";
- 500 access-log entries per person (5 M at the default), and 50,000 for Jonas (the worst
  case of a person's own log);
- 50 more plans coordinated by Ahmed Rahimi (the worst case of a coordinator's dashboard);

analyses the tables and measures the same pages again. Ratios are large/small: a page whose
cost does not grow with the country stays near 1.

    .venv/bin/python bench/scale.py [--persons 10000] [--rounds 15]

The database is dropped at the end. The last line is one JSON object:
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

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    import psycopg

    name = f"laget_bench_scale_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(BASE_URL, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = BASE_URL.rsplit("/", 1)[0] + f"/{name}"
    os.environ["LAGET_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laget.settings")
    sys.path.insert(0, str(ROOT))
    try:
        result = run(args.persons, args.rounds)
    finally:
        from django.db import connections

        connections.close_all()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(json.dumps(result))


def run(persons: int, rounds: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    demo = Demo()
    small = measure(demo, rounds)
    started = time.perf_counter()
    build(demo, persons)
    build_s = time.perf_counter() - started
    print(f"built {persons} persons in {build_s:.0f} s")
    large = measure(demo, rounds)
    pages = {}
    for page, (small_ms, _) in small.items():
        large_ms, queries = large[page]
        pages[page] = {
            "small_ms": round(small_ms, 2),
            "large_ms": round(large_ms, 2),
            "ratio": round(large_ms / small_ms, 2),
            "queries": queries,
        }
        print(
            f"{page:>22}: {small_ms:7.2f} ms demo, {large_ms:7.2f} ms at scale,"
            f" ratio {large_ms / small_ms:5.2f}, {queries} queries"
        )
    return {"persons": persons, "build_s": round(build_s, 1), "pages": pages}


class Demo:
    """The demo rows the bench measures with and copies as templates."""

    def __init__(self) -> None:
        from laget.accounts.models import User
        from laget.plans.models import Plan

        self.coordinator = User.objects.get(email="ahmed.rahimi@fjordvik-kommune.test")
        self.person_user = User.objects.get(email="jonas.eriksen@person.test")
        self.plan = Plan.objects.select_related("person").get(person__user=self.person_user)
        self.person = self.plan.person


def measure(demo: Demo, rounds: int) -> dict[str, tuple[float, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    coordinator, person = Client(), Client()
    coordinator.force_login(demo.coordinator)
    person.force_login(demo.person_user)
    plan = demo.plan.pk
    pages = {
        "plan_page": (coordinator, f"/planer/{plan}/"),
        "message_page_oldest": (coordinator, f"/planer/{plan}/meldinger/"),
        "plan_api": (coordinator, f"/api/v1/plans/{plan}"),
        "messages_api_oldest": (coordinator, f"/api/v1/plans/{plan}/messages"),
        "plans_list_50_plans": (coordinator, "/planer/"),
        "dashboard_50_plans": (coordinator, "/dashbord/"),
        "my_tasks_50_plans": (coordinator, "/oppgaver/"),
        "inbox_50_plans": (coordinator, "/innboks/"),
        "person_front_page": (person, "/"),
        "person_plan_page": (person, f"/planer/{plan}/"),
        "person_log_50000": (person, "/min-plan/logg/"),
    }
    results = {}
    for page, (client, url) in pages.items():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{page}: {url} answered {response.status_code}")
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        results[page] = (statistics.median(times), len(queries))
    return results


def clone(model, template_id: int, n: int, overrides: dict[str, str]) -> int:  # type: ignore[no-untyped-def]
    """Insert n copies of one row, in the order of g = 1..n, each column the template's
    unless `overrides` gives an SQL expression (of g and the template t) for it. Returns the
    first new id (one INSERT on an idle database takes consecutive ids)."""
    from django.db import connection

    qn = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk.column
    columns = [f.column for f in model._meta.concrete_fields if f.column != pk]
    values = [overrides.get(c, f"t.{qn(c)}") for c in columns]
    sql = f"""
        WITH added AS (
            INSERT INTO {qn(table)} ({", ".join(qn(c) for c in columns)})
            SELECT {", ".join(values)} FROM {qn(table)} t, generate_series(1, {int(n)}) g
            WHERE t.{qn(pk)} = {int(template_id)} ORDER BY g
            RETURNING {qn(pk)}
        ) SELECT min({qn(pk)}), max({qn(pk)}) FROM added
    """  # noqa: S608 (names from the models, numbers from this script)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        first, last = cursor.fetchone()
    if last - first + 1 != n:
        raise RuntimeError(f"{table}: ids are not consecutive")
    return first


def build(demo: Demo, persons: int) -> None:
    from django.db import connection, transaction

    from laget.accounts.models import User
    from laget.audit.models import AccessLogEntry, AuditChain
    from laget.plans.models import Message, Person, Plan, Task, TeamMember

    plan = demo.plan
    coordinator_row = TeamMember.objects.get(plan=plan, role="coordinator", left_at__isnull=True)
    message = Message.objects.filter(plan=plan).order_by("created_at").first()
    task = Task.objects.filter(plan=plan).first()
    log_row = AccessLogEntry.objects.filter(person_id=demo.person.pk).order_by("pk").first()
    if not (message and task and log_row):
        raise RuntimeError("the demo plan has no message, task or log entry to copy")
    with transaction.atomic():
        with connection.cursor() as cursor:  # the app's statement timeout is for requests
            cursor.execute("SET LOCAL statement_timeout = 0")
        # A colleague who coordinates the country's plans (nobody the bench logs in as).
        colleague = clone(User, demo.coordinator.pk, 1, {"email": "'skala.koordinator@laget.test'"})
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
        )
        q0 = clone(Plan, plan.pk, total, {"person_id": f"{p0} - 1 + g", "stand_in_id": "NULL"})
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
        # 100 messages per plan, the newest now, all newer than the demo's.
        clone(
            Message,
            message.pk,
            persons * 100,
            {
                "plan_id": f"{q0} + (g - 1) % {persons}",
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
        # 500 access-log entries per person (each person's chain), 50,000 for Jonas.
        clone(
            AccessLogEntry,
            log_row.pk,
            persons * 500,
            {
                "person_id": f"{p0} + (g - 1) % {persons}",
                "chain": f"'access:' || ({p0} + (g - 1) % {persons})",
                "seq": f"(g - 1) / {persons} + 1",
                "at": "now() - (g * interval '100 milliseconds')",
            },
        )
        head = AuditChain.objects.get(name=f"access:{demo.person.pk}")
        clone(
            AccessLogEntry,
            log_row.pk,
            50_000,
            {"seq": f"{head.length} + g", "at": "now() - (g * interval '1 second')"},
        )
        # The bench does not verify the copied entries (their hashes are the template's);
        # the head moves on so new reads of Jonas's plan append after them.
        AuditChain.objects.filter(pk=head.pk).update(length=head.length + 50_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


if __name__ == "__main__":
    main()
