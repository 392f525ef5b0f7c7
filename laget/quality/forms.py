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


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("Write the year with four digits, for example 2027.")},
    )


class ParticipantsForm(forms.Form):
    people = forms.MultipleChoiceField(
        label=_("Who takes part"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one person.")},
    )
    peer_workers = forms.MultipleChoiceField(
        label=_("Of them, peer workers"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, memberships: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.memberships = {str(m.pk): m for m in memberships}
        choices = [
            (str(m.pk), f"{m.professional.user.get_full_name()} ({m.service.name})")
            for m in memberships
        ]
        cast(forms.MultipleChoiceField, self.fields["people"]).choices = choices
        cast(forms.MultipleChoiceField, self.fields["peer_workers"]).choices = choices

    def chosen(self) -> tuple[list, set[int]]:
        people = [self.memberships[k] for k in self.cleaned_data["people"]]
        return people, {int(k) for k in self.cleaned_data["peer_workers"]}


class SessionForm(forms.Form):
    on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Write the date as dd.mm.yyyy.")},
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)
    present = forms.MultipleChoiceField(
        label=_("Who came"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, participants: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.participants = {str(p.pk): p for p in participants}
        cast(forms.MultipleChoiceField, self.fields["present"]).choices = [
            (str(p.pk), f"{p.membership.professional.user.get_full_name()} ({p.service_name})")
            for p in participants
        ]

    def chosen(self) -> list:
        return [self.participants[k] for k in self.cleaned_data["present"]]
