"""The FHIR search parameters Laget accepts, checked before anything is read."""

from __future__ import annotations

from typing import Any

from django import forms
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

    def page(self) -> tuple[int, int, int]:
        """(patient, count, offset), count at most PAGE_SIZE."""
        count = min(self.cleaned_data.get("_count") or PAGE_SIZE, PAGE_SIZE)
        return self.cleaned_data["patient"], count, self.cleaned_data.get("_offset") or 0
