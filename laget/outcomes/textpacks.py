"""The instruments' wording, as text packs (the surveys app's format and import path).

Laget's own neutral labels ship here in bokmål and English: the four outcome lines and the
four alliance lines with their end points, and short topic labels for PHQ-9, GAD-7, AUDIT,
AUDIT-C and DUDIT. The published wording (licensed for the two rating scales, with unclear
rights for some Norwegian translations) is loaded from a JSON text pack by
`manage.py import_text_pack FILE.json`:

    {"instrument": "outcome", "name": ..., "language": "nb", "licence": ...,
     "items": {"individual": ..., ...}, "scale": {"*": ["low end", "high end"]}}

Lines take two end labels; questionnaires one label per answer value. Scoring never
changes with the words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from laget.outcomes.instruments import INSTRUMENTS, Instrument


@dataclass(frozen=True)
class Pack:
    instrument: str
    name: str
    language: str
    items: dict[str, str]
    scale: dict[str, list[str]] = field(default_factory=dict)
    licence: str = ""
    intro: str = ""

    def labels(self, key: str) -> list[str]:
        return self.scale.get(key) or self.scale.get("*") or []


FREQ_NB = ["Ikke i det hele tatt", "Noen dager", "Mer enn halvparten av dagene", "Nesten hver dag"]
FREQ_EN = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
FIVE_NB = ["0", "1", "2", "3", "4"]

BUILT_IN: dict[tuple[str, str], Pack] = {
    ("outcome", "nb"): Pack(
        "outcome",
        "Lagets egne linjer (hvordan livet går)",
        "nb",
        {
            "individual": "Meg selv: hvordan jeg har hatt det inni meg",
            "interpersonal": "De nærmeste: familie og dem jeg står nær",
            "social": "Hverdagen: jobb, skole, venner og fritid",
            "overall": "Alt i alt: livet mitt som helhet",
        },
        {"*": ["Svært dårlig", "Svært bra"]},
        intro="Tenk på den siste uka. Flytt hver linje dit som passer for deg.",
    ),
    ("outcome", "en"): Pack(
        "outcome",
        "Laget's own lines (how life is going)",
        "en",
        {
            "individual": "Myself: how I have been inside",
            "interpersonal": "People close to me: family and those I am near",
            "social": "Everyday life: job, school, friends and free time",
            "overall": "All in all: my life as a whole",
        },
        {"*": ["Very bad", "Very good"]},
        intro="Think of the last week. Move each line to where it fits for you.",
    ),
    ("alliance", "nb"): Pack(
        "alliance",
        "Lagets egne linjer (hvordan hjelpen virker)",
        "nb",
        {
            "relationship": "Samarbeidet: hvordan det var å være sammen med hjelperen i dag",
            "goals": "Temaene: om vi tok opp det som var viktig for meg",
            "approach": "Måten: om måten vi jobbet på passet for meg",
            "overall": "Alt i alt: hvordan timen var for meg",
        },
        {"*": ["Passet ikke", "Passet godt"]},
        intro="Tenk på timen i dag. Svar ærlig: det hjelper oss å gjøre det bedre.",
    ),
    ("alliance", "en"): Pack(
        "alliance",
        "Laget's own lines (how the help is working)",
        "en",
        {
            "relationship": "Working together: how it was to be with the helper today",
            "goals": "Topics: whether we took up what mattered to me",
            "approach": "The way: whether the way we worked suited me",
            "overall": "All in all: how the session was for me",
        },
        {"*": ["Did not suit me", "Suited me well"]},
        intro="Think of today's session. Answer honestly: it helps us do better.",
    ),
    ("group_alliance", "nb"): Pack(
        "group_alliance",
        "Lagets egne linjer (hvordan gruppa virker)",
        "nb",
        {
            "relationship": "Samarbeidet: om jeg ble hørt og respektert av lederen og gruppa",
            "goals": "Temaene: om vi snakket om det som var viktig for meg",
            "approach": "Måten: om måten gruppa jobbet på passet for meg",
            "overall": "Alt i alt: hvordan gruppa var for meg i dag",
        },
        {"*": ["Passet ikke", "Passet godt"]},
        intro="Tenk på gruppa i dag. Svar ærlig: det hjelper oss å gjøre den bedre.",
    ),
    ("group_alliance", "en"): Pack(
        "group_alliance",
        "Laget's own lines (how the group is working)",
        "en",
        {
            "relationship": "Working together: whether the leader and the group heard me",
            "goals": "Topics: whether we talked about what mattered to me",
            "approach": "The way: whether the way the group worked suited me",
            "overall": "All in all: how the group was for me today",
        },
        {"*": ["Did not suit me", "Suited me well"]},
        intro="Think of the group today. Answer honestly: it helps us make it better.",
    ),
    # Short topic labels only; the published wording comes from a text pack.
    ("phq9", "nb"): Pack(
        "phq9",
        "PHQ-9 (emner; ordlyden lastes fra tekstpakke)",
        "nb",
        {
            "q1": "Lite lyst eller glede",
            "q2": "Nedstemt eller håpløs",
            "q3": "Søvn",
            "q4": "Trøtthet og lite energi",
            "q5": "Matlyst",
            "q6": "Synet på deg selv",
            "q7": "Konsentrasjon",
            "q8": "Tempo: treg eller urolig",
            "q9": "Tanker om at du heller ville vært død, eller om å skade deg selv",
        },
        {"*": FREQ_NB},
        intro="De siste to ukene: hvor ofte har du vært plaget av dette?",
    ),
    ("gad7", "nb"): Pack(
        "gad7",
        "GAD-7 (emner; ordlyden lastes fra tekstpakke)",
        "nb",
        {
            "q1": "Nervøs, engstelig eller på tuppa",
            "q2": "Klarer ikke å stoppe bekymringene",
            "q3": "Bekymrer deg for mye",
            "q4": "Vanskelig å slappe av",
            "q5": "Så urolig at det er vanskelig å sitte stille",
            "q6": "Lett irritert",
            "q7": "Redd for at noe fælt skal skje",
        },
        {"*": FREQ_NB},
        intro="De siste to ukene: hvor ofte har du vært plaget av dette?",
    ),
    ("audit", "nb"): Pack(
        "audit",
        "AUDIT (emner; ordlyden lastes fra tekstpakke)",
        "nb",
        {f"q{i}": f"Spørsmål {i}" for i in range(1, 11)},
        {"*": FIVE_NB, "q9": ["0", "2", "4"], "q10": ["0", "2", "4"]},
    ),
    ("audit_c", "nb"): Pack(
        "audit_c",
        "AUDIT-C (emner; ordlyden lastes fra tekstpakke)",
        "nb",
        {f"q{i}": f"Spørsmål {i}" for i in range(1, 4)},
        {"*": FIVE_NB},
    ),
    ("dudit", "nb"): Pack(
        "dudit",
        "DUDIT (emner; ordlyden lastes fra tekstpakke)",
        "nb",
        {f"q{i}": f"Spørsmål {i}" for i in range(1, 12)},
        {"*": FIVE_NB, "q10": ["0", "2", "4"], "q11": ["0", "2", "4"]},
    ),
}


def built_in(instrument: str, language: str) -> Pack:
    return BUILT_IN.get((instrument, language)) or BUILT_IN[(instrument, "nb")]


class TextPackProblem(ValueError):
    pass


def _labels_ok(instrument: Instrument, key: str, labels: object) -> bool:
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        return False
    if instrument.lines:
        return len(labels) == 2
    values = instrument.values.get(key) or next(iter(instrument.values.values()))
    return len(labels) == len(values)


def parse_pack(data: dict) -> Pack:
    """A text pack for one of the outcome instruments; every problem in Norwegian."""
    instrument = INSTRUMENTS[data["instrument"]]
    items = data.get("items")
    if not isinstance(items, dict) or set(items) != set(instrument.items):
        raise TextPackProblem(
            "«items» må ha nøyaktig disse nøklene: " + ", ".join(instrument.items) + "."
        )
    if any(not isinstance(t, str) or not t.strip() for t in items.values()):
        raise TextPackProblem("Hver tekst i «items» må være en ikke-tom tekst.")
    scale = data.get("scale", {})
    if not isinstance(scale, dict) or any(
        not _labels_ok(instrument, k, v) for k, v in scale.items()
    ):
        raise TextPackProblem(
            "«scale» må gi to etiketter (endene) per linje, eller én per svarverdi."
        )
    language = data.get("language", "nb")
    if language not in ("nb", "en"):
        raise TextPackProblem("«language» må være nb eller en.")
    name = str(data.get("name") or "").strip()
    if not name:
        raise TextPackProblem("Gi tekstpakken et navn («name»).")
    return Pack(
        instrument.key,
        name,
        language,
        dict(items),
        dict(scale),
        str(data.get("licence", "")),
        str(data.get("intro", "")),
    )
