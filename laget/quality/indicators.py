"""The quality indicators on the Directorate of Health's six dimensions (issue 19): what
each one counts, and the computation. The definitions page, the leaders' pages, the
exports and `manage.py quality_report` all read this one list.

Every count comes from another app's `aggregates` module (numbers per month, never a
name or an id), one query per indicator whatever the number of months. The pages read
them through `quality.figures`, which keeps closed months' counts so that a page's cost
does not follow the number of persons.

Small cells: a month whose denominator counts persons and is below MIN_CELL (5, the
default in design/domain.md; 3 is the absolute floor) is shown as `suppressed`, never as
a number. A month with nothing to count is `None` ("nothing to count"), not zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from laget.continuity import aggregates as continuity
from laget.core.months import Cell
from laget.directory.models import Network, Service
from laget.meetings import aggregates as meetings
from laget.outcomes import aggregates as outcomes
from laget.plans import aggregates as plans
from laget.surveys import aggregates as surveys
from laget.teams import aggregates as teams

MIN_CELL = 5
SUPPRESSED = "suppressed"

DIMENSIONS: dict[str, Promise] = {
    "user_involvement": _("Involve users and give them influence"),
    "coordination_continuity": _("Coordinated and marked by continuity"),
    "effectiveness": _("Effective"),
    "availability": _("Available and fairly distributed"),
    "resources": _("Use resources well"),
    "safety": _("Safe"),
}

# percent: 100 × numerator / denominator; mean: numerator × scale / denominator (per unit);
# total: numerator × scale (the denominator only says how many records it comes from).
Kind = Literal["percent", "mean", "total"]
DAY = 1 / 86400  # seconds to days
HOUR = 1 / 3600  # seconds to hours

Compute = Callable[..., list[Cell]]


@dataclass(frozen=True)
class Indicator:
    id: str
    dimension: str
    title: Promise
    numerator: Promise
    denominator: Promise
    period: Promise
    source: str  # the function that counts, for the reader of the definitions
    unit: Promise
    kind: Kind = "percent"
    scale: float = 1.0
    compute: Compute | None = None  # None: the source is not in Laget yet
    missing_source: Promise | None = None
    # False for counts of staff work (no person can be singled out).
    suppress: bool = True
    higher_is_better: bool = True
    by_age_group: bool = False
    by_district: bool = False  # by the network's municipality districts
    notes: tuple[Promise, ...] = field(default_factory=tuple)

    @property
    def source_available(self) -> bool:
        return self.compute is not None

    def value(self, cell: Cell) -> float | str | None:
        """The month's figure: a number, SUPPRESSED, or None when there is nothing to count."""
        numerator, denominator = cell
        if denominator == 0:
            return None
        if self.suppress and denominator < MIN_CELL:
            return SUPPRESSED
        if self.kind == "percent":
            return round(100 * numerator / denominator, 1)
        if self.kind == "mean":
            return round(numerator * self.scale / denominator, 1)
        return round(numerator * self.scale, 1)

    def definition(self) -> dict[str, str]:
        out = self._definition()
        parts = [
            name
            for name, on in (
                ("age group", self.by_age_group),
                ("municipality district", self.by_district),
            )
            if on
        ]
        if parts:  # shown on the trend page, not in the exports or the report
            out["breakdown"] = " and ".join(parts)
        return out

    def _definition(self) -> dict[str, str]:
        return {
            "dimension": self.dimension,
            "numerator": str(self.numerator),
            "denominator": str(self.denominator),
            "period": str(self.period),
            "source": self.source,
            "unit": str(self.unit),
            "computed_as": {
                "percent": "100 × numerator / denominator",
                "mean": "numerator / denominator",
                "total": "numerator",
            }[self.kind],
            "small_cells": (
                f"suppressed when the denominator is below {MIN_CELL}"
                if self.suppress
                else "not suppressed: counts staff work, names no person"
            ),
        }


AGE_NOTE = _(
    "By age group on the month's first day, and by municipality district as recorded on "
    "the person today (the districts the network has defined; a referral without a "
    "registered person, or a person without a district, counts as district not recorded)."
)
# A breakdown ("group") is an age group (teams.aggregates.AGE_GROUPS) or a district:
# DISTRICT_PREFIX + the District's id, or + DISTRICT_UNKNOWN.
DISTRICT_PREFIX = "district:"


