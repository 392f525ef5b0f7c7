"""Forms between the sessions: a case assignment, a member's account of it, one's ties
across services, and the anonymous evaluation (neutral wording, our own)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from laget.quality.models import Phase

NO_PERSON = _(
    "A made-up or de-identified case: never a name, a birth date, an address or anything "
    "else that can identify a person. This is a learning record for the staff."
)
DATE_ERRORS = {"invalid": _("Write the date as dd.mm.yyyy.")}


class AssignmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    what = forms.CharField(
        label=_("What to discuss at the workplace"),
        help_text=NO_PERSON,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    after_session = forms.TypedChoiceField(
        label=_("After the session"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, sessions: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sessions = {s.pk: s for s in sessions}
        field = cast(forms.TypedChoiceField, self.fields["after_session"])
        field.choices = [("", _("No session chosen"))] + [
            (s.pk, f"{s.on:%d.%m.%Y} {s.topic}") for s in sessions
        ]
        field.error_messages["invalid_choice"] = _("Choose a session from the list.")

    def session(self):
        return self.sessions.get(self.cleaned_data.get("after_session"))


class AssignmentEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    what = forms.CharField(
        label=_("What to discuss at the workplace"),
        help_text=NO_PERSON,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReportForm(forms.Form):
    discussed_on = forms.DateField(
        label=_("Discussed on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=DATE_ERRORS,
    )
    with_whom = forms.CharField(
        label=_("With whom (a service or team)"),
        help_text=_("For example “the housing office” or “my team”: not the names of persons."),
        max_length=200,
    )
    outcome = forms.CharField(
        label=_("What came of it"),
        help_text=NO_PERSON,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)


class TiesForm(forms.Form):
    phase = forms.ChoiceField(
        label=_("When"),
        choices=Phase.choices,
        error_messages={"invalid_choice": _("Choose the start or the end of the year.")},
    )
    services = forms.MultipleChoiceField(
        label=_("Services where I know someone I would call"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Choose only services from the list.")},
    )

    def __init__(self, *args, services: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["services"]).choices = [
            (s, s) for s in services
        ]


SCALE = [
    ("1", _("1 – not at all")),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", _("5 – to a great extent")),
]
QUESTIONS = {
    "useful": _("How useful has the learning network been for your work?"),
    "whom_to_call": _("To what extent do you now know whom to contact in the other services?"),
    "changed_practice": _(
        "To what extent has the learning network changed how you work with other services?"
    ),
}


def _scored(key: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=QUESTIONS[key],
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Answer with a number from 1 to 5."),
            "invalid_choice": _("Answer with a number from 1 to 5."),
        },
    )


class EvaluationForm(forms.Form):
    useful = _scored("useful")
    whom_to_call = _scored("whom_to_call")
    changed_practice = _scored("changed_practice")
    comment = forms.CharField(
        label=_("Anything else you want to say (optional)"),
        help_text=_("Do not write names: what you write is shown to the organisers as it is."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def scores(self) -> dict[str, int]:
        return {k: self.cleaned_data[k] for k in QUESTIONS}
