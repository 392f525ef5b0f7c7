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


def test_eleven_digits_with_a_wrong_check_digit_are_still_a_national_id():
    # People mistype: a number that looks like a national id is one for the guard.
    wrong = nin("010190")[:10] + str((int(nin("010190")[10]) + 1) % 10)
    assert ("national_id", wrong) in kinds(f"Saksnummer {wrong}")


@pytest.mark.parametrize(
    "text",
    [
        "01017012345",
        "010170 12345",
        "010170-12345",
        "010170.12345",
        "01.01.70 12345",
        "01 01 70 12345",
        "010170 123 45",
        "410170 12345",  # D-number
        "fnr: 12345",
        "personnummer 123 45",
    ],
)
def test_the_reported_national_id_forms_are_found(text):
    assert [k for k, _ in kinds(f"Opplysning: {text}.")] == ["national_id"]


@pytest.mark.parametrize(
    "text",
    [
        "født 01.01.1970",
        "f. 01.01.70",
        "født 1. januar 1970",
        "født i januar 1970",
        "født 3. mars",
        "fødselsdato: 1970-01-01",
    ],
)
def test_birth_dates_after_born_are_found(text):
    assert [k for k, _ in kinds(f"Hun er {text} og bor alene.")] == ["birth_date"]


@pytest.mark.parametrize(
    "text", ["01.01.1970", "1/1/70", "1970-01-01", "1.1.1970", "31-12-99", "1. jan. 1970"]
)
def test_full_dates_as_digits_or_words_are_found(text):
    assert [k for k, _ in kinds(f"Dato {text} i journalen.")] == ["date"]


@pytest.mark.parametrize(
    "text",
    [
        "42 år fra Fjordvik",
        "42-årig mann fra Fjordvik",
        "en 42-åring bosatt i Fjordvik",
        "mann (42) fra Fjordvik",
        "kvinne på 42 år fra Fjordvik",
        "Fjordvik-mann (42)",
    ],
)
def test_an_age_with_a_place_is_found(text):
    assert [k for k, _ in kinds(f"Saken gjelder en {text}.")] == ["age_place"]


@pytest.mark.parametrize(
    "text",
    [
        "Hagen & Johnsen, 2013",
        "(Hagen 2013)",
        "Hagen et al. (2015)",
        "Hagen et al.",
        "(se Hagen og Johnsen 2013; Berg 2015)",
        "Hagen, K. (2013)",
        "Hagen mfl. 2019",
    ],
)
def test_a_known_surname_in_a_literature_reference_is_left_alone(text):
    prose = f"Samhandling krever tillit, slik {text} beskriver for tjenester i kommunen."
    assert kinds(prose, ["Per Hagen", "Hagen", "Johnsen", "Berg"]) == []


def test_a_first_name_with_a_surname_or_a_known_name_beside_details_is_a_name():
    names = ["Per Hagen", "Hagen"]
    assert kinds("Kari Hagen møtte opp.", names) == [("name", "Kari Hagen")]
    assert kinds("Anne Nordmann møtte opp.", names) == [("name", "Anne Nordmann")]
    assert ("name", "Hagen") in kinds("Hagen (2013), 42 år fra Fjordvik, kom.", names)
    # A garden is not a person: a known surname counts only when capitalised.
    assert kinds("De satt i hagen hele dagen.", names) == []


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
    with pytest.raises(SystemExit) as exit_:
        call_command("scan_identifiers", str(case))
    assert exit_.value.code == 1  # scripts can stop on findings
    out = json.loads(capsys.readouterr().out)
    assert [f["kind"] for f in out["findings"]] == ["name", "national_id", "address", "phone"]
    first = out["findings"][0]
    assert (first["start"], first["end"], first["text"]) == (0, 13, "Lise Testesen")
    clean = tmp_path / "ren.txt"
    clean.write_text("Ingen identifiserende opplysninger her.", encoding="utf-8")
    call_command("scan_identifiers", str(clean))  # exits 0: no SystemExit
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


# --- Properties over the whole classes the issue names ------------------------------

SEPARATORS = st.sampled_from(["", " ", "-", ".", "  ", "\u00a0", " - "])