def district_group(district_id: int | str) -> str:
    return f"{DISTRICT_PREFIX}{district_id}"


def split_group(group: str | None) -> tuple[str | None, str | None]:
    """(age group, district) of a breakdown; at most one is set."""
    if group is not None and group.startswith(DISTRICT_PREFIX):
        return None, group.removeprefix(DISTRICT_PREFIX)
    return group, None


MONTH = _("calendar month (local time); the current month so far")

INDICATORS: list[Indicator] = [
    # --- user involvement
    Indicator(
        id="ui_goals_own_words",
        dimension="user_involvement",
        title=_("Plans with goals in the person's own words"),
        numerator=_("plans in use with at least one goal recorded by the month's end"),
        denominator=_("plans in use in the month (past draft, not closed before it)"),
        period=MONTH,
        source="laget.plans.aggregates.goals_in_own_words",
        unit=_("percent"),
        compute=plans.goals_in_own_words,
        notes=(
            _("A goal in Laget is written in the person's own words (the field asks for them)."),
        ),
    ),
    Indicator(
        id="ui_person_attended",
        dimension="user_involvement",
        title=_("Meetings the person attended"),
        numerator=_("of these, meetings the person attended"),
        denominator=_(
            "responsibility-group meetings held in the month where the person was invited "
            "and attendance was recorded"
        ),
        period=MONTH,
        source="laget.meetings.aggregates.person_attended",
        unit=_("percent"),
        compute=meetings.person_attended,
    ),
    Indicator(
        id="ui_consent_digital",
        dimension="user_involvement",
        title=_("Consent to the plan given digitally by the person"),
        numerator=_("of these, consents the person gave digitally in Laget"),
        denominator=_("plans whose consent was recorded in the month"),
        period=MONTH,
        source="laget.plans.aggregates.consent_digital",
        unit=_("percent"),
        compute=plans.consent_digital,
    ),
    Indicator(
        id="ui_outcome_ratings",
        dimension="user_involvement",
        title=_("Plans where the person gave an outcome rating"),
        numerator=_("of these, plans with a rating by the person dated in the month"),
        denominator=_("plans in use in the month"),
        period=MONTH,
        source="laget.outcomes.aggregates.plans_rated",
        unit=_("percent"),
        compute=outcomes.plans_rated,
    ),
    Indicator(
        id="ui_user_survey_answered",
        dimension="user_involvement",
        title=_("Persons who answered the user survey of the services"),
        numerator=_("of these, persons who have answered it"),
        denominator=_("persons first told of a user survey in the month"),
        period=MONTH,
        source="laget.surveys.aggregates.user_survey_answered",
        unit=_("percent"),
        compute=surveys.user_survey_answered,
        notes=(
            _(
                "Counts invitations, never answers: who answered what cannot be known. "
                "The answers themselves are on the survey's own results page, per service."
            ),
        ),
    ),
    # --- coordination and continuity
    Indicator(
        id="cc_gap_days",
        dimension="coordination_continuity",
        title=_("Days without a responsible service"),
        numerator=_("days in the month with no responsible service, summed over persons"),
        denominator=_("persons followed: an episode on record that began before the month's end"),
        period=MONTH,
        source="laget.continuity.aggregates.gap_days",
        unit=_("days per person"),
        kind="mean",
        compute=continuity.gap_days,
        higher_is_better=False,
    ),
    Indicator(
        id="cc_handoff_wait",
        dimension="coordination_continuity",
        title=_("Waiting time for a hand-off"),
        numerator=_("days from the request to the answer, summed"),
        denominator=_("hand-offs accepted or declined in the month"),
        period=MONTH,
        source="laget.continuity.aggregates.handoff_wait",
        unit=_("days on average"),
        kind="mean",
        scale=DAY,
        compute=continuity.handoff_wait,
        higher_is_better=False,
    ),
    Indicator(
        id="cc_handoffs_declined",
        dimension="coordination_continuity",
        title=_("Hand-offs declined"),
        numerator=_("of these, hand-offs declined"),
        denominator=_("hand-offs accepted or declined in the month"),
        period=MONTH,
        source="laget.continuity.aggregates.handoffs_declined",
        unit=_("percent"),
        compute=continuity.handoffs_declined,
        higher_is_better=False,
    ),
    Indicator(
        id="cc_past_revision",
        dimension="coordination_continuity",
        title=_("Plans past their revision date"),
        numerator=_("of these, plans whose revision date lay before the month's end"),
        denominator=_("plans in use at the month's end"),
        period=MONTH,
        source="laget.plans.aggregates.past_revision",
        unit=_("percent"),
        compute=plans.past_revision,
        higher_is_better=False,
        notes=(_("The revision date as recorded today: Laget keeps no history of it."),),
    ),
    Indicator(
        id="cc_coordinator_present",
        dimension="coordination_continuity",
        title=_("Coordinator present at meetings"),
        numerator=_("of these, meetings a coordinator of the plan attended"),
        denominator=_("responsibility-group meetings held in the month with attendance recorded"),
        period=MONTH,
        source="laget.meetings.aggregates.coordinator_present",
        unit=_("percent"),
        compute=meetings.coordinator_present,
    ),
    # --- effectiveness
    Indicator(
        id="ef_reliable_improvement",
        dimension="effectiveness",
        title=_("Reliable improvement where ratings exist"),
        numerator=_(
            "of these, plans where a follow-up rating is better than the first by at least "
            "the instrument's reliable change"
        ),
        denominator=_(
            "plans with a follow-up rating by the person in the month (outcome instruments, "
            "not the session scale)"
        ),
        period=MONTH,
        source="laget.outcomes.aggregates.reliable_improvement",
        unit=_("percent"),
        compute=outcomes.reliable_improvement,
    ),
    Indicator(
        id="ef_perceived_change",
        dimension="effectiveness",
        title=_("Perceived change after the Samhandlingsteam"),
        numerator=_(
            "of these, cases where the person's latest rating of their life situation is "
            "better than at intake"
        ),
        denominator=_(
            "cases with the Samhandlingsteam closed in the month, with the person's perceived "
            "change recorded at intake and at least once more (with their agreement)"
        ),
        period=MONTH,
        source="laget.teams.aggregates.perceived_change",
        unit=_("percent"),
        compute=teams.perceived_change,
    ),
    # --- availability and fair distribution
    Indicator(
        id="av_referral_to_decision",
        dimension="availability",
        title=_("From referral to decision (Samhandlingsteam)"),
        numerator=_("days from the referral to the intake decision, summed"),
        denominator=_("intake decisions made in the month"),
        period=MONTH,
        source="laget.teams.aggregates.referral_to_decision",
        unit=_("days on average"),
        kind="mean",
        scale=DAY,
        compute=teams.referral_to_decision,
        higher_is_better=False,
        by_age_group=True,
        by_district=True,
        notes=(AGE_NOTE,),
    ),
    Indicator(
        id="av_referral_to_first_contact",
        dimension="availability",
        title=_("From referral to first contact (Samhandlingsteam)"),
        numerator=_("days from the referral to the first contact, summed"),
        denominator=_("cases whose first contact fell in the month"),
        period=MONTH,
        source="laget.teams.aggregates.referral_to_first_contact",
        unit=_("days on average"),
        kind="mean",
        scale=DAY,
        compute=teams.referral_to_first_contact,
        higher_is_better=False,
        by_age_group=True,
        by_district=True,
        notes=(AGE_NOTE,),
    ),
    # --- good use of resources
    Indicator(
        id="rs_meeting_hours",
        dimension="resources",
        title=_("Meeting hours per person"),
        numerator=_("hours of responsibility-group meetings held in the month"),
        denominator=_("persons with such a meeting in the month"),
        period=MONTH,
        source="laget.meetings.aggregates.meeting_hours",
        unit=_("hours per person"),
        kind="mean",
        scale=HOUR,
        compute=meetings.meeting_hours,
        higher_is_better=False,
    ),
    Indicator(
        id="rs_guidance_given",
        dimension="resources",
        title=_("Guidance given by the Samhandlingsteam across levels"),
        numerator=_("minutes of guidance the team gave to services of either level"),
        denominator=_("guidance sessions recorded in the month"),
        period=MONTH,
        source="laget.teams.aggregates.guidance_given",
        unit=_("hours"),
        kind="total",
        scale=1 / 60,
        compute=teams.guidance_given,
        suppress=False,
    ),
    Indicator(
        id="rs_guidance_received",
        dimension="resources",
        title=_("Guidance received by the Samhandlingsteam across levels"),
        numerator=_("minutes of guidance the team received from services of either level"),
        denominator=_("guidance sessions recorded in the month"),
        period=MONTH,
        source="laget.teams.aggregates.guidance_received",
        unit=_("hours"),
        kind="total",
        scale=1 / 60,
        compute=teams.guidance_received,
        suppress=False,
    ),
    # --- safety
    Indicator(
        id="sf_overdue_tasks",
        dimension="safety",
        title=_("Overdue tasks"),
        numerator=_("of these, tasks still open"),
        denominator=_("tasks due in the month (up to yesterday)"),
        period=MONTH,
        source="laget.plans.aggregates.overdue_tasks",
        unit=_("percent"),
        compute=plans.overdue_tasks,
        higher_is_better=False,
    ),
    Indicator(
        id="sf_emergency_reviewed",
        dimension="safety",
        title=_("Emergency accesses reviewed in time"),
        numerator=_("of these, accesses the coordinator reviewed within 7 days of their end"),
        denominator=_("emergency accesses that ended in the month, more than 7 days ago"),
        period=MONTH,
        source="laget.plans.aggregates.emergency_reviewed",
        unit=_("percent"),
        compute=plans.emergency_reviewed,
    ),
    Indicator(
        id="sf_consent_lapsed_open_measures",
        dimension="safety",
        title=_("Consents lapsed while measures are open"),
        numerator=_("of these, consents whose service still has an open measure in the plan"),
        denominator=_(
            "consents to a service that ran out in the month (not withdrawn, not renewed)"
        ),
        period=MONTH,
        source="laget.plans.aggregates.consents_lapsed_with_open_measures",
        unit=_("percent"),
        compute=plans.consents_lapsed_with_open_measures,
        higher_is_better=False,
    ),
]

