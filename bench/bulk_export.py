"""The FHIR bulk export ($export, NDJSON) of 10,000 plans, against a floor.

Builds one municipality with N plans (each with a person, two goals, two measures and a
task) in a throwaway database, then measures side by side in one run:

- the export as the job runs it (interop.tasks.export_run: the selector in batches with a
  fixed number of queries each, one access-log entry per person, FHIR dicts, NDJSON files):
  time, peak Python memory (tracemalloc), plans and resources per second, queries;
- a floor: the same tables read with plain .values() queries and written as NDJSON lines,
  no FHIR mapping and no access log.

    .venv/bin/python bench/bulk_export.py               # 10,000 plans on SQLite
    .venv/bin/python bench/bulk_export.py --plans 2000  # quicker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bulk_export.py

The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("LAGET_VAR_DIR", tempfile.mkdtemp(prefix="laget-bench-"))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laget.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="laget-bench-media-"))
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        figures = measure(args.plans)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(json.dumps(figures))


def build(n: int):  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from laget.accounts.models import User
    from laget.accounts.totp import ensure_totp
    from laget.directory.models import Membership, Organisation, Profession, Professional, Service
    from laget.plans.demo import synthetic_national_id
    from laget.plans.models import Goal, Measure, Person, Plan, Task

    kommune = Organisation.objects.create(
        name="Benchvik kommune", kind="municipality", org_number="952601814"
    )
    service = Service.objects.create(
        organisation=kommune,
        name="Psykisk helse Benchvik",
        slug="ph-benchvik",
        level="municipal",
        sector="health",
    )
    profession = Profession.objects.create(code="bench", name_nb="Leder", name_en="Leader")
    leader = User.objects.create_user("leder@bench.invalid", kind=User.Kind.PROFESSIONAL)
    ensure_totp(leader, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    pro = Professional.objects.create(user=leader, profession=profession)
    Membership.objects.create(
        professional=pro, service=service, role=Membership.Role.LEADER, position_percent=100
    )
    born = dt.date(1980, 1, 1)
    persons = Person.objects.bulk_create(
        [
            Person(
                first_name=f"Test{i}",
                last_name="Benchesen",
                birth_date=born + dt.timedelta(days=i % 9000),
                national_id=None,
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    _ = synthetic_national_id
    plans = Plan.objects.bulk_create(
        [Plan(person=p, owner=kommune, status="active") for p in persons], batch_size=1000
    )
    goals = Goal.objects.bulk_create(
        [
            Goal(plan=p, text=f"Mål {k} for plan {p.pk}", life_area="housing", created_by=leader)
            for p in plans
            for k in range(2)
        ],
        batch_size=2000,
    )
    Measure.objects.bulk_create(
        [
            Measure(
                plan_id=g.plan_id, goal=g, title="Bolig med oppfølging", responsible_service=service
            )
            for g in goals
        ],
        batch_size=2000,
    )
    due = timezone.localdate() + dt.timedelta(days=7)
    Task.objects.bulk_create(
        [
            Task(plan=p, title="Søke bolig", due=due, assignee_service=service, created_by=leader)
            for p in plans
        ],
        batch_size=2000,
    )
    return kommune, leader


def measure(n: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from laget.interop import services
    from laget.interop.tasks import export_run
    from laget.plans.models import Goal, Measure, Person, Plan, Task

    kommune, leader = build(n)

    # The floor: the same rows, plain values(), NDJSON, no mapping, no log.
    folder = Path(tempfile.mkdtemp(prefix="laget-floor-"))
    started = time.perf_counter()
    rows = 0
    with (folder / "all.ndjson").open("w") as out:
        for model, filt in [
            (Person, {"plans__owner": kommune}),
            (Plan, {"owner": kommune}),
            (Goal, {"plan__owner": kommune}),
            (Measure, {"plan__owner": kommune}),
            (Task, {"plan__owner": kommune}),
        ]:
            for row in model.objects.filter(**filt).values().iterator(chunk_size=2000):
                out.write(json.dumps(row, default=str) + "\n")
                rows += 1
    floor_s = time.perf_counter() - started

    job = services.export_start(actor=leader, organisation=kommune)
    tracemalloc.start()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        job = export_run(job_id=job.pk)
    export_s = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    resources = sum(item["count"] for item in job.output)
    size = sum(p.stat().st_size for p in services.export_dir(job).iterdir())
    figures = {
        "plans": n,
        "resources": resources,
        "export_s": round(export_s, 2),
        "floor_s": round(floor_s, 2),
        "export_floor_ratio": round(export_s / floor_s, 2),
        "plans_per_s": round(n / export_s),
        "resources_per_s": round(resources / export_s),
        "floor_rows_per_s": round(rows / floor_s),
        "peak_python_mb": round(peak / 2**20, 1),
        "queries": len(queries.captured_queries),
        "ndjson_mb": round(size / 2**20, 1),
        "database": connection.vendor,
    }
    print(
        f"{connection.vendor}: {n} plans, {resources} resources in {export_s:.2f} s "
        f"({figures['plans_per_s']} plans/s, {figures['resources_per_s']} resources/s), "
        f"peak {figures['peak_python_mb']} MB, {figures['queries']} queries | floor "
        f"{floor_s:.2f} s ({rows} rows, {figures['floor_rows_per_s']} rows/s) | ratio "
        f"{figures['export_floor_ratio']}"
    )
    return figures


if __name__ == "__main__":
    main()
