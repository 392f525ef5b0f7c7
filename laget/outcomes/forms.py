from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laget.outcomes.models import Instrument


class LinkForm(forms.Form):
    instrument = forms.ChoiceField(
        label=_("Form"), choices=Instrument.choices, initial=Instrument.OUTCOME
    )


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
