"""Everything a round's results page shows, from the analysis: pure functions, no ORM.

Every figure here is built from visible cells and groups only (those with at least
`min_n` respondents), so no total, difference or ranking can give a hidden one away.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from laget.surveys.analysis import ABSOLUTE_MIN_N, t_quantile_975

WEAK, STRONG = 3.5, 4.0  # interpretation bands seen in practice (domain.md)


def band(value: float | None) -> str:
    if value is None:
        return "none"
    return "weak" if value < WEAK else ("moderate" if value <= STRONG else "strong")


def _standard_error(cell: dict) -> float:
    """The cell mean's standard error, from its 95 % interval and n."""
    low, high = cell["ci95"]
    return (high - low) / 2 / t_quantile_975(cell["n"] - 1)


def compare(a: dict, b: dict) -> dict:
    """a − b for two independent visible cells: the difference, its 95 % interval
    (Welch) and whether the interval leaves out zero."""
    se_a, se_b = _standard_error(a), _standard_error(b)
    se = math.sqrt(se_a**2 + se_b**2)
    difference = a["rc"] - b["rc"]
    if se == 0:
        return {
            "difference": difference,
            "ci95": [difference, difference],
            "clear": difference != 0,
        }
    df = se**4 / (se_a**4 / (a["n"] - 1) + se_b**4 / (b["n"] - 1)) if se_a or se_b else 1
    half = t_quantile_975(max(1, int(df))) * se
    low, high = difference - half, difference + half
    return {"difference": difference, "ci95": [low, high], "clear": low > 0 or high < 0}


def reciprocity(cells: list[dict]) -> list[dict]:
    """Each pair of groups with both directions visible: A→B against B→A."""
    by_tie = {(c["rater"], c["target"]): c for c in cells if not c.get("suppressed")}
    pairs = []
    for (a, b), forward in sorted(by_tie.items()):
        backward = by_tie.get((b, a))
        if a < b and backward is not None:
            pairs.append(
                {"a": a, "b": b, "a_to_b": forward["rc"], "b_to_a": backward["rc"]}
                | compare(forward, backward)
            )
    return sorted(pairs, key=lambda p: -abs(p["difference"]))


def weakest(cells: list[dict], count: int = 5) -> list[dict]:
    """The weakest visible ties between groups, each with the dimensions that pull it down
    (those below the tie's own index)."""
    between = [c for c in cells if not c.get("suppressed") and c["rater"] != c["target"]]
    out = []
    for c in sorted(between, key=lambda c: c["rc"])[:count]:
        low = sorted(
            ((item, v) for item, v in c["dimensions"].items() if v is not None and v < c["rc"]),
            key=lambda iv: iv[1],
        )
        out.append(
            {
                "rater": c["rater"],
                "target": c["target"],
                "rc": c["rc"],
                "n": c["n"],
                "pulling_down": [i for i, _ in low[:3]],
            }
        )
    return out


def change(cells: list[dict], previous: list[dict] | None) -> list[dict]:
    """Round-to-round change per tie, only where the tie is visible in both rounds."""
    if not previous:
        return []
    before = {(c["rater"], c["target"]): c for c in previous if not c.get("suppressed")}
    out = []
    for c in cells:
        old = before.get((c["rater"], c["target"]))
        if c.get("suppressed") or old is None:
            continue
        out.append(
            {"rater": c["rater"], "target": c["target"], "now": c["rc"], "before": old["rc"]}
            | compare(c, old)
        )
    return out


def group_scores(
    rows: Iterable[tuple[str, str, str, float]], keys: tuple[str, ...], min_n: int
) -> dict:
    """Team-level instruments (psychological safety, relational capacity): rows are
    (respondent, group, item, scored value). Per group: n and the mean per item and
    overall, suppressed below min_n; "all" is over the visible groups only."""
    min_n = max(min_n, ABSOLUTE_MIN_N)
    per: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for respondent, group, item, value in rows:
        per[group][respondent][item] = value
    groups = []
    visible_people: list[dict[str, float]] = []
    for group in sorted(per):
        people = list(per[group].values())
        entry: dict = {"group": group, "n": len(people)}
        if len(people) < min_n:
            entry["suppressed"] = True
        else:
            entry.update(suppressed=False, **_means(people, keys))
            visible_people += people
        groups.append(entry)
    overall = {"n": len(visible_people)} | (_means(visible_people, keys) if visible_people else {})
    return {"groups": groups, "all": overall}


def _means(people: list[dict[str, float]], keys: tuple[str, ...]) -> dict:
    items = {}
    for key in keys:
        values = [p[key] for p in people if key in p]
        items[key] = float(np.mean(values)) if values else None
    person_means = [float(np.mean(list(p.values()))) for p in people if p]
    return {"items": items, "mean": float(np.mean(person_means)) if person_means else None}


def margins(cells: list[dict]) -> dict:
    """How each group rates the others and is rated by them: means over visible cells."""
    given: dict[str, list[float]] = defaultdict(list)
    received: dict[str, list[float]] = defaultdict(list)
    for c in cells:
        if not c.get("suppressed") and c["rater"] != c["target"]:
            given[c["rater"]].append(c["rc"])
            received[c["target"]].append(c["rc"])
    return {
        "given": {g: float(np.mean(v)) for g, v in given.items()},
        "received": {g: float(np.mean(v)) for g, v in received.items()},
    }


def readings(rc: dict) -> dict[str, str]:
    """One plain sentence per reliability figure: what it means for the reader of this
    round's numbers (ICC(2) for the group figures, Cronbach's α for the index, r_wg for
    agreement inside the groups). Thresholds are the usual ones in the literature:
    0.7 for ICC(2) and r_wg, 0.7 and 0.8 for α."""
    out: dict[str, str] = {}
    icc2 = rc.get("icc2")
    if icc2 is not None:
        if icc2 >= 0.7:
            out["icc"] = _(
                "The answers within a group are alike: the group figures can be trusted."
            )
        elif icc2 >= 0.4:
            out["icc"] = _(
                "The answers within a group are somewhat alike: read the group figures as a"
                " pointer, not as exact."
            )
        else:
            out["icc"] = _(
                "The answers within a group are little alike: read the group figures with care."
            )
    alpha = (rc.get("alpha") or {}).get("rc")
    if alpha is not None:
        if alpha >= 0.8:
            out["alpha"] = _("The questions measure the same thing: the index sums them up well.")
        elif alpha >= 0.7:
            out["alpha"] = _(
                "The questions hang together well enough to be summed up in one index."
            )
        else:
            out["alpha"] = _(
                "The questions hang together little: look at each question, not only the index."
            )
    rwgs = [
        c["rwg"]
        for c in rc.get("cells", [])
        if not c.get("suppressed") and c.get("rwg") is not None
    ]
    if rwgs:
        median = float(np.median(rwgs))
        low = sum(1 for r in rwgs if r < 0.7)
        if median >= 0.7 and low == 0:
            out["rwg"] = _("Those in the same group agree about each tie.")
        elif median >= 0.7:
            out["rwg"] = ngettext(
                "Those in the same group mostly agree about each tie; on %(n)d tie they"
                " disagree: talk about why before drawing conclusions from it.",
                "Those in the same group mostly agree about each tie; on %(n)d ties they"
                " disagree: talk about why before drawing conclusions from them.",
                low,
            ) % {"n": low}
        else:
            out["rwg"] = _(
                "Those in the same group often disagree about a tie: talk about why before"
                " drawing conclusions."
            )
        out["rwg_median"] = f"{median:.2f}"
    return out
