"""The leaders' choice of period and service for the quality pages."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from laget.directory.models import Service
from laget.quality.selectors import DEFAULT_MONTHS, MAX_MONTHS


class PeriodForm(forms.Form):
    maaneder = forms.IntegerField(
        label=_("Months back"),
        min_value=1,
        max_value=MAX_MONTHS,
        required=False,
        error_messages={
            "invalid": _("Write the number of months as a whole number, for example 12."),
            "min_value": _("Choose at least 1 month."),
            "max_value": _("Choose at most %(limit_value)s months."),
        },
    )
    tjeneste = forms.ChoiceField(label=_("Service"), required=False)

    def __init__(self, *args, services: list[Service], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.services = {s.slug: s for s in services}
        field = cast(forms.ChoiceField, self.fields["tjeneste"])
        field.choices = [("", _("The whole network"))] + [(s.slug, s.name) for s in services]
        field.error_messages["invalid_choice"] = _(
            "Choose a service from the list, or the whole network."
        )

    def chosen(self) -> tuple[int, Service | None]:
        """The period and service asked for; the defaults where the input is not valid."""
        if not self.is_valid():
            return DEFAULT_MONTHS, None
        months = self.cleaned_data.get("maaneder") or DEFAULT_MONTHS
        slug = self.cleaned_data.get("tjeneste") or ""
        return months, self.services.get(slug)
