from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from laget.notifications.models import CallRequest, Channel, Kind

OUTSIDE = [Channel.EMAIL, Channel.SMS]


class TimeInput(forms.TimeInput):
    input_type = "time"


class PreferencesForm(forms.Form):
    """Per kind of event: e-mail and SMS on or off; the number; quiet hours; the digest."""

    phone = forms.CharField(
        label=_("Mobile number for SMS"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    quiet_from = forms.TimeField(
        label=_("Quiet hours from"),
        required=False,
        widget=TimeInput(format="%H:%M"),
        help_text=_("No e-mail or SMS in this time; what comes waits until it ends."),
    )
    quiet_to = forms.TimeField(
        label=_("Quiet hours until"), required=False, widget=TimeInput(format="%H:%M")
    )
    daily_digest = forms.BooleanField(
        label=_("One e-mail a day with everything, instead of one e-mail each time"),
        required=False,
    )

    def __init__(self, *args: Any, kinds: list[str], professional: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not professional:
            del self.fields["daily_digest"]
        self.kinds = kinds
        for kind in kinds:
            for channel in OUTSIDE:
                self.fields[f"{kind}__{channel}"] = forms.BooleanField(
                    label=f"{Kind(kind).label}: {Channel(channel).label}", required=False
                )

    def rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (str(Kind(kind).label), [self[f"{kind}__{channel}"] for channel in OUTSIDE])
            for kind in self.kinds
        ]

    def enabled(self) -> dict[tuple[str, str], bool]:
        return {
            (kind, channel): bool(self.cleaned_data.get(f"{kind}__{channel}"))
            for kind in self.kinds
            for channel in OUTSIDE
        }


class CallMeForm(forms.Form):
    time_of_day = forms.ChoiceField(
        label=_("When does it suit you to be called?"),
        choices=CallRequest.TimeOfDay.choices,
        error_messages={"required": _("Choose when it suits you to be called.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "call_%s")
        super().__init__(*args, **kwargs)
