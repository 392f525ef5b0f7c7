"""The leaders' quality pages as the network grows: the overview (all indicators, 12
months) and one indicator's trend (with its age groups), on the hand-built test network
(tests/data.py, 6 persons) and with `--persons` more persons (default 100,000), each with
a plan, a goal, a task, two ratings, a meeting with attendance and a service episode.

Side by side in one run: median time and query count per size, and the ratio, for
- kept: the nightly refresh has run and the current month was counted a moment ago (what
  a leader nearly always meets; quality.figures);
- cold: the current month is no longer kept, so it is counted live (once per 10 minutes
  per network and service);
and the time the refresh takes at the large size (the first one, three years of months,
and a nightly one, the last three closed months).

`--before DIR` runs the same measurement, in a child process, on another checkout of
Laget (e.g. `git archive c61d76c | tar -x -C /tmp/q-base`), where every page counts live.

Runs in a fresh test database: SQLite, or the PostgreSQL one DATABASE_URL names.

    .venv/bin/python bench/quality_indicators.py [--persons 100000] [--rounds 5]
        [--before /tmp/q-base --before-rounds 1]

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--persons", type=int, default=100_000)
parser.add_argument("--rounds", type=int, default=5)
parser.add_argument("--before", help="another checkout to measure the same way, first")
parser.add_argument("--before-rounds", type=int, default=1)
parser.add_argument("--code", help=argparse.SUPPRESS)  # the checkout to import (child)
args = parser.parse_args()

sys.path.insert(0, str(Path(args.code or Path(__file__).resolve().parent.parent).resolve()))
os.environ.setdefault("LAGET_VAR_DIR", tempfile.mkdtemp(prefix="laget-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laget.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

try:
    from laget.quality import figures
    from laget.quality.models import MonthlyFigure
except ImportError:  # the code before the monthly figures: every page counts live
    figures = None  # type: ignore[assignment]

Measure = tuple[float, int]


def measure(
    client: Client, url: str, rounds: int, before_each: Callable[[], None] | None = None
) -> Measure:
    """Median seconds and the queries of one request (after one warm request)."""
    client.get(url)  # warm: templates, translations, the session's renewal, the kept month
    times, queries = [], 0
    for _ in range(rounds):
        if before_each:
            before_each()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


def expire_current_month() -> None:
    from laget.core.months import last_months

    MonthlyFigure.objects.filter(month=last_months(1)[0]).delete()


def progress(what: object) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {what}", file=sys.stderr, flush=True)


def pages(client: Client, urls: dict[str, str], rounds: int) -> dict[str, Measure]:
    out = {name: measure(client, url, rounds) for name, url in urls.items()}
    if figures is not None:
        for name, url in urls.items():
            out[f"{name}_cold"] = measure(client, url, rounds, expire_current_month)
    progress(out)
    return out


def run(persons: int, rounds: int) -> dict:
    from laget.quality import selectors
    from laget.quality.tests.data import build, fill, grow

    w = build()
    fill(w)
    services = selectors.network_services(w.network)
    if figures is not None:
        figures.refresh(w.network, services)
    client = Client()
    client.force_login(w.leader)
    urls = {
        "overview": reverse("quality:overview", kwargs={"slug": w.network.slug}),
        "trend": reverse(
            "quality:indicator",
            kwargs={"slug": w.network.slug, "indicator_id": "av_referral_to_decision"},
        ),
    }
    small = pages(client, urls, rounds)
    start = time.perf_counter()
    left = persons
    while left > 0:
        grow(w, min(left, 10_000))
        left -= 10_000
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    build_s = time.perf_counter() - start
    progress(f"built in {build_s:.0f} s")
    out: dict = {"build_s": round(build_s)}
    if figures is not None:
        MonthlyFigure.objects.all().delete()
        start = time.perf_counter()
        written = figures.refresh(w.network, services)
        out["refresh_first_s"] = round(time.perf_counter() - start, 1)
        progress(f"first refresh {out['refresh_first_s']} s")
        start = time.perf_counter()
        figures.refresh(w.network, services)
        out["refresh_nightly_s"] = round(time.perf_counter() - start, 1)
        out["figures_kept"] = written
    large = pages(client, urls, rounds)
    for name in small:
        (s, qs), (g, ql) = small[name], large[name]
        out[name] = {
            "small_ms": round(s * 1000, 1),
            "large_ms": round(g * 1000, 1),
            "ratio": round(g / s, 2),
            "queries_small": qs,
            "queries_large": ql,
        }
    return out


def main() -> None:
    before = None
    if args.before:
        child = subprocess.run(  # noqa: S603 (this script, another checkout)
            [
                sys.executable,
                __file__,
                "--code",
                args.before,
                "--persons",
                str(args.persons),
                "--rounds",
                str(args.before_rounds),
            ],
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        before = json.loads(child.stdout.strip().splitlines()[-1])
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        after = run(args.persons, args.rounds)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    if args.code:  # the child: its result only
        print(json.dumps(after))
        return
    print(f"database: {connection.vendor}; 6 persons vs {args.persons + 6}; median of rounds")
    if before:
        for name in ("overview", "trend"):
            m = before[name]
            print(
                f"before {name:>13}: {m['small_ms']:8.1f} ms -> {m['large_ms']:8.1f} ms "
                f"(x{m['ratio']}), {m['queries_small']} -> {m['queries_large']} queries"
            )
    for name in ("overview", "trend", "overview_cold", "trend_cold"):
        m = after[name]
        print(
            f"after  {name:>13}: {m['small_ms']:8.1f} ms -> {m['large_ms']:8.1f} ms "
            f"(x{m['ratio']}), {m['queries_small']} -> {m['queries_large']} queries"
        )
    print(
        f"refresh at {args.persons + 6} persons: first {after['refresh_first_s']} s, "
        f"nightly {after['refresh_nightly_s']} s ({after['figures_kept']} figures)"
    )
    o = after["overview"]
    summary = {
        "database": connection.vendor,
        "persons": args.persons,
        "small_ms": o["small_ms"],
        "large_ms": o["large_ms"],
        "ratio": o["ratio"],
        "queries": o["queries_large"],
        "trend_ratio": after["trend"]["ratio"],
        "cold_ratio": after["overview_cold"]["ratio"],
        "refresh_first_s": after["refresh_first_s"],
        "refresh_nightly_s": after["refresh_nightly_s"],
        "after": after,
        "before": before,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
