"""The instruments: items, scale, scoring, missing-item rules, cut-off and reliable change.

Pure data and arithmetic, no database. The wording people read lives in text packs
(textpacks.py); what is here is structure and published scoring, which carry no licence.
The values and their sources are in the README ("Outcome ratings: the values used"):

- outcome, alliance, group_alliance: four 0–10 lines each (the ORS/SRS/GSRS structure),
  total 0–40, higher is better; no line may be left out. Outcome: adult clinical cut-off
  25, reliable change 5 (Miller, Duncan, Brown, Sparks & Claud 2003, J. Brief Therapy 2:
  91–100; Duncan 2012, The Partners for Change Outcome Management System, Canadian
  Psychology 53: 93–104; adolescents 28 and children 32 are the same authors' values,
  not used: Laget rates adults). Alliance: cut-off 36 (Duncan, Miller, Sparks, Claud,
  Reynolds, Brown & Johnson 2003, J. Brief Therapy 3: 3–12); there is no published
  reliable-change value for it, so Laget uses the outcome scale's 5 on the same 0–40
  structure (and the alert watches a fall of one point). Group alliance: the same values
  as the alliance (Laget's choice).
- phq9 (0–27) and gad7 (0–21): items 0–3, lower is better. PHQ-9 caseness ≥ 10 (Kroenke,
  Spitzer & Williams 2001, J. Gen. Intern. Med. 16: 606–613; bands 5/10/15/20), GAD-7
  caseness ≥ 8 (the threshold the English NHS Talking Therapies programme uses; Spitzer
  et al. 2006 give bands 5/10/15). Reliable change 6 and 4 (NHS Talking Therapies manual).
  Missing items: at most two (PHQ-9) or one (GAD-7), prorated by the mean of the answered
  items, rounded half up (the programme's rule); more missing and there is no total.
- audit (0–40): items 0–4, items 9–10 scored 0, 2 or 4; ≥ 8 hazardous use (Babor et al.
  2001, the WHO AUDIT manual; zones 8/16/20). audit_c (items 1–3, 0–12): ≥ 5 (the UK
  public-health threshold for "increasing risk"; Bush et al. 1998 give ≥ 4 for men, ≥ 3
  for women). dudit (0–44): items 10–11 scored 0, 2 or 4; ≥ 6 men, ≥ 2 women, ≥ 25
  probable dependence (Berman et al. 2005, Eur. Addict. Res. 11: 22–31). No item may be
  left out. None of the three has a published reliable-change value in points: the ones
  here are Laget's working values, to be replaced from local norms with
  jacobson_truax(sd, r) below.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HIGHER = "higher_is_better"
LOWER = "lower_is_better"

LINE = tuple(range(0, 101))  # a 0–10 line in tenths


@dataclass(frozen=True)
class Instrument:
    key: str
    items: tuple[str, ...]
    direction: str
    cutoff: float
    reliable_change: float
    # Allowed raw values per item; lines are 0.0–10.0 in steps of 0.1.
    values: Mapping[str, tuple[int, ...]]
    lines: bool = False
    max_missing: int = 0
    # For the report: what the cut-off means in words is in textpacks / templates.

    @property
    def minimum(self) -> float:
        return 0.0

    @property
    def maximum(self) -> float:
        if self.lines:
            return 10.0 * len(self.items)
        return float(sum(max(v) for v in self.values.values()))

    @property
    def integer_totals(self) -> bool:
        return not self.lines

    def in_clinical_range(self, total: float) -> bool:
        """Below the cut-off where higher is better (exactly on it is outside); at or above
        it where lower is better (exactly on it is inside)."""
        if self.direction == HIGHER:
            return total < self.cutoff
        return total >= self.cutoff

    def improvement(self, first: float, last: float) -> float:
        """How much better: positive when the person got better, whatever the direction."""
        change = last - first
        return change if self.direction == HIGHER else -change


def _choices(n: int, top: int = 4, scored_024: tuple[int, ...] = ()) -> dict[str, tuple]:
    out: dict[str, tuple[int, ...]] = {}
    for i in range(1, n + 1):
        out[f"q{i}"] = (0, 2, 4) if i in scored_024 else tuple(range(top + 1))
    return out


def _questionnaire(key: str, n: int, **kwargs) -> Instrument:
    top = kwargs.pop("top", 4)
    scored_024 = kwargs.pop("scored_024", ())
    values = _choices(n, top, scored_024)
    return Instrument(key=key, items=tuple(values), values=values, **kwargs)


OUTCOME_ITEMS = ("individual", "interpersonal", "social", "overall")
ALLIANCE_ITEMS = ("relationship", "goals", "approach", "overall")

OUTCOME = Instrument(
    key="outcome",
    items=OUTCOME_ITEMS,
    direction=HIGHER,
    cutoff=25,
    reliable_change=5,
    values=dict.fromkeys(OUTCOME_ITEMS, LINE),
    lines=True,
)
ALLIANCE = Instrument(
    key="alliance",
    items=ALLIANCE_ITEMS,
    direction=HIGHER,
    cutoff=36,
    # No published reliable-change value for the session scale; Laget uses the outcome
    # scale's 5 points on the same 0–40 structure (README). Alerts also watch a fall of 1.
    reliable_change=5,
    values=dict.fromkeys(ALLIANCE_ITEMS, LINE),
    lines=True,
)
# Group sessions: each participant rates the group alliance on the same four-line
# structure (the group version of the session scale; Laget's own labels), with the
# session scale's cut-off and reliable change (no separate published values for the
# group version are used here).
GROUP_ALLIANCE = Instrument(
    key="group_alliance",
    items=ALLIANCE_ITEMS,
    direction=HIGHER,
    cutoff=36,
    reliable_change=5,
    values=dict.fromkeys(ALLIANCE_ITEMS, LINE),
    lines=True,
)
PHQ9 = _questionnaire(
    "phq9", 9, top=3, direction=LOWER, cutoff=10, reliable_change=6, max_missing=2
)
GAD7 = _questionnaire("gad7", 7, top=3, direction=LOWER, cutoff=8, reliable_change=4, max_missing=1)
AUDIT = _questionnaire(
    "audit", 10, scored_024=(9, 10), direction=LOWER, cutoff=8, reliable_change=5
)
AUDIT_C = _questionnaire("audit_c", 3, direction=LOWER, cutoff=5, reliable_change=2)
DUDIT = _questionnaire(
    "dudit", 11, scored_024=(10, 11), direction=LOWER, cutoff=6, reliable_change=6
)

INSTRUMENTS: dict[str, Instrument] = {
    i.key: i for i in (OUTCOME, ALLIANCE, GROUP_ALLIANCE, PHQ9, GAD7, AUDIT, AUDIT_C, DUDIT)
}
# DUDIT's cut-off for women is 2 (6 for men); 25 or more suggests dependence. The CSV
# analysis carries no sex, so it uses the one value above (README).
DUDIT_CUTOFF_WOMEN = 2
DUDIT_DEPENDENCE = 25
# The instruments a CSV from elsewhere may name (issue 17, item 8).
CSV_INSTRUMENTS = ("outcome", "alliance", "phq9", "gad7", "audit", "dudit")
# PHQ-9's ninth item asks about thoughts of death or self-harm: above 0 is urgent.
PHQ9_RISK_ITEM = "q9"


class ScoringProblem(ValueError):
    """A rating that cannot be scored; the message is Norwegian and says what to do."""


def _half_up(x: float) -> int:
    return int(Decimal(repr(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_value(instrument: Instrument, item: str, raw: object) -> float | None:
    """One answer as a number on the instrument's scale; None when left out."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except ArithmeticError as exc:
        raise ScoringProblem(f"«{raw}» er ikke et tall. Skriv et tall.") from exc
    if not value.is_finite():
        raise ScoringProblem(f"«{raw}» er ikke et tall. Skriv et tall.")
    if instrument.lines:
        if value < 0 or value > 10:
            raise ScoringProblem("Hver linje går fra 0 til 10. Velg et tall mellom 0 og 10.")
        if value != value.quantize(Decimal("0.1")):
            raise ScoringProblem("Bruk høyst én desimal (for eksempel 6,4).")
        return float(value)
    if value != value.to_integral_value() or int(value) not in instrument.values[item]:
        allowed = ", ".join(str(v) for v in instrument.values[item])
        raise ScoringProblem(f"Svaret må være ett av disse: {allowed}.")
    return float(value)


