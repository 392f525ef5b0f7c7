from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from laget.accounts.models import User
from laget.core.widgets import FastSelect
from laget.directory.models import Service
from laget.plans.forms import DateInput
from laget.surveys.analysis import ABSOLUTE_MIN_N
from laget.surveys.models import Round, TextPack, WorkGroup


class RoundForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages={"required": _("Give the round a title.")}
    )
    opens = forms.DateField(label=_("Opens"), widget=DateInput)
    closes = forms.DateField(label=_("Closes"), widget=DateInput)
    min_n = forms.IntegerField(
        label=_("Fewest answers before a result is shown"),
        initial=5,
        min_value=ABSOLUTE_MIN_N,
        max_value=50,
        help_text=_("Groups with fewer answers are hidden everywhere. Never below 3."),
        error_messages={"min_value": _("Use 3 or more: fewer could reveal who answered what.")},
    )
    asks_rc = forms.BooleanField(
        label=_("Relational coordination between the groups"), required=False, initial=True
    )
    asks_ps = forms.BooleanField(
        label=_("Psychological safety in one's own team"), required=False, initial=True
    )
    asks_capacity = forms.BooleanField(
        label=_("Relational capacity (five areas)"), required=False, initial=True
    )
    grouping = forms.ChoiceField(
        label=_("Groups"),
        choices=[
            ("service", _("One group per service")),
            ("service_profession", _("One group per service and profession")),
            ("custom", _("Our own groups (one per line below)")),
        ],
        widget=forms.RadioSelect,
        initial="service",
    )
    custom_groups = forms.CharField(
        label=_("Our own groups, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: DPS outpatient clinic – psychologists"),
    )
    previous = forms.ModelChoiceField(
        label=_("Compare with an earlier round"), queryset=Round.objects.none(), required=False
    )
    rc_pack = forms.ModelChoiceField(
        label=_("Wording"),
        queryset=TextPack.objects.filter(instrument="rc"),
        required=False,
        empty_label=_("Laget's own wording"),
    )
    asked_services = forms.ModelMultipleChoiceField(
        label=_("Whose staff are asked"),
        queryset=Service.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone who works in the services you tick gets a personal link."),
        error_messages={"required": _("Tick at least one service whose staff are asked.")},
    )
    readers = forms.ModelMultipleChoiceField(
        label=_("Who else may read the results"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        staff: Any = None,
        rounds: Any = None,
        services: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if staff is not None:
            self.fields["readers"].queryset = staff  # type: ignore[attr-defined]
        if rounds is not None:
            self.fields["previous"].queryset = rounds  # type: ignore[attr-defined]
        if services is not None:
            asked = self.fields["asked_services"]
            asked.queryset = services  # type: ignore[attr-defined]
            asked.initial = list(services)  # everyone, unless the organiser narrows it
            asked.label_from_instance = _service_with_organisation  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("grouping") == "custom":
            names = [n.strip() for n in (data.get("custom_groups") or "").splitlines() if n.strip()]
            if len(names) < 2:
                self.add_error("custom_groups", _("Write at least two groups, one per line."))
            data["custom_names"] = names
        return data


class RoundSettingsForm(forms.Form):
    closes = forms.DateField(label=_("Closes"), widget=DateInput)
    min_n = forms.IntegerField(
        label=_("Fewest answers before a result is shown"),
        min_value=ABSOLUTE_MIN_N,
        max_value=50,
        error_messages={"min_value": _("Use 3 or more: fewer could reveal who answered what.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Answers from a file (CSV)"),
        help_text=_(
            "Columns: respondent,rater_group,target_group,item,value – the same as rc_analyze."
        ),
    )


class ActionForm(forms.Form):
    tie = forms.ChoiceField(label=_("The tie"), widget=FastSelect)
    what = forms.CharField(label=_("What we will do"), max_length=400)
    who = forms.CharField(label=_("Who is responsible"), max_length=200)
    due = forms.DateField(label=_("By when"), widget=DateInput)

    def __init__(self, *args: Any, groups: list[WorkGroup] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = groups or []
        self.fields["tie"].choices = [  # type: ignore[attr-defined]
            (f"{a.pk}:{b.pk}", f"{a.name} → {b.name}")
            for a in groups
            for b in groups
            if a.pk != b.pk
        ]


def _service_with_organisation(service: Service) -> str:
    return f"{service.name} ({service.organisation.name})"


class UserRoundForm(forms.Form):
    """A user survey of the network's services (surveys.service_survey)."""

    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages={"required": _("Give the round a title.")}
    )
    opens = forms.DateField(label=_("Opens"), widget=DateInput)
    closes = forms.DateField(label=_("Closes"), widget=DateInput)
    min_n = forms.IntegerField(
        label=_("Fewest answers before a result is shown"),
        initial=5,
        min_value=ABSOLUTE_MIN_N,
        max_value=50,
        help_text=_("Services with fewer answers are hidden. Never below 3."),
        error_messages={"min_value": _("Use 3 or more: fewer could reveal who answered what.")},
    )
    services = forms.ModelMultipleChoiceField(
        label=_("The services the persons are asked about"),
        queryset=Service.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone with an active plan that one of these services is on is invited."),
        error_messages={"required": _("Tick at least one service.")},
    )

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens"), data.get("closes")
        if opens and closes and closes < opens:
            self.add_error("closes", _("The round must close on or after the day it opens."))
        return data
