"""The FHIR search parameters Laget accepts, checked before anything is read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

PAGE_SIZE = 50


class SearchForm(forms.Form):
    patient = forms.CharField(
        max_length=40,
        error_messages={
            "required": _("Say whose data you want: ?patient= followed by the Patient id.")
        },
    )
    _count = forms.IntegerField(min_value=1, required=False)
    _offset = forms.IntegerField(min_value=0, max_value=10**9, required=False)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        # Names with a leading underscore are FHIR's; Django's form fields take them as is.
        self.fields["_count"].error_messages["invalid"] = _("_count must be a whole number.")
        self.fields["_offset"].error_messages["invalid"] = _("_offset must be a whole number.")

    def clean_patient(self) -> int:
        value = self.cleaned_data["patient"].removeprefix("Patient/")
        if not value.isdigit() or len(value) > 18:
            raise forms.ValidationError(
                _("Say whose data you want: ?patient= followed by the Patient id.")
            )
        return int(value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        values = self.data.getlist("_lastUpdated") if hasattr(self.data, "getlist") else []
        cleaned["updated"] = [b for value in values[:4] for b in last_updated_bounds(value)]
        return cleaned

    def last_updated(self) -> list[tuple[str, dt.datetime]]:
        return list(self.cleaned_data.get("updated", []))

    def page(self) -> tuple[int, int, int]:
        """(patient, count, offset), count at most PAGE_SIZE."""
        count = min(self.cleaned_data.get("_count") or PAGE_SIZE, PAGE_SIZE)
        return self.cleaned_data["patient"], count, self.cleaned_data.get("_offset") or 0


PREFIXES = ("ge", "gt", "le", "lt")


def last_updated_bounds(value: str) -> list[tuple[str, dt.datetime]]:
    """`_lastUpdated=ge2026-01-01` (or gt, le, lt; a date or a date and time) as lookups.

    A date is the whole day (FHIR's precision rule): ge a day is from its start, gt a day
    from the next day's start, le a day until the next day's start, lt a day until its
    start."""
    prefix, rest = value[:2], value[2:]
    try:
        moment = parse_datetime(rest) if "T" in rest else None
        day = parse_date(rest) if moment is None and len(rest) == 10 else None
    except ValueError:  # well-formed but impossible, e.g. month 13
        moment = day = None
    if prefix not in PREFIXES or (moment is None and day is None):
        raise forms.ValidationError(
            _(
                "_lastUpdated must be ge, gt, le or lt followed by a date, e.g. "
                "_lastUpdated=ge2026-01-31 or ge2026-01-31T08:00:00+01:00."
            )
        )
    if moment is not None:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return [({"ge": "gte", "le": "lte"}.get(prefix, prefix), moment)]
    if day is None:  # for mypy: checked above
        raise forms.ValidationError(_("_lastUpdated must be a date."))
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    return [
        {"ge": ("gte", start), "gt": ("gte", end), "le": ("lt", end), "lt": ("lt", start)}[prefix]
    ]
