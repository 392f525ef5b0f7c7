from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laget.continuity.models import ServiceEpisode
from laget.directory.models import Service


class DateInput(forms.DateInput):
    input_type = "date"


class ServiceChoiceMixin:
    """A service drop-down from a list read once per page (several forms share it)."""

    def set_services(self, name: str, services) -> None:
        self.services = {str(s.pk): s for s in services}
        self.fields[name].choices = [("", _("Choose"))] + [  # type: ignore[attr-defined]
            (key, s.name) for key, s in self.services.items()
        ]


class EpisodeForm(ServiceChoiceMixin, forms.Form):
    service = forms.ChoiceField(label=_("Service"))
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
    measures = forms.MultipleChoiceField(
        label=_("Measures it carries out"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, services=(), measures=(), **kwargs) -> None:
        kwargs.setdefault("auto_id", "episode_%s")
        super().__init__(*args, **kwargs)
        self.set_services("service", services)
        self.plan_measures = {str(m.pk): m for m in measures}
        self.fields["measures"].choices = [  # type: ignore[attr-defined]
            (key, m.title) for key, m in self.plan_measures.items()
        ]

    def clean_measures(self) -> list:
        return [self.plan_measures[key] for key in self.cleaned_data["measures"]]

    def clean_service(self) -> Service:
        return self.services[self.cleaned_data["service"]]


class EpisodeEndForm(forms.Form):
    ends = forms.DateField(label=_("Last day"), widget=DateInput)
    override_reason = forms.CharField(
        label=_("Why responsibility ends without anyone taking over"),
        max_length=300,
        required=False,
        help_text=_("Only needed when no other service is responsible from the next day."),
    )


class HandoffForm(ServiceChoiceMixin, forms.Form):
    # Choices from a list read once per page: each open episode has its own form.
    to_service = forms.ChoiceField(label=_("To service"))
    summary = forms.CharField(
        label=_("What they need to know"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write what the receiving service needs to know.")},
    )
    wanted_from = forms.DateField(label=_("Take over from"), widget=DateInput)
    answer_by = forms.DateField(label=_("Answer by"), widget=DateInput)

    def __init__(self, *args, services=(), **kwargs) -> None:
        kwargs.setdefault("auto_id", "handoff_%s")
        super().__init__(*args, **kwargs)
        self.set_services("to_service", services)

    def clean_to_service(self) -> Service:
        return self.services[self.cleaned_data["to_service"]]


class PerspectiveForm(forms.Form):
    situation = forms.CharField(
        label=_("How I see the situation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write how you see the situation.")},
    )
    what_matters = forms.CharField(
        label=_("What matters most"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contribution = forms.CharField(
        label=_("What I can contribute"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "view_%s")
        super().__init__(*args, **kwargs)


class AgreedPictureForm(forms.Form):
    text = forms.CharField(
        label=_("The picture we agree on"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write the picture the team agreed on.")},
    )
    agreed_on = forms.DateField(label=_("Agreed on"), widget=DateInput)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "agreed_%s")
        super().__init__(*args, **kwargs)
