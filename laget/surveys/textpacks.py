"""The instruments' wording, as text packs.

Laget's own wording ships here, in bokmål and English: statements for the seven
relational coordination dimensions (not Gittell's licensed items), psychological safety in
one's own team (seven statements, three reverse-scored) and relational capacity in the
five areas of seed 000. An organisation with a licence can import the licensed wording as
a text pack file (`manage.py import_text_pack FILE.json`); the scoring stays the same.

A text pack file is JSON: {"instrument": "rc" | "ps" | "capacity", "name": ...,
"language": "nb" | "en", "licence": ..., "items": {key: text}, "scale": {key: [five
labels]}}. RC texts contain "{group}" where the rated group's name goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from laget.surveys.analysis import ITEMS

RC, PS, CAPACITY = "rc", "ps", "capacity"
INSTRUMENTS = (RC, PS, CAPACITY)
PS_ITEMS = ("ps1", "ps2", "ps3", "ps4", "ps5", "ps6", "ps7")
PS_REVERSED = frozenset({"ps2", "ps4", "ps7"})
CAPACITY_AREAS = ("information", "knowing", "cooperation", "problem_solving", "innovation")
KEYS = {RC: ITEMS, PS: PS_ITEMS, CAPACITY: CAPACITY_AREAS}
# The service-level user survey (brukerundersøkelse): the person rates each service that
# has helped them. Laget's own neutral wording; answered, not imported.
SERVICE = "service"
SERVICE_ITEMS = ("listened", "own_goals", "together", "information", "respect")

# The frequency item is answered on a too-rarely … too-often scale and scored by "the
# right amount": the middle scores 5, one step off 3, two steps off 1 (domain.md).
FREQUENCY_SCORE = {1: 1.0, 2: 3.0, 3: 5.0, 4: 3.0, 5: 1.0}


def score(instrument: str, item: str, raw: int) -> float:
    """The analysed value of a raw 1-5 answer."""
    if instrument == RC and item == "frequent":
        return FREQUENCY_SCORE[raw]
    if instrument == PS and item in PS_REVERSED:
        return 6.0 - raw
    return float(raw)


AGREE_NB = ["Stemmer ikke", "Stemmer lite", "Stemmer delvis", "Stemmer godt", "Stemmer helt"]
AGREE_EN = ["Not true", "Slightly true", "Partly true", "Mostly true", "Completely true"]
FREQUENCY_NB = ["Altfor sjelden", "For sjelden", "Passe ofte", "For ofte", "Altfor ofte"]
FREQUENCY_EN = ["Far too rarely", "Too rarely", "About right", "Too often", "Far too often"]
QUALITY_NB = ["Svært dårlig", "Dårlig", "Middels", "Godt", "Svært godt"]
QUALITY_EN = ["Very poorly", "Poorly", "Fairly", "Well", "Very well"]


@dataclass(frozen=True)
class Pack:
    instrument: str
    name: str
    language: str
    items: dict[str, str]
    scale: dict[str, list[str]] = field(default_factory=dict)
    licence: str = ""

    def labels(self, key: str) -> list[str]:
        return self.scale.get(key) or self.scale.get("*") or []


BUILT_IN = {
    (RC, "nb"): Pack(
        RC,
        "Lagets egne utsagn (relasjonell koordinering)",
        "nb",
        {
            "frequent": "Kontakten min med {group} om personene vi begge hjelper, er …",
            "timely": "Jeg får det jeg trenger fra {group} når jeg trenger det.",
            "accurate": "Det jeg får fra {group}, kan jeg stole på.",
            "problem_solving": "Når noe går galt mellom oss og {group}, finner vi løsningen sammen.",
            "shared_goals": "{group} og jeg vil det samme for personene vi hjelper.",
            "shared_knowledge": "{group} vet hva min jobb går ut på.",
            "mutual_respect": "{group} verdsetter arbeidet jeg gjør.",
        },
        {"frequent": FREQUENCY_NB, "*": AGREE_NB},
    ),
    (RC, "en"): Pack(
        RC,
        "Laget's own statements (relational coordination)",
        "en",
        {
            "frequent": "My contact with {group} about the people we both help is …",
            "timely": "I get what I need from {group} when I need it.",
            "accurate": "I can rely on what I get from {group}.",
            "problem_solving": "When something goes wrong between us and {group}, we find the solution together.",
            "shared_goals": "{group} and I want the same for the people we help.",
            "shared_knowledge": "{group} knows what my job involves.",
            "mutual_respect": "{group} values the work I do.",
        },
        {"frequent": FREQUENCY_EN, "*": AGREE_EN},
    ),
    (PS, "nb"): Pack(
        PS,
        "Lagets egne utsagn (psykologisk trygghet i eget team)",
        "nb",
        {
            "ps1": "I teamet mitt kan vi ta opp problemer og vanskelige saker.",
            "ps2": "Gjør du en feil her, blir det ofte brukt mot deg.",
            "ps3": "Det er trygt å prøve noe nytt i teamet mitt.",
            "ps4": "Noen i teamet blir holdt utenfor fordi de er annerledes.",
            "ps5": "Det er lett å be de andre i teamet om hjelp.",
            "ps6": "Ingen i teamet ville med vilje gjøre arbeidet mitt vanskeligere.",
            "ps7": "Det jeg kan, blir ikke sett eller brukt i teamet.",
        },
        {"*": AGREE_NB},
    ),
    (PS, "en"): Pack(
        PS,
        "Laget's own statements (psychological safety in one's team)",
        "en",
        {
            "ps1": "In my team we can raise problems and difficult issues.",
            "ps2": "If you make a mistake here, it is often held against you.",
            "ps3": "It is safe to try something new in my team.",
            "ps4": "Some people in the team are left out for being different.",
            "ps5": "It is easy to ask the others in the team for help.",
            "ps6": "Nobody in the team would deliberately make my work harder.",
            "ps7": "What I am good at is not seen or used in the team.",
        },
        {"*": AGREE_EN},
    ),
    (CAPACITY, "nb"): Pack(
        CAPACITY,
        "Lagets egne spørsmål (relasjonell kapasitet)",
        "nb",
        {
            "information": "Hvor godt deler tjenestene informasjon med hverandre?",
            "knowing": "Hvor godt kjenner tjenestene hverandres arbeid?",
            "cooperation": "Hvor godt samarbeider tjenestene i det daglige?",
            "problem_solving": "Hvor godt løser tjenestene problemer sammen?",
            "innovation": "Hvor godt finner tjenestene nye måter å jobbe sammen på?",
        },
        {"*": QUALITY_NB},
    ),
    (CAPACITY, "en"): Pack(
        CAPACITY,
        "Laget's own questions (relational capacity)",
        "en",
        {
            "information": "How well do the services share information?",
            "knowing": "How well do the services know each other's work?",
            "cooperation": "How well do the services cooperate day to day?",
            "problem_solving": "How well do the services solve problems together?",
            "innovation": "How well do the services find new ways of working together?",
        },
        {"*": QUALITY_EN},
    ),
}


BUILT_IN[(SERVICE, "nb")] = Pack(
    SERVICE,
    "Lagets egne utsagn (brukerundersøkelse)",
    "nb",
    {
        "listened": "Jeg ble lyttet til.",
        "own_goals": "Hjelpen handlet om det som er viktig for meg.",
        "together": "Tjenestene samarbeidet godt om hjelpen til meg.",
        "information": "Jeg visste hvem jeg skulle kontakte.",
        "respect": "Jeg ble møtt med respekt.",
    },
    {"*": AGREE_NB},
)
BUILT_IN[(SERVICE, "en")] = Pack(
    SERVICE,
    "Laget's own statements (user survey)",
    "en",
    {
        "listened": "I was listened to.",
        "own_goals": "The help was about what matters to me.",
        "together": "The services worked well together on my help.",
        "information": "I knew whom to contact.",
        "respect": "I was treated with respect.",
    },
    {"*": AGREE_EN},
)


def built_in(instrument: str, language: str) -> Pack:
    return BUILT_IN.get((instrument, language)) or BUILT_IN[(instrument, "nb")]


class TextPackProblem(ValueError):
    pass


def parse_pack(data: object) -> Pack:
    """A text pack from its JSON form; every problem is told in Norwegian."""
    if not isinstance(data, dict):
        raise TextPackProblem("Filen må være ett JSON-objekt.")
    instrument = data.get("instrument")
    if instrument not in INSTRUMENTS:
        raise TextPackProblem("«instrument» må være rc, ps eller capacity.")
    items = data.get("items")
    if not isinstance(items, dict) or set(items) != set(KEYS[instrument]):
        raise TextPackProblem(
            "«items» må ha nøyaktig disse nøklene: " + ", ".join(KEYS[instrument]) + "."
        )
    if any(not isinstance(t, str) or not t.strip() for t in items.values()):
        raise TextPackProblem("Hver tekst i «items» må være en ikke-tom tekst.")
    if instrument == RC and any("{group}" not in t for t in items.values()):
        raise TextPackProblem("Hver RK-tekst må inneholde {group} der gruppens navn skal stå.")
    scale = data.get("scale", {})
    if not isinstance(scale, dict) or any(
        not isinstance(v, list) or len(v) != 5 for v in scale.values()
    ):
        raise TextPackProblem("«scale» må gi fem etiketter per nøkkel.")
    language = data.get("language", "nb")
    if language not in ("nb", "en"):
        raise TextPackProblem("«language» må være nb eller en.")
    name = str(data.get("name") or "").strip()
    if not name:
        raise TextPackProblem("Gi tekstpakken et navn («name»).")
    return Pack(instrument, name, language, dict(items), dict(scale), str(data.get("licence", "")))
