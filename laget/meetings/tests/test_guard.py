"""The identifier guard: what it must find, what it must leave alone, and the command."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from hypothesis import assume, given
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


# --- Properties: generated identifiers inside Norwegian text are always found ----------

from laget.core.tests.test_identifiers import make_nin  # noqa: E402

BEFORE = st.sampled_from(
    ["", "Hei, ", "Han sa at ", "Opplysning i saken: ", "Kontakt (", "Se vedlegg – ", "Ring "]
)
AFTER = st.sampled_from(["", ".", ", takk.", " i går.", ") før møtet.", " – viktig!", "\n"])


@st.composite
def national_ids(draw, d_number: bool = False) -> str:
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2039, 12, 31)))
    day = born.day + (40 if d_number else 0)
    first9 = [int(c) for c in f"{day:02d}{born.month:02d}{born.year % 100:02d}"]
    first9 += [int(c) for c in f"{draw(st.integers(0, 999)):03d}"]
    number = make_nin(first9, draw(st.sampled_from([0, 1, 2, 3])))
    assume(number is not None)
    return number


@st.composite
def phones(draw) -> str:
    digits = f"{draw(st.sampled_from('23456789'))}{draw(st.integers(0, 9_999_999)):07d}"
    style = draw(st.sampled_from(["plain", "pairs", "3-2-3", "+47", "0047"]))
    if style == "pairs":
        return " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    if style == "3-2-3":
        return f"{digits[:3]} {digits[3:5]} {digits[5:]}"
    if style == "+47":
        return f"+47 {digits}"
    if style == "0047":
        return f"0047{digits}"
    return digits


LOCAL = st.from_regex(r"[a-zæøå][a-z0-9._-]{0,15}[a-z0-9]", fullmatch=True)
DOMAIN = st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]\.(no|com|org|kommune\.no)", fullmatch=True)


@given(BEFORE, national_ids(), AFTER)
def test_a_valid_national_id_in_text_is_always_found(before, number, after):
    found = scan(before + number + after)
    assert ("national_id", number) in [(f.kind, f.text) for f in found]


@given(BEFORE, national_ids(d_number=True), AFTER)
def test_a_valid_d_number_in_text_is_always_found(before, number, after):
    assert ("national_id", number) in [(f.kind, f.text) for f in scan(before + number + after)]


@given(st.sampled_from(["Ring ", "Tlf. ", "Mobil: ", "nummeret er "]), phones(), AFTER)
def test_a_phone_number_in_text_is_always_found(before, phone, after):
    found = [(f.kind, f.text) for f in scan(before + phone + after)]
    assert ("phone", phone) in found


@given(BEFORE, LOCAL, DOMAIN, AFTER)
def test_an_email_address_in_text_is_always_found(before, local, domain, after):
    address = f"{local}@{domain}"
    found = [(f.kind, f.text) for f in scan(before + address + after)]
    assert ("email", address) in found


WORDS = [
    "han",
    "hun",
    "de",
    "vi",
    "tjenesten",
    "kommunen",
    "møtet",
    "samarbeid",
    "bolig",
    "jobb",
    "skole",
    "angst",
    "rus",
    "søvn",
    "hjelp",
    "oppfølging",
    "innleggelse",
    "utskrivning",
    "venteliste",
    "behandling",
    "samtale",
    "familie",
    "fastlegen",
    "ble",
    "var",
    "har",
    "skal",
    "kan",
    "vil",
    "ikke",
    "ofte",
    "sjelden",
    "lenge",
    "etter",
    "før",
    "med",
    "uten",
    "og",
    "men",
    "fordi",
    "når",
    "hvor",
    "hvordan",
    "trygg",
    "vanskelig",
    "bedre",
    "uker",
    "måneder",
    "år",
    "to",
    "tre",
    "fire",
]


@given(
    st.lists(
        st.tuples(st.sampled_from(WORDS), st.sampled_from(["", "", ",", ".", "?"])),
        min_size=1,
        max_size=60,
    ),
    st.lists(st.integers(1, 999), max_size=3),
)
def test_ordinary_norwegian_prose_is_not_flagged(words, small_numbers):
    text = " ".join(w + p for w, p in words)
    text = text[0].upper() + text[1:]
    for n in small_numbers:  # "2 av 3 tjenester", "90 minutter"
        text += f" {n} av dem kom."
    assert scan(text, ["Kari Testesen", "Testesen"]) == []
