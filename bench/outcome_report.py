"""The service report for outcome ratings at scale: 50,000 ratings from 5,000 persons in
one service (six outcome and four alliance ratings each; one in twenty stops after the
first outcome session), in a throwaway SQLite database.

Prints, measured side by side in one run (each round runs every variant in turn, so a busy
machine slows them alike; medians):
- `report`: what the report page, CSV and XLSX run after the access checks: the one query
  (grouped per person × instrument in the database: sessions, first and last total), then
  laget.outcomes.stats (reliable change, recovery, effect size, dropout, suppression);
- `report_after_query`: the same from the query's rows already fetched;
- `per_rating` and `per_rating_after_query`: the earlier way (one row per rating handed to
  Python, grouped there with a lexsort), for the before/after pair;
- `numpy`: a bare NumPy computation of the same figures from ready-made arrays (lexsort,
  boundaries, bincount); the ratios are against it (target <= 3);
- `numpy_from_database`: the same bare NumPy computation with its 50,000 rows fetched from
  the same table by a raw cursor (no ORM): the floor of any report that reads the ratings
  from the database, and `report_vs_numpy_from_database` the report's ratio to it;
- the peak memory of one report (tracemalloc, which sees NumPy's buffers).

    .venv/bin/python bench/outcome_report.py           # 21 rounds
    .venv/bin/python bench/outcome_report.py --quick   # 5 rounds

The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LAGET_VAR_DIR", tempfile.mkdtemp(prefix="laget-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laget.settings")
os.environ.pop("DATABASE_URL", None)  # SQLite: the ratings' plans are not created (see fill)

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import FloatField  # noqa: E402
from django.db.models.functions import Cast  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from laget.outcomes.instruments import INSTRUMENTS  # noqa: E402
from laget.outcomes.stats import columns_from_rows, service_figures  # noqa: E402

PERSONS = 5_000
OUTCOME_SESSIONS, ALLIANCE_SESSIONS = 6, 4


def synthetic_rows(seed: int = 17) -> list[tuple]:
    rng = np.random.default_rng(seed)
    rows: list[tuple] = []
    intake = np.clip(rng.normal(19, 6, PERSONS), 0, 40)
    gain = rng.normal(5, 6, PERSONS)
    for p in range(PERSONS):
        sessions = OUTCOME_SESSIONS if p % 20 else 1
        for s in range(1, OUTCOME_SESSIONS + 1):
            if s > sessions:  # the dropout's outcome sessions become alliance ratings
                continue
            total = float(np.clip(intake[p] + gain[p] * (s - 1) / 5 + rng.normal(0, 2), 0, 40))
            rows.append((1000 + p, "outcome", s, round(total, 1)))
        for s in range(1, ALLIANCE_SESSIONS + 1 + (OUTCOME_SESSIONS - sessions)):
            total = float(np.clip(rng.normal(36, 3), 0, 40))
            rows.append((1000 + p, "alliance", s, round(total, 1)))
    return rows


def arrays(rows: list[tuple]) -> tuple[np.ndarray, ...]:
    """Ready-made arrays for the reference (not timed)."""
    person = np.array([r[0] for r in rows], dtype=np.int64)
    instrument = np.array([0 if r[1] == "alliance" else 1 for r in rows], dtype=np.int64)
    order = np.array([r[2] for r in rows], dtype=np.int64)
    total = np.array([r[3] for r in rows], dtype=np.float64)
    return person, instrument, order, total


def reference(person, instrument, order, total) -> dict[int, tuple]:  # type: ignore[no-untyped-def]
    """The same figures per instrument (0 alliance, 1 outcome), bare NumPy."""
    sign = np.array([1.0, 1.0])
    cutoff = np.array([36.0, 25.0])
    rc = np.array([5.0, 5.0])
    idx = np.lexsort((order, person, instrument))
    p, i = person[idx], instrument[idx]
    start = np.flatnonzero(np.r_[True, (p[1:] != p[:-1]) | (i[1:] != i[:-1])])
    end = np.r_[start[1:], len(idx)] - 1
    first, last, count, ins = total[idx[start]], total[idx[end]], end - start + 1, i[start]
    done = count >= 2
    better = np.where(done, np.round(sign[ins] * (last - first), 6), 0.0)
    up = done & (better >= rc[ins])
    down = done & (-better >= rc[ins])
    inside_first, inside_last = first < cutoff[ins], last < cutoff[ins]
    recovered = up & inside_first & ~inside_last
    out = {}
    for k in (0, 1):
        m = ins == k
        n = m.sum()
        d = m & done
        sd = np.std(first[d], ddof=1)
        out[k] = (
            int(n),
            100.0 * up[m].sum() / n,
            100.0 * down[m].sum() / n,
            100.0 * recovered[m].sum() / n,
            float(better[d].mean() / sd),
            100.0 * (m & ~done).sum() / n,
        )
    return out


def interleaved_medians(fns, rounds: int) -> list[float]:  # type: ignore[no-untyped-def]
    """Median seconds of each function, run in turn each round, so a busy machine slows
    them alike (the ratio is what counts)."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for slot, fn in zip(times, fns, strict=True):
            start = time.perf_counter()
            fn()
            slot.append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def fill(rows: list[tuple]):  # type: ignore[no-untyped-def]
    """The ratings in the database. The 5,000 plans themselves are not needed by the
    report's query, so the foreign-key checks are off while the ratings go in (SQLite)."""
    from laget.directory.models import Organisation, Service
    from laget.outcomes.models import Rating

    organisation = Organisation.objects.create(
        org_number="952601814", name="Benchvik kommune", kind="municipality"
    )
    service = Service.objects.create(
        organisation=organisation, name="DPS", slug="dps", level="specialist", sector="health"
    )
    day = dt.date(2026, 1, 1)
    with connection.constraint_checks_disabled():
        Rating.objects.bulk_create(
            (
                Rating(
                    plan_id=person,
                    service=service,
                    instrument=instrument,
                    session=session,
                    date=day + dt.timedelta(days=7 * session),
                    answers={},
                    total=total,
                    client_key=uuid.uuid4(),
                )
                for person, instrument, session, total in rows
            ),
            batch_size=5000,
        )
    return service


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run() -> None:
    from laget.outcomes.models import Rating
    from laget.outcomes.selectors import grouped_ratings, report_from_groups

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rounds = 5 if args.quick else 21
    rows = synthetic_rows()
    assert len(rows) == PERSONS * (OUTCOME_SESSIONS + ALLIANCE_SESSIONS), len(rows)
    person, instrument, order, total = arrays(rows)
    assert set(INSTRUMENTS["alliance"].items) and INSTRUMENTS["outcome"].cutoff == 25
    service = fill(rows)

    def per_rating_query() -> list[tuple]:
        return list(
            Rating.objects.filter(service=service, rater=Rating.Rater.PERSON)
            .annotate(total_f=Cast("total", FloatField()))
            .values_list("plan_id", "instrument", "session", "total_f")
        )

    def report() -> list[dict]:
        return report_from_groups(service, grouped_ratings(service)).rows

    groups = list(grouped_ratings(service))
    per_rating_rows = per_rating_query()
    assert len(groups) == 2 * PERSONS and len(per_rating_rows) == len(rows)

    # Every variant agrees with the reference on every figure before anything is timed.
    ref = reference(person, instrument, order, total)
    for label, result in (
        ("report", report()),
        ("per_rating", service_figures(columns_from_rows(per_rating_rows, "DPS"))),
    ):
        ours = {r["instrument"]: r for r in result}
        for k, key in ((0, "alliance"), (1, "outcome")):
            r = ours[key]
            got = (r["n"], r["improved_pct"], r["deteriorated_pct"], r["recovered_pct"],
                   r["effect_size"], r["dropout_pct"])  # fmt: skip
            assert all(abs(a - b) < 1e-9 for a, b in zip(got, ref[k], strict=True)), (
                label, key, got, ref[k],
            )  # fmt: skip

    table = Rating._meta.db_table

    def numpy_from_database() -> dict[int, tuple]:
        # Raw cursor, no ORM: the rows into arrays, then the bare computation.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT plan_id, instrument, session, total FROM {table} "  # noqa: S608
                "WHERE service_id = %s AND rater = %s",
                [service.pk, Rating.Rater.PERSON],
            )
            fetched = cursor.fetchall()
        return reference(
            np.fromiter((r[0] for r in fetched), dtype=np.int64, count=len(fetched)),
            np.fromiter((r[1] != "alliance" for r in fetched), dtype=np.int64, count=len(fetched)),
            np.fromiter((r[2] for r in fetched), dtype=np.int64, count=len(fetched)),
            np.fromiter((float(r[3]) for r in fetched), dtype=np.float64, count=len(fetched)),
        )

    assert numpy_from_database() == ref

    names = [
        "report",
        "report_after_query",
        "per_rating",
        "per_rating_after_query",
        "numpy_from_database",
        "numpy",
    ]
    medians = dict(
        zip(
            names,
            interleaved_medians(
                [
                    report,
                    lambda: report_from_groups(service, groups),
                    lambda: service_figures(columns_from_rows(per_rating_query(), "DPS")),
                    lambda: service_figures(columns_from_rows(per_rating_rows, "DPS")),
                    numpy_from_database,
                    lambda: reference(person, instrument, order, total),
                ],
                rounds,
            ),
            strict=True,
        )
    )
    tracemalloc.start()
    report()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    bare = medians["numpy"]
    figures: dict = {"ratings": len(rows), "persons": PERSONS, "rounds": rounds}
    figures |= {f"{k}_s": round(v, 4) for k, v in medians.items()}
    figures |= {f"{k}_ratio": round(v / bare, 2) for k, v in medians.items() if k != "numpy"}
    figures["report_vs_numpy_from_database"] = round(
        medians["report"] / medians["numpy_from_database"], 2
    )
    figures["peak_mb"] = round(peak / 1e6, 1)
    for k in names[:-1]:
        print(f"{k:24} {medians[k] * 1000:8.1f} ms   {medians[k] / bare:5.2f} x bare NumPy")
    print(
        f"{'numpy (bare)':24} {bare * 1000:8.1f} ms   "
        f"peak {peak / 1e6:.1f} MB, {len(rows):,} ratings"
    )
    print(
        f"{'report':24} {figures['report_vs_numpy_from_database']:5.2f} x bare NumPy reading "
        "the same rows from the database"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
