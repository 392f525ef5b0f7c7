"""Catalogue search: time and queries with 100, 1,000 and 10,000 services, side by side.

Runs in a throwaway SQLite database (or the one DATABASE_URL names, in a fresh test
database). Prints the median time per request for each size and the ratios between them. Every size
fills a whole page of results, so the ratios show what the catalogue's growth costs: the
number of queries stays the same; the keyword search scans the matching rows (LIKE), which
is what grows.

    .venv/bin/python bench/catalogue_queries.py
"""

from __future__ import annotations

import itertools
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

REQUESTS = 40


def fill(n: int) -> None:
    from laget.directory.models import CatalogueEntry, Organisation, Service

    CatalogueEntry.objects.all().delete()
    Service.objects.all().delete()
    organisation, _ = Organisation.objects.get_or_create(
        org_number="952601814", defaults={"name": "Benchvik kommune", "kind": "municipality"}
    )
    services = Service.objects.bulk_create(
        Service(
            organisation=organisation,
            name=f"Tjeneste {i}",
            slug=f"tjeneste-{i}",
            level="municipal",
            sector="health",
        )
        for i in range(n)
    )
    CatalogueEntry.objects.bulk_create(
        CatalogueEntry(service=s, summary="Hjelp med bolig og helse", offer="Samtaler")
        for s in services
    )


def measure(client: Client, url: str) -> tuple[float, int]:
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), len(queries)


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        client = Client()
        url = "/tjenester/?q=bolig"
        results = {}
        sizes = (100, 1000, 10000)
        fill(sizes[0])
        measure(client, url)  # warm up: templates, translations, the database's caches
        for n in sizes:
            fill(n)
            results[n] = measure(client, url)
        # Measure the smallest catalogue again after the largest, so drift shows up.
        fill(sizes[0])
        again = measure(client, url)
        print(f"database: {connection.vendor}, {REQUESTS} requests per size, GET {url}")
        for n, (median, queries) in results.items():
            print(f"{n:>6} services: {median * 1000:7.2f} ms median, {queries} queries")
        print(f"{sizes[0]:>6} (again):  {again[0] * 1000:7.2f} ms median, {again[1]} queries")
        for small, large in itertools.pairwise(sizes):
            ratio = results[large][0] / results[small][0]
            print(f"ratio {large}/{small}: {ratio:.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