def score(instrument: Instrument, answers: Mapping[str, object]) -> float:
    """The total by the instrument's published rules, or ScoringProblem.

    Lines: all four, total to one decimal. Questionnaires: the sum; PHQ-9 and GAD-7 allow
    a few missing items, prorated by the mean of the answered ones and rounded half up.
    """
    unknown = set(answers) - set(instrument.items)
    if unknown:
        raise ScoringProblem("Ukjent spørsmål: " + ", ".join(sorted(unknown)) + ".")
    values = {item: parse_value(instrument, item, answers.get(item)) for item in instrument.items}
    answered = [v for v in values.values() if v is not None]
    missing = len(instrument.items) - len(answered)
    if missing > instrument.max_missing:
        if instrument.lines:
            raise ScoringProblem("Sett et merke på alle fire linjene før du lagrer.")
        if instrument.max_missing:
            raise ScoringProblem(
                f"Svar på minst {len(instrument.items) - instrument.max_missing} "
                "av spørsmålene, ellers kan vi ikke regne ut en sum."
            )
        raise ScoringProblem("Svar på alle spørsmålene, ellers kan vi ikke regne ut en sum.")
    if instrument.lines:
        return round(sum(answered), 1)
    total = sum(answered)
    if missing:
        return float(_half_up(total * len(instrument.items) / len(answered)))
    return float(total)


def reliable_change_index(instrument: Instrument, first: float, last: float) -> str:
    """improved / deteriorated / none: a change is reliable when its size is at least the
    instrument's reliable-change value (in points)."""
    better = round(instrument.improvement(first, last), 6)
    if better >= instrument.reliable_change:
        return "improved"
    if -better >= instrument.reliable_change:
        return "deteriorated"
    return "none"


def clinically_significant(instrument: Instrument, first: float, last: float) -> bool:
    """Reliable improvement from inside the clinical range to outside it (recovery)."""
    return (
        reliable_change_index(instrument, first, last) == "improved"
        and instrument.in_clinical_range(first)
        and not instrument.in_clinical_range(last)
    )


def jacobson_truax(sd: float, reliability: float, z: float = 1.96) -> float:
    """The reliable-change value in points from a norm SD and the test-retest reliability:
    1.96 · S_diff, S_diff = √2 · SD · √(1 − r) (Jacobson & Truax 1991)."""
    if sd < 0 or not 0 <= reliability <= 1:
        raise ValueError("sd ≥ 0 and 0 ≤ r ≤ 1")
    return z * math.sqrt(2) * sd * math.sqrt(1 - reliability)


def rc_score(first: float, last: float, sd: float, reliability: float) -> float:
    """The Jacobson–Truax RC statistic (x2 − x1) / S_diff; |RC| ≥ 1.96 is reliable."""
    s_diff = math.sqrt(2) * sd * math.sqrt(1 - reliability)
    if s_diff == 0:
        raise ValueError("S_diff is zero")
    return (last - first) / s_diff
