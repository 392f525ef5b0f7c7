from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from laget.outcomes.models import Instrument


class LinkForm(forms.Form):
    # The group form is given from the group session's page, not by a personal link.
    instrument = forms.ChoiceField(
        label=_("Form"),
        choices=[c for c in Instrument.choices if c[0] != Instrument.GROUP_ALLIANCE],
        initial=Instrument.OUTCOME,
    )


class GroupSessionForm(forms.Form):
    """A group session: its name, date, service and participants (choices from the
    selector: only plans the professional works on with the ratings consent)."""

    name = forms.CharField(
        label=_("The group's name (no names of persons)"),
        max_length=200,
        error_messages={"required": _("Give the group a name, for example 'Coping group'.")},
    )
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Write the date as YYYY-MM-DD."),
                        "required": _("Write the date as YYYY-MM-DD.")},
    )  # fmt: skip
    service = forms.TypedChoiceField(label=_("Service"), coerce=int)
    participants = forms.TypedMultipleChoiceField(
        label=_("Participants"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least two participants.")},
    )

    def __init__(self, *args, services=(), plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        service_field = cast(forms.ChoiceField, self.fields["service"])
        people_field = cast(forms.ChoiceField, self.fields["participants"])
        service_field.choices = [(s.pk, s.name) for s in services]
        people_field.choices = [(a.plan.pk, str(a.plan.person)) for a in plans]


class SettingsForm(forms.Form):
    sessions_before_alert = forms.IntegerField(
        label=_("Sessions without reliable improvement before an alert"),
        min_value=2,
        max_value=30,
        error_messages={
            "min_value": _("Choose a number of sessions between 2 and 30."),
            "max_value": _("Choose a number of sessions between 2 and 30."),
            "invalid": _("Write a whole number, for example 4."),
            "required": _("Write a whole number, for example 4."),
        },
    )
    crisis_routine = forms.CharField(
        label=_("The service's crisis routine (shown at once with an urgent alert)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=4000,
    )
