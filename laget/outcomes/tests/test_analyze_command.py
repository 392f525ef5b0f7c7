"""`manage.py outcome_analyze FILE.csv`: the JSON it prints and the lines it names."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

HEADER = "person,service,instrument,session,date,total\n"


def run(tmp_path, text: str) -> dict:
    path = tmp_path / "scores.csv"
    path.write_text(text, encoding="utf-8")
    from io import StringIO

    out = StringIO()
    call_command("outcome_analyze", str(path), stdout=out)
    return json.loads(out.getvalue())


def test_prints_persons_instruments_and_services(tmp_path):
    lines = [f"p{i},DPS,phq9,1,2026-01-0{i},{15 + i}" for i in range(1, 7)]
    lines += [f"p{i},DPS,phq9,2,2026-02-0{i},{8 + i}" for i in range(1, 6)]
    result = run(tmp_path, HEADER + "\n".join(lines) + "\n")
    assert set(result) == {"persons", "instruments", "services"}
    assert result["instruments"] == [
        {"instrument": "phq9", "direction": "lower_is_better", "cutoff": 10, "reliable_change": 6}
    ]
    p1 = result["persons"][0]
    # 16 -> 9: -7 is a reliable improvement, from inside (≥ 10) to outside.
    assert p1 == {
        "person": "p1",
        "instrument": "phq9",
        "first": 16,
        "last": 9,
        "change": -7,
        "reliable_change": "improved",
        "clinically_significant": True,
        "sessions": 2,
    }
    (dps,) = result["services"]
    assert dps["n"] == 6 and dps["dropout_pct"] == pytest.approx(100 / 6)
    # p1 and p2 end at 9 and 10 (-7 each): p2's 10 is still inside, so one recovers.
    assert dps["improved_pct"] == pytest.approx(500 / 6)
    assert dps["recovered_pct"] == pytest.approx(100 / 6)


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("p1,DPS,ors,1,2026-01-01,20\n", 2, "ukjent instrument"),
        ("p1,DPS,outcome,1,2026-01-01,20\np1,DPS,outcome,x,2026-01-02,20\n", 3, "session"),
        ("p1,DPS,outcome,1,01.02.2026,20\n", 2, "date"),
        ("p1,DPS,outcome,1,2026-01-01,41\n", 2, "utenfor skalaen"),
        ("p1,DPS,phq9,1,2026-01-01,12.5\n", 2, "helt tall"),
        ("p1,DPS,outcome,1,2026-01-01\n", 2, "felt"),
        ("p1,DPS,outcome,1,2026-01-01,20\np1,DPS,outcome,1,2026-01-08,22\n", 3, "linje 2"),
        ("p1,,outcome,1,2026-01-01,20\n", 2, "service"),
        ("p1,DPS,outcome,1,2026-01-01,mye\n", 2, "total"),
    ],
)
def test_invalid_files_name_the_line(tmp_path, body, line, words):
    with pytest.raises(CommandError) as info:
        run(tmp_path, HEADER + body)
    assert str(info.value).startswith(f"Linje {line}:") and words in str(info.value)


def test_wrong_header_and_empty_file(tmp_path):
    with pytest.raises(CommandError, match="Linje 1: overskriften"):
        run(tmp_path, "person;service;instrument\n")
    with pytest.raises(CommandError, match="ingen skårer"):
        run(tmp_path, HEADER)
    with pytest.raises(CommandError, match="Fant ikke"):
        call_command("outcome_analyze", str(tmp_path / "missing.csv"))


def _cells(tmp_path, text: str, *args: str) -> dict:
    path = tmp_path / "scores.csv"
    path.write_text(text, encoding="utf-8")
    from io import StringIO

    out = StringIO()
    call_command("outcome_analyze", str(path), *args, stdout=out)
    return {(s["service"], s["instrument"]): s for s in json.loads(out.getvalue())["services"]}


def test_min_n_suppresses_small_cells_and_never_goes_below_three(tmp_path):
    # DPS: 6 persons with PHQ-9; the municipality: 4 persons with the outcome lines.
    rows = [f"d{i},DPS,phq9,1,2026-01-0{i},{15 + i}" for i in range(1, 7)]
    rows += [f"d{i},DPS,phq9,2,2026-02-0{i},{5 + i}" for i in range(1, 7)]
    rows += [f"k{i},Kommunen,outcome,1,2026-01-0{i},{18 + i}" for i in range(1, 5)]
    rows += [f"k{i},Kommunen,outcome,2,2026-02-0{i},{26 + i}" for i in range(1, 5)]
    text = HEADER + "\n".join(rows) + "\n"
    figures = ("improved_pct", "deteriorated_pct", "recovered_pct", "effect_size", "dropout_pct")

    # The default (5): the municipality's four persons show only their n.
    default = _cells(tmp_path, text)
    assert default[("Kommunen", "outcome")] == {
        "service": "Kommunen", "instrument": "outcome", "n": 4, "suppressed": True,
    }  # fmt: skip
    assert "suppressed" not in default[("DPS", "phq9")]
    assert all(k in default[("DPS", "phq9")] for k in figures)

    # --min-n 7: both cells are too small, and nothing but n is printed for either.
    strict = _cells(tmp_path, text, "--min-n", "7")
    for cell in strict.values():
        assert cell["suppressed"] is True and not set(figures) & set(cell)
    assert strict[("DPS", "phq9")]["n"] == 6

    # --min-n 4 shows the municipality (4 of 4 improved by 8: reliable; 19–22 to 27–30
    # crosses 25, so all recover); --min-n 1 is raised to 3, never lower.
    loose = _cells(tmp_path, text, "--min-n", "4")[("Kommunen", "outcome")]
    assert loose["improved_pct"] == 100.0 and loose["recovered_pct"] == 100.0
    assert loose["dropout_pct"] == 0.0
    three = HEADER + "\n".join(r for r in rows if r.split(",")[0] in {"k1", "k2"}) + "\n"
    assert _cells(tmp_path, three, "--min-n", "1")[("Kommunen", "outcome")]["suppressed"] is True
