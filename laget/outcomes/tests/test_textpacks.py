"""Wording: Laget's own labels, packs imported through the surveys' command, and no
licensed phrase anywhere in the repository."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from laget.outcomes.instruments import INSTRUMENTS
from laget.outcomes.models import TextPack
from laget.outcomes.selectors import text_packs
from laget.outcomes.textpacks import BUILT_IN

ROOT = Path(__file__).resolve().parents[3]

# Known licensed phrases of the ORS/SRS (English and Norwegian), kept only as SHA-256
# prefixes of their normalised words so that this file does not carry them either.
LICENSED = {
    (3, "6bc223b613e80762ebb8f65e221cd13e"),
    (3, "94d9307ab16d11bb127f4f01f4e44cc6"),
    (3, "a41bfc2859be3c23c0af9073d283a29a"),
    (5, "9cd0fc79cb5bb0216ea2dce282cd9a42"),
    (5, "2eaf0c0f642dc17c7343945d5bdcfa08"),
    (4, "6476c76d4ab08ada99ec35fb975f9807"),
    (4, "0554ad82e19d99f32fea26dfac35ff7b"),
    (6, "edc116a08daaceb39aea27cb4e791e27"),
    (6, "3ddeacda4a8ee14a7c84ad3c31fb81ac"),
    (9, "dd038b5968556087b60233490349ff55"),
    (8, "fe8e82d5fcd6748aaeaf4e4b874d7da4"),
    (2, "4213b48dced2141f1dce3c5fa8b5ab30"),
    (3, "8c95e6e492ca98758f032f6735296ede"),
    (3, "b90853c6e2d77b3b6f651e8f4ff78d86"),
    (4, "36b37b3004e8e536a2705b48a9b366b6"),
    (6, "84217c74c84eeb507bc1758439dad8dc"),
    (4, "6be7ad68398337a4aeccdd1efb89371a"),
}
TEXT = (".py", ".html", ".po", ".json", ".md", ".txt", ".csv", ".js", ".css", ".toml")


def words(text: str) -> list[str]:
    text = text.lower().replace("'", "").replace("\u2019", "")
    return re.findall(r"[a-zæøå0-9]+", text)


def licensed_in(text: str) -> bool:
    w = words(text)
    for size in {n for n, _ in LICENSED}:
        for i in range(len(w) - size + 1):
            digest = hashlib.sha256(" ".join(w[i : i + size]).encode()).hexdigest()[:32]
            if (size, digest) in LICENSED:
                return True
    return False


def test_the_check_finds_a_licensed_phrase():
    # Built from pieces so the phrase itself never sits in the repository.
    probe = " ".join(reversed(["respected.", "and", "understood,", "heard,", "felt", "We"]))
    assert licensed_in(probe)
    assert not licensed_in("Samarbeidet: hvordan det var å være sammen med hjelperen i dag")


def test_no_licensed_wording_in_the_repository():
    skip = {".git", ".venv", "node_modules", "var", "__pycache__", ".mypy_cache", ".ruff_cache"}
    found = []
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in skip and not d.startswith(".pytest")]
        for name in names:
            path = Path(folder) / name
            text = path.read_text(encoding="utf-8", errors="ignore") if path.suffix in TEXT else ""
            if text and licensed_in(text):
                found.append(str(path.relative_to(ROOT)))
    assert found == []


def test_built_in_packs_cover_every_item():
    for (key, _lang), pack in BUILT_IN.items():
        assert set(pack.items) == set(INSTRUMENTS[key].items)
        assert not licensed_in(" ".join(pack.items.values()))


@pytest.mark.django_db
def test_a_pack_imports_through_the_surveys_command_and_replaces_the_words(tmp_path):
    path = tmp_path / "pack.json"
    pack = {
        "instrument": "outcome",
        "name": "Lisensiert ordlyd (test)",
        "language": "nb",
        "licence": "Lisens nr. 1",
        "items": {k: f"Linje {k}" for k in INSTRUMENTS["outcome"].items},
        "scale": {"*": ["lav", "høy"]},
    }
    path.write_text(json.dumps(pack), encoding="utf-8")
    call_command("import_text_pack", str(path))
    assert TextPack.objects.get().name == "Lisensiert ordlyd (test)"
    assert text_packs(["outcome"])["outcome"].items["overall"] == "Linje overall"
    path.write_text(json.dumps(pack | {"items": {"individual": "x"}}), encoding="utf-8")
    with pytest.raises(CommandError, match="«items» må ha nøyaktig"):
        call_command("import_text_pack", str(path))
    path.write_text(json.dumps(pack | {"scale": {"*": ["a", "b", "c"]}}), encoding="utf-8")
    with pytest.raises(CommandError, match="to etiketter"):
        call_command("import_text_pack", str(path))