BY_ID: dict[str, Indicator] = {i.id: i for i in INDICATORS}


@dataclass(frozen=True)
class MonthFigure:
    month: dt.date
    value: float | str | None  # a number, SUPPRESSED, or None: nothing to count
    numerator: float | None  # None when suppressed
    denominator: int | None

    @property
    def suppressed(self) -> bool:
        return self.value == SUPPRESSED

    @property
    def number(self) -> float | None:
        return self.value if isinstance(self.value, float | int) else None


@dataclass(frozen=True)
class Series:
    indicator: Indicator
    months: list[MonthFigure]

    @property
    def latest(self) -> MonthFigure | None:
        return self.months[-1] if self.months else None


def to_series(indicator: Indicator, months: Sequence[dt.date], cells: Sequence[Cell]) -> Series:
    """The figures shown for counted cells, stored or live alike: suppression and rounding
    happen here, at display, never in what is counted or stored."""
    figures = []
    for month, cell in zip(months, cells, strict=True):
        value = indicator.value(cell)
        shown = value != SUPPRESSED
        numerator: float = (
            int(cell[0]) if indicator.kind == "percent" else round(cell[0] * indicator.scale, 1)
        )
        figures.append(
            MonthFigure(
                month,
                value,
                numerator if shown else None,
                cell[1] if shown else None,
            )
        )
    return Series(indicator, figures)


