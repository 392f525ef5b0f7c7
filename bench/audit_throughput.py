"""Audited reads per second from 1 and from 8 concurrent connections on PostgreSQL.

Every read of personal data appends one access-log entry. With one chain for the whole
installation every append waits for the one before it, whatever the number of servers; with
one chain per person only reads of the same person take turns. This measures, side by side in
one run, in a throwaway database:

- `spread`: each connection logs reads of its own stream of persons (the normal case);
- `one_person`: every connection logs reads of the same person (every append in one chain,
  which is how every read behaved when the log had a single chain);
- how busy the machine's CPU was meanwhile, and from that the most 8 connections could give
  over 1 on this machine (`cpu_bound_8_vs_1`): one connection keeps a Python process and a
  PostgreSQL backend busy in turns, so on 2 cores it is about 2 however the log is built.

Each connection is its own process (no shared interpreter lock), writes through
`audit.services.access_log_write` outside any transaction (as a page does), for a fixed time.
Afterwards every chain is verified. Only the access-log API is used, so the same script runs
against an older checkout for a before/after figure.

    .venv/bin/python bench/audit_throughput.py [--seconds 5]

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def _setup(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laget.settings")
    import django

    django.setup()


def _worker(url: str, worker: int, spread: bool, seconds: float, start, out) -> None:
    _setup(url)
    from laget.audit.services import access_log_write

    n, person = 0, 1
    start.wait()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        person = (worker * 1_000_003 + n) if spread else 1
        access_log_write(
            actor=None,
            actor_name="Benk Benksen",
            actor_role="sykepleier",
            actor_service="Benkvik DPS",
            person_id=person,
            category="plan",
            purpose="care",
        )
        n += 1
    out.put(n)


def machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of the whole machine so far, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def measure(url: str, connections: int, spread: bool, seconds: float) -> float:
    return measure_with_cpu(url, connections, spread, seconds)[0]


def measure_with_cpu(
    url: str, connections: int, spread: bool, seconds: float
) -> tuple[float, float]:
    """(audited reads per second, the share of the machine's CPU busy meanwhile). The busy
    share tells a lock from a machine at its limit: reads that wait on a lock leave cores
    idle, reads bound by CPU do not."""
    ctx = mp.get_context("spawn")
    start, out = ctx.Barrier(connections + 1), ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(url, i, spread, seconds, start, out))
        for i in range(connections)
    ]
    for proc in procs:
        proc.start()
    start.wait()
    busy_before, total_before = machine_ticks()
    total = sum(out.get() for _ in procs)
    busy_after, total_after = machine_ticks()
    for proc in procs:
        proc.join()
    busy = (busy_after - busy_before) / max(1, total_after - total_before)
    return total / seconds, busy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    import psycopg

    name = f"laget_bench_audit_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(BASE_URL, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = BASE_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        _setup(url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        results: dict[str, dict[str, float]] = {}
        busy: dict[str, dict[str, float]] = {}
        for case, spread in (("spread", True), ("one_person", False)):
            results[case], busy[case] = {}, {}
            for connections in (1, 8):
                per_s, share = measure_with_cpu(url, connections, spread, args.seconds)
                results[case][str(connections)] = round(per_s, 1)
                busy[case][str(connections)] = round(share, 3)
                print(
                    f"{case:>10}, {connections} connection(s): {per_s:8.1f} audited reads/s,"
                    f" machine CPU {share:6.1%} busy"
                )
        from django.db import connections as dbs

        from laget.audit.verify import verify_all

        reports = verify_all()
        reports = reports[0] if isinstance(reports, tuple) else reports
        intact = all(r.intact for r in reports)
        print(f"verified after: {'intact' if intact else 'BROKEN'}")
        dbs.close_all()
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    summary = {
        "audited_reads_per_s": results["spread"],
        "audited_reads_8_vs_1": round(results["spread"]["8"] / results["spread"]["1"], 2),
        "one_person_8_vs_1": round(results["one_person"]["8"] / results["one_person"]["1"], 2),
        "one_person": results["one_person"],
        "chains_verified": intact,
        # What the machine allows: one connection keeps this share of all cores busy, so
        # more connections can at most fill the rest (1 / share), lock or no lock.
        "cores": os.cpu_count(),
        "cpu_busy": busy,
        "cpu_bound_8_vs_1": round(1 / max(busy["spread"]["1"], 1e-3), 2),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
