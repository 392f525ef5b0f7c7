"""The user council's forms (meetings/council.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laget.meetings.models import CouncilMember


class CouncilForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        initial=_("User council"),
        error_messages={"required": _("Give the council a name.")},
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: user representatives take part when services are planned."),
    )
    interval_weeks = forms.IntegerField(
        label=_("Meets every (weeks)"),
        initial=8,
        min_value=1,
        max_value=52,
        error_messages={
            "min_value": _("Meet every 1 to 52 weeks."),
            "max_value": _("Meet every 1 to 52 weeks."),
            "required": _("Meet every 1 to 52 weeks."),
            "invalid": _("Write a whole number of weeks."),
        },
    )


class MemberForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        error_messages={
            "required": _("Write a whole e-mail address."),
            "invalid": _("Write a whole e-mail address."),
        },
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=CouncilMember.Role.choices,
        error_messages={"required": _("Choose the member's role.")},
    )
    affiliation = forms.CharField(
        label=_("Organisation or background"),
        max_length=200,
        required=False,
        help_text=_("For example: Mental Helse Fjordvik. No health details."),
    )


class LeaveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