def missing(indicator: Indicator, months: Sequence[dt.date]) -> Series:
    """An indicator whose source is not in Laget yet: no figures at all."""
    return Series(indicator, [MonthFigure(m, None, None, None) for m in months])


def count(
    indicator: Indicator,
    network: Network | None,
    months: Sequence[dt.date],
    service: Service | None = None,
    age_group: str | None = None,
) -> list[Cell]:
    """The live count from the owning app's `aggregates` (one query whatever the months)."""
    if indicator.compute is None:
        raise ValueError(f"{indicator.id} has no source in Laget yet")
    kwargs: dict[str, Any] = {"service": service}
    age, district = split_group(age_group)
    if age is not None:
        kwargs["age_group"] = age
    if district is not None:
        kwargs["district"] = district
    return indicator.compute(network, months, **kwargs)


def compute(
    indicator: Indicator,
    network: Network | None,
    months: Sequence[dt.date],
    service: Service | None = None,
    age_group: str | None = None,
) -> Series:
    """Live, from the other apps' rows. Pages, exports, the API and the command read
    through `quality.figures.read` instead, which uses the stored months."""
    if indicator.compute is None:
        return missing(indicator, months)
    return to_series(indicator, months, count(indicator, network, months, service, age_group))


def month_key(month: dt.date) -> str:
    return f"{month:%Y-%m}"
