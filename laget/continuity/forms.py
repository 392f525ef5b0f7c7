from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laget.continuity.models import ServiceEpisode
from laget.directory.models import Service


class DateInput(forms.DateInput):
    input_type = "date"


class EpisodeForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none())
    responsibility = forms.ChoiceField(
        label=_("Responsibility"), choices=ServiceEpisode.Responsibility.choices
    )
    starts = forms.DateField(label=_("From"), widget=DateInput)
    ends = forms.DateField(
        label=_("To"),
        widget=DateInput,
        required=False,
        help_text=_("Leave empty while it goes on."),
    )

    def __init__(self, *args, services=None, **kwargs) -> None:
        kwargs.setdefault("auto_id", "episode_%s")
        super().__init__(*args, **kwargs)
        if services is not None:
            self.fields["service"].queryset = services  # type: ignore[attr-defined]


class EpisodeEndForm(forms.Form):
    ends = forms.DateField(label=_("Last day"), widget=DateInput)
    override_reason = forms.CharField(
        label=_("Why responsibility ends without anyone taking over"),
        max_length=300,
        required=False,
        help_text=_("Only needed when no other service is responsible from the next day."),
    )


class HandoffForm(forms.Form):
    to_service = forms.ModelChoiceField(label=_("To service"), queryset=Service.objects.none())
    summary = forms.CharField(
        label=_("What they need to know"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write what the receiving service needs to know.")},
    )
    wanted_from = forms.DateField(label=_("Take over from"), widget=DateInput)
    answer_by = forms.DateField(label=_("Answer by"), widget=DateInput)

    def __init__(self, *args, services=None, **kwargs) -> None:
        kwargs.setdefault("auto_id", "handoff_%s")
        super().__init__(*args, **kwargs)
        if services is not None:
            self.fields["to_service"].queryset = services  # type: ignore[attr-defined]
