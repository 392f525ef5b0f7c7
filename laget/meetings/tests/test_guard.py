"""The identifier guard: what it must find, what it must leave alone, and the command."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from laget.core.tests.test_identifiers import nin
from laget.meetings.guard import scan


def kinds(text: str, names=()) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in scan(text, names)]


def test_finds_national_ids_d_numbers_and_2032_numbers():
    birth, d_number, new_rule = nin("010190"), nin("410190"), nin("311399", 2)
    text = f"Født {birth}, D-nr {d_number}, nytt nummer {new_rule[:6]} {new_rule[6:]}."
    assert [k for k, _ in kinds(text)] == ["national_id"] * 3


def test_eleven_digits_with_a_wrong_check_digit_are_not_a_national_id():
    wrong = nin("010190")[:10] + str((int(nin("010190")[10]) + 1) % 10)
    assert ("national_id", wrong) not in kinds(f"Saksnummer {wrong}")


def test_finds_phones_emails_addresses_and_postcodes():
    text = (
        "Ring 912 34 567 eller +47 22334455, e-post ola.n@eksempel.no. "
        "Bor i Storgata 12B, 9990 Fjordvik."
    )
    assert kinds(text) == [
        ("phone", "912 34 567"),
        ("phone", "+47 22334455"),
        ("email", "ola.n@eksempel.no"),
        ("address", "Storgata 12B"),
        ("postcode", "9990 Fjordvik"),
    ]


def test_finds_known_names_whatever_the_case_and_spacing():
    text = "Vi drøftet JONAS  eriksen i dag; Eriksen ønsker bolig."
    found = kinds(text, ["Jonas Eriksen", "Eriksen"])
    assert found == [("name", "JONAS  eriksen"), ("name", "Eriksen")]


def test_leaves_an_ordinary_case_text_alone():
    text = (
        "En mann i 30-årene med rusproblemer og lite kontakt med tjenestene. Han har "
        "ønsket bolig i to år. Hva kan vi gjøre sammen? Møtet varte 90 minutter, 2 av 3 "
        "tjenester deltok."
    )
    assert scan(text, ["Jonas Eriksen"]) == []


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=200))
def test_offsets_point_at_the_text_they_report(text):
    for finding in scan(text, ["Kari Testesen"]):
        assert text[finding.start : finding.end] == finding.text


@pytest.mark.django_db
def test_scan_identifiers_command_prints_one_json_object(tmp_path, capsys, plan_world):
    case = tmp_path / "sak.txt"
    case.write_text(
        f"Lise Testesen (fnr {nin('170590')}) bor i Sjøveien 4. Tlf 77 00 01 10.",
        encoding="utf-8",
    )
    call_command("scan_identifiers", str(case))
    out = json.loads(capsys.readouterr().out)
    assert [f["kind"] for f in out["findings"]] == ["name", "national_id", "address", "phone"]
    first = out["findings"][0]
    assert (first["start"], first["end"], first["text"]) == (0, 13, "Lise Testesen")
    clean = tmp_path / "ren.txt"
    clean.write_text("Ingen identifiserende opplysninger her.", encoding="utf-8")
    call_command("scan_identifiers", str(clean))
    assert json.loads(capsys.readouterr().out) == {"findings": []}
