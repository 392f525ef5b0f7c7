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
