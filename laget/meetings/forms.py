from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from laget.accounts.models import User
from laget.directory.models import Service
from laget.meetings.models import AgendaTemplate
from laget.plans.forms import DateInput

OSLO = ZoneInfo("Europe/Oslo")


class TimeInput(forms.TimeInput):
    input_type = "time"


class PrefixedForm(forms.Form):
    """Several forms share the meeting page: each gets its own id prefix."""

    id_prefix = "meeting"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class WhenWhereForm(PrefixedForm):
    """A meeting on one day: date, start and end in Norwegian time."""

    id_prefix = "when"
    date = forms.DateField(
        label=_("Date"),
        widget=DateInput,
        error_messages={"required": _("Choose the date."), "invalid": _("Write a date.")},
    )
    start = forms.TimeField(
        label=_("Starts"), widget=TimeInput, error_messages={"required": _("Choose a start time.")}
    )
    end = forms.TimeField(
        label=_("Ends"), widget=TimeInput, error_messages={"required": _("Choose an end time.")}
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Write the whole video address, starting with https://")},
    )

    def times(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "starts_at": dt.datetime.combine(d["date"], d["start"], tzinfo=OSLO),
            "ends_at": dt.datetime.combine(d["date"], d["end"], tzinfo=OSLO),
            "place": d["place"],
            "video_link": d["video_link"],
        }


class GroupMeetingForm(WhenWhereForm):
    chair = forms.ModelChoiceField(label=_("Chair"), queryset=User.objects.none())

    def __init__(self, *args: Any, chairs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if chairs is not None:
            self.fields["chair"].queryset = chairs  # type: ignore[attr-defined]


class GenericMeetingForm(WhenWhereForm):
    """A meeting of the generic kind in a network, such as a team's weekly intake."""

    id_prefix = "generic"
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give the meeting a title.")},
    )


class RescheduleForm(WhenWhereForm):
    id_prefix = "move"
    version = forms.IntegerField(widget=forms.HiddenInput)


class ForumForm(PrefixedForm):
    id_prefix = "forum"
    name = forms.CharField(
        label=_("Name of the forum"),
        max_length=200,
        error_messages={"required": _("Give the forum a name.")},
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    interval_weeks = forms.IntegerField(
        label=_("Meets every (weeks)"), min_value=1, max_value=26, initial=4
    )
    anchors = forms.ModelMultipleChoiceField(
        label=_("Anchor persons (one from each level)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff is not None:
            self.fields["anchors"].queryset = staff  # type: ignore[attr-defined]


class InviteForm(PrefixedForm):
    id_prefix = "invite"
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none(), required=False)
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), required=False
    )

    def __init__(self, *args: Any, people: Any = None, services: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["user"].queryset = people  # type: ignore[attr-defined]
        if services is not None:
            self.fields["service"].queryset = services  # type: ignore[attr-defined]


class AgendaItemForm(PrefixedForm):
    id_prefix = "agenda"
    title = forms.CharField(
        label=_("A point you want to talk about"),
        max_length=200,
        error_messages={"required": _("Write the point you want on the agenda.")},
    )


class CaseForm(PrefixedForm):
    id_prefix = "case"
    title = forms.CharField(label=_("Title"), max_length=200)
    situation = forms.CharField(
        label=_("The situation, without names or other identifying details"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    question = forms.CharField(
        label=_("The question for the forum"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    learning = forms.CharField(
        label=_("What we learnt (principles of cooperation)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    override_reason = forms.CharField(
        label=_("If the marks are false alarms: why (the organiser only)"),
        max_length=400,
        required=False,
    )


class CaseEditForm(CaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class NotHeldForm(PrefixedForm):
    id_prefix = "notheld"
    not_held_reason = forms.CharField(
        label=_("Why was the meeting not held?"),
        max_length=400,
        error_messages={"required": _("Write why the meeting was not held.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ApproveMinutesForm(PrefixedForm):
    id_prefix = "approve"
    confirm = forms.BooleanField(
        label=_("I have read the minutes through, and they may be sent to those who came."),
        required=False,
    )


class DecisionForm(PrefixedForm):
    id_prefix = "decision"
    text = forms.CharField(
        label=_("Decision"),
        max_length=200,
        error_messages={"required": _("Write what was decided.")},
    )
    responsible_service = forms.ModelChoiceField(
        label=_("Responsible service (for an action)"),
        queryset=Service.objects.none(),
        required=False,
    )
    due = forms.DateField(label=_("Due"), widget=DateInput, required=False)

    def __init__(self, *args: Any, services: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if services is not None:
            self.fields["responsible_service"].queryset = services  # type: ignore[attr-defined]


class MinutesForm(PrefixedForm):
    id_prefix = "minutes"
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    minutes_plain = forms.CharField(
        label=_("In plain words, for the person"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Short sentences: what was decided, who does what, and when you meet next."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CommentForm(PrefixedForm):
    id_prefix = "comment"
    text = forms.CharField(
        label=_("Your comment on the minutes"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your comment.")},
    )


RATINGS = [(i, str(i)) for i in range(1, 6)]


class EvaluationForm(PrefixedForm):
    id_prefix = "evaluation"
    useful = forms.TypedChoiceField(
        label=_("The meeting was useful (1 = not at all, 5 = very)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a number from 1 to 5.")},
    )
    heard = forms.TypedChoiceField(
        label=_("Everyone was heard (1 = not at all, 5 = fully)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a number from 1 to 5.")},
    )
    clear = forms.TypedChoiceField(
        label=_("The next steps are clear (1 = not at all, 5 = fully)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a number from 1 to 5.")},
    )
    comment = forms.CharField(label=_("One line more (optional)"), max_length=200, required=False)


class AgendaTemplateForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = AgendaTemplate
        fields = ["name", "items"]
        widgets = {"items": forms.Textarea(attrs={"rows": 8})}
