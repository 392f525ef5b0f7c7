"""Analysing a round in the background (django-tasks), with progress the results page
shows. The result is cached on the round and refreshed when the answers change."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, fields

import numpy as np
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils import timezone
from django_tasks import task

from laget.core.prepared import prepared
from laget.surveys import report
from laget.surveys.analysis import ITEMS, Columns, analyse_columns
from laget.surveys.models import Analysis, Rating, Response, Round
from laget.surveys.textpacks import CAPACITY, CAPACITY_AREAS, PS, PS_ITEMS, RC, score


def submitted_count(round_id: int) -> int:
    return Response.objects.filter(round_id=round_id, submitted=True).count()


def _progress(analysis: Analysis, percent: int) -> None:
    Analysis.objects.filter(pk=analysis.pk).update(progress=percent)


def compute(round_: Round, sent: int) -> dict:
    """The whole result for a round from its submitted answers (read in one query)."""
    analysis, _created = Analysis.objects.get_or_create(round=round_)
    _progress(analysis, 5)
    groups = list(round_.groups.order_by("position", "name").values_list("pk", "name"))
    names = [n for _, n in groups]
    code = {pk: i for i, (pk, _) in enumerate(groups)}
    item_index = {item: i for i, item in enumerate(ITEMS)}
    rows = Rating.objects.filter(response__round=round_, response__submitted=True).values_list(
        "response_id", "response__group_id", "instrument", "target_id", "item", "value"
    )
    respondents: dict = {}
    rc_cols: list[list] = [[], [], [], [], []]
    ps_rows, capacity_rows = [], []
    for response_id, group_id, instrument, target_id, item, value in rows.iterator(chunk_size=5000):
        person = respondents.setdefault(response_id, len(respondents))
        if instrument == RC:
            for column, v in zip(
                rc_cols,
                (person, code[group_id], code[target_id], item_index[item], score(RC, item, value)),
                strict=True,
            ):
                column.append(v)
        elif instrument == PS:
            ps_rows.append((person, names[code[group_id]], item, score(PS, item, value)))
        elif instrument == CAPACITY:
            capacity_rows.append(
                (person, names[code[group_id]], item, score(CAPACITY, item, value))
            )
    _progress(analysis, 40)
    columns = Columns(
        respondent=np.array(rc_cols[0], dtype=np.int64),
        rater=np.array(rc_cols[1], dtype=np.int64),
        target=np.array(rc_cols[2], dtype=np.int64),
        item=np.array(rc_cols[3], dtype=np.int64),
        value=np.array(rc_cols[4], dtype=float),
        groups=names,
    )
    rc = analyse_columns(columns, min_n=round_.min_n) if len(columns.value) else None
    _progress(analysis, 80)
    cells = rc["cells"] if rc else []
    previous = None
    if round_.previous is not None:
        previous = previous_cells(round_.previous)
    return {
        "groups": names,
        "min_n": round_.min_n,
        "respondents": sent,
        "rc": rc,
        "margins": report.margins(cells),
        "reciprocity": report.reciprocity(cells),
        "weakest": report.weakest(cells),
        "change": report.change(cells, previous),
        "ps": report.group_scores(ps_rows, PS_ITEMS, round_.min_n),
        "capacity": report.group_scores(capacity_rows, CAPACITY_AREAS, round_.min_n),
    }


def previous_cells(round_: Round) -> list[dict] | None:
    """The previous round's cells, analysed now if they were never cached."""
    result = fresh_result(round_)
    return result["rc"]["cells"] if result and result.get("rc") else None


def fresh_result(round_: Round) -> dict | None:
    analysis = Analysis.objects.filter(round=round_).first()
    if (
        analysis
        and analysis.result is not None
        and analysis.answers_seen == submitted_count(round_.pk)
    ):
        return analysis.result
    analyse_round.call(round_.pk)
    analysis = Analysis.objects.get(round=round_)
    return analysis.result


@dataclass(frozen=True)
class AnalysisFigures:
    """A round's analysis without its result, and the few figures read out of it."""

    pk: int
    answers_seen: int
    progress: int
    finished_at: dt.datetime | None
    queued_for: int | None
    queued_at: dt.datetime | None
    has_result: bool
    respondents: int | None
    within: float | None  # the within-group mean
    between: float | None  # the between-group mean
    rc_min_n: int | None  # None when the ties were not analysed (no answers about them)


def light_analysis(round_: Round) -> AnalysisFigures | None:
    """The round's analysis without its result (up to a hundred kB of JSON to decode),
    with the few figures pages show beside it taken out of it by the database."""
    # Compiled once per process (core.prepared): the JSON paths cost more to compile than
    # the statement takes to run.
    found = prepared(
        "surveys.light_analysis",
        lambda round_id: (
            Analysis.objects.filter(round_id=round_id)
            .annotate(
                has_result=ExpressionWrapper(Q(result__isnull=False), output_field=BooleanField()),
                respondents=F("result__respondents"),
                within=F("result__rc__within"),
                between=F("result__rc__between"),
                rc_min_n=F("result__rc__min_n"),
            )
            .values(*(f.name for f in fields(AnalysisFigures)))
            .order_by("pk")[:1]
        ),
        round_id=round_.pk,
    )
    return next((AnalysisFigures(**row) for row in found), None)


def fresh_summary(round_: Round) -> AnalysisFigures | None:
    """As fresh_result, without reading the result itself (see light_analysis)."""
    analysis = light_analysis(round_)
    if analysis and analysis.has_result and analysis.answers_seen == submitted_count(round_.pk):
        return analysis
    analyse_round.call(round_.pk)
    return light_analysis(round_)


def json_safe(value: object) -> object:
    """NaN (a mean over nothing) becomes null: JSON, and PostgreSQL, have no NaN."""
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


@task()
def analyse_round(round_id: int) -> int:
    """Analyse the round and cache the result. Returns the number of respondents seen."""
    round_ = Round.objects.select_related("previous").get(pk=round_id)
    seen = submitted_count(round_id)
    result = compute(round_, seen)
    with transaction.atomic():
        Analysis.objects.update_or_create(
            round=round_,
            defaults={
                "result": result,
                "answers_seen": seen,
                "progress": 100,
                "finished_at": timezone.now(),
            },
        )
    return seen
