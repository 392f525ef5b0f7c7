"""The leaders' quality page (all indicators, 12 months) as the network grows: the hand-
built test network (tests/data.py) alone, then with `--persons` more persons (default
100,000), each with a plan, a goal, a task, two ratings, a meeting with attendance and a
service episode. Side by side: median time and query count per size, and the ratio.

Runs in a fresh test database: SQLite, or the PostgreSQL one DATABASE_URL names.

    .venv/bin/python bench/quality_indicators.py [--persons 100000] [--rounds 5]

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LAGET_VAR_DIR", tempfile.mkdtemp(prefix="laget-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laget.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402


def measure(client: Client, url: str, rounds: int) -> tuple[float, int]:
    client.get(url)  # warm: templates, translations, the session's renewal
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from laget.quality.tests.data import build, fill, grow

        w = build()
        fill(w)
        client = Client()
        client.force_login(w.leader)
        url = reverse("quality:overview", kwargs={"slug": w.network.slug})
        small = measure(client, url, args.rounds)
        start = time.perf_counter()
        left = args.persons
        while left > 0:
            grow(w, min(left, 10_000))
            left -= 10_000
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        build_s = time.perf_counter() - start
        large = measure(client, url, args.rounds)
        again = measure(client, url, args.rounds)
        ratio = large[0] / small[0]
        print(f"database: {connection.vendor}; GET {url}, median of {args.rounds}")
        print(f"{6:>7} persons: {small[0] * 1000:8.1f} ms, {small[1]} queries")
        print(f"{args.persons + 6:>7} persons: {large[0] * 1000:8.1f} ms, {large[1]} queries")
        print(f"{args.persons + 6:>7} (again): {again[0] * 1000:8.1f} ms, {again[1]} queries")
        print(f"ratio large/small: {ratio:.1f} (build {build_s:.0f} s)")
        print(
            json.dumps(
                {
                    "database": connection.vendor,
                    "persons": args.persons,
                    "small_ms": round(small[0] * 1000, 1),
                    "large_ms": round(large[0] * 1000, 1),
                    "again_ms": round(again[0] * 1000, 1),
                    "ratio": round(ratio, 1),
                    "queries_small": small[1],
                    "queries_large": large[1],
                    "build_s": round(build_s),
                }
            )
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