@st.composite
def typed_national_ids(draw) -> str:
    """Any eleven digits (check digits right or not), as a person might type them."""
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2039, 12, 31)))
    day = born.day + draw(st.sampled_from([0, 0, 40]))  # D-numbers add 40 to the day
    date6 = f"{day:02d}{born.month:02d}{born.year % 100:02d}"
    rest = f"{draw(st.integers(0, 99_999)):05d}"
    style = draw(st.sampled_from(["6+5", "dd.mm.yy+5", "6+3+2"]))
    if style == "dd.mm.yy+5":
        sep = draw(st.sampled_from([".", " ", "-"]))
        return f"{date6[:2]}{sep}{date6[2:4]}{sep}{date6[4:]}{draw(SEPARATORS)}{rest}"
    if style == "6+3+2":
        sep = draw(st.sampled_from([" ", "-", "."]))
        return f"{date6}{sep}{rest[:3]}{sep}{rest[3:]}"
    return f"{date6}{draw(SEPARATORS)}{rest}"


@given(BEFORE, typed_national_ids(), AFTER)
def test_anything_shaped_like_a_national_id_is_found(before, number, after):
    found = [(f.kind, f.text) for f in scan(before + number + after)]
    assert ("national_id", number) in found


MONTH_WORDS = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
               "september", "oktober", "november", "desember"]  # fmt: skip


@st.composite
def written_dates(draw) -> str:
    d = draw(st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2030, 12, 31)))
    year = draw(st.sampled_from([str(d.year), f"{d.year % 100:02d}"]))
    day = draw(st.sampled_from([str(d.day), f"{d.day:02d}"]))
    month = draw(st.sampled_from([str(d.month), f"{d.month:02d}"]))
    style = draw(st.sampled_from(["dot", "slash", "dash", "iso", "words"]))
    if style == "iso":
        return f"{d.year}-{d.month:02d}-{d.day:02d}"
    if style == "words":
        return f"{d.day}. {MONTH_WORDS[d.month - 1]} {year}"
    sep = {"dot": ".", "slash": "/", "dash": "-"}[style]
    return f"{day}{sep}{month}{sep}{year}"


@given(written_dates(), st.booleans())
def test_a_full_date_or_a_birth_date_is_always_found(date, born):
    text = f"Han er født {date} og har bodd alene." if born else f"Innlagt {date}, utskrevet."
    found = scan(text)
    assert [f.kind for f in found] == ["birth_date" if born else "date"]
    assert date in found[0].text


PLACES = st.sampled_from(["Fjordvik", "Nord-Fjordvik", "Tromsø", "Ålesund", "Bygdeby"])


@given(st.integers(1, 110), PLACES, st.sampled_from(range(6)))
def test_an_age_with_a_place_is_always_found(age, place, style):
    phrase = [
        f"{age} år fra {place}",
        f"{age}-årig mann fra {place}",
        f"{age}-årig kvinne bosatt i {place}",
        f"en {age}-åring i {place}",
        f"kvinne ({age}) fra {place}",
        f"mann på {age} år fra {place}",
    ][style]
    assert [f.kind for f in scan(f"Saken gjelder {phrase}. Hun ønsker hjelp.")] == ["age_place"]


SURNAMES = st.sampled_from(["Hagen", "Johnsen", "Berg", "Eriksen", "Lie", "Aune"])


@st.composite
def citations(draw) -> str:
    authors = draw(st.lists(SURNAMES, min_size=1, max_size=3, unique=True))
    joiner = draw(st.sampled_from([" & ", " og ", " and "]))
    who = authors[0] if len(authors) == 1 else ", ".join(authors[:-1]) + joiner + authors[-1]
    year = f"{draw(st.integers(1950, 2026))}{draw(st.sampled_from(['', 'a', 'b']))}"
    style = draw(st.sampled_from(range(6)))
    return [
        f"{who}, {year}",
        f"({who} {year})",
        f"{who} ({year})",
        f"{authors[0]} et al. ({year})",
        f"{authors[0]} et al.",
        f"({who}, {year}; {authors[0]} mfl. {year})",
    ][style]


@given(citations(), st.sampled_from(["Slik ", "Dette er beskrevet av ", "Se ", ""]))
def test_known_surnames_in_references_are_left_alone(citation, lead):
    known = ["Per Hagen", "Hagen", "Johnsen", "Berg", "Eriksen", "Lie", "Aune"]
    text = f"{lead}{citation} viser at relasjonell koordinering bedrer samhandlingen."
    assert scan(text, known) == []


@given(citations(), st.integers(18, 90), PLACES)
def test_a_known_surname_beside_personal_details_is_a_name(citation, age, place):
    known = ["Hagen", "Johnsen", "Berg", "Eriksen", "Lie", "Aune"]
    text = f"{citation}, {age} år fra {place}, ønsker bolig."
    kinds_found = {f.kind for f in scan(text, known)}
    assert {"name", "age_place"} <= kinds_found
