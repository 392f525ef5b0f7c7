from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from laget.accounts.models import User
from laget.directory.models import LONG_TEXT, Membership, Service
from laget.plans.models import Category, Consent, CrisisPlan, Goal, Measure, Plan


class DateInput(forms.DateInput):
    input_type = "date"


class PlanPageForm(forms.Form):
    """Several forms share the plan page: each gets its own id prefix, so every label
    points at its own field."""

    id_prefix = "plan"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class GoalForm(PlanPageForm):
    id_prefix = "goal"
    text = forms.CharField(
        label=_("The goal, in the person's own words"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the goal, in the person's own words.")},
    )
    life_area = forms.ChoiceField(label=_("Life area"), choices=Goal.LifeArea.choices)


class MeasureForm(PlanPageForm):
    id_prefix = "measure"
    title = forms.CharField(
        label=_("Measure"),
        max_length=200,
        error_messages={"required": _("Write what the measure is, such as 'Housing guidance'.")},
    )
    responsible_service = forms.ModelChoiceField(
        label=_("Responsible service"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("Not decided yet (flagged)"),
    )
    goal = forms.ModelChoiceField(
        label=_("Goal it serves"), queryset=Goal.objects.none(), required=False
    )
    scope = forms.CharField(
        label=_("Scope"),
        max_length=200,
        required=False,
        help_text=_("For example: two hours a week."),
    )
    how = forms.CharField(
        label=_("How it is carried out"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    starts = forms.DateField(label=_("From"), required=False, widget=DateInput)
    ends = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args, goals=None, services=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if services is not None:
            self.fields["responsible_service"].queryset = services  # type: ignore[attr-defined]
        if goals is not None:
            self.fields["goal"].queryset = goals  # type: ignore[attr-defined]

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            self.add_error("ends", _("The measure cannot end before it starts."))
        return data


class TaskForm(PlanPageForm):
    id_prefix = "task"
    title = forms.CharField(
        label=_("Task"), max_length=200, error_messages={"required": _("Write what needs doing.")}
    )
    assignee_user = forms.ChoiceField(label=_("Who does it"), required=False)
    due = forms.DateField(
        label=_("Due"), widget=DateInput, error_messages={"required": _("Choose a due date.")}
    )

    def __init__(self, *args, team=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.team = {str(m.user_id): m for m in (team or [])}
        choices = [("", str(_("Choose someone on the team")))] + [
            (key, f"{m.user.get_full_name()} ({m.get_role_display()})")
            for key, m in self.team.items()
        ]
        self.fields["assignee_user"].choices = choices  # type: ignore[attr-defined]

    def clean_assignee_user(self):
        key = self.cleaned_data["assignee_user"]
        if not key:
            raise forms.ValidationError(_("Choose who does the task."))
        return self.team[key]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class MessageForm(PlanPageForm):
    id_prefix = "message"
    field_order = ["body", "attachments"]  # the words first; a file is the exception

    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, PNG, JPEG or plain text, at most 10 MB each and 5 files."),
    )
    body = forms.CharField(
        label=_("Write a message to the team"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a message before you send it.")},
    )

    def keep_drafts_at(self, url: str) -> None:
        """Save the text as a draft two seconds after typing stops (htmx): only the text and
        the CSRF token go, never the attachments."""
        self.fields["body"].widget.attrs.update(
            {
                "hx-post": url,
                "hx-trigger": "input changed delay:2s",
                "hx-params": "body,csrfmiddlewaretoken",
                "hx-target": "#draft-status",
                "hx-swap": "outerHTML",
            }
        )


class EmergencyAccessForm(PlanPageForm):
    id_prefix = "emergency"

    national_id = forms.CharField(
        label=_("The person's national identity number"),
        max_length=11,
        min_length=11,
        help_text=_("11 digits."),
        error_messages={
            "required": _("Write the person's national identity number."),
            "min_length": _("The number must have 11 digits."),
        },
    )
    reason = forms.CharField(
        label=_("Why you need the plan now"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The coordinator and the person will read this."),
        error_messages={"required": _("Write why you need access.")},
    )


class ConsentForm(PlanPageForm):
    """The person's consent to share with one service or one relative on the team."""

    id_prefix = "consent"

    receiver = forms.ChoiceField(
        label=_("Who may receive the information"),
        error_messages={"required": _("Choose who receives the information.")},
    )
    categories = forms.MultipleChoiceField(
        label=_("What may be shared"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of information to share.")},
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    valid_to = forms.DateField(label=_("Valid to"), widget=DateInput)
    method = forms.ChoiceField(label=_("How the consent was given"), choices=Consent.Method.choices)
    witness = forms.CharField(
        label=_("Witness"),
        max_length=200,
        required=False,
        help_text=_("Needed when the consent was given verbally."),
    )

    def __init__(self, *args, team=None, services=None, is_person=False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # key -> (the consent_record argument, the receiver); labels for the drop-down
        self.receivers: dict[str, tuple[str, Any]] = {}
        labels = [("", str(_("Choose")))]
        for service in services or []:
            self.receivers[f"s{service.pk}"] = ("to_service", service)
            labels.append((f"s{service.pk}", service.name))
        for member in team or []:
            if member.role == "relative":
                self.receivers[f"r{member.user_id}"] = ("to_relative", member.user)
                name = member.user.get_full_name()
                labels.append(
                    (f"r{member.user_id}", str(_("%(name)s (relative)") % {"name": name}))
                )
        self.fields["receiver"].choices = labels  # type: ignore[attr-defined]
        if is_person:
            # The person gives consent themself, digitally, in Laget.
            del self.fields["method"]
            del self.fields["witness"]

    def clean_receiver(self):
        return self.receivers[self.cleaned_data["receiver"]]

    def clean(self) -> dict:
        data = super().clean() or {}
        if (
            data.get("valid_from")
            and data.get("valid_to")
            and data["valid_to"] < data["valid_from"]
        ):
            self.add_error(
                "valid_to",
                _(
                    "The consent cannot end before it starts. Check the dates: 'valid to' must "
                    "be the same day as 'valid from' or later."
                ),
            )
        return data


class TeamAddForm(PlanPageForm):
    id_prefix = "team"

    email = forms.EmailField(
        label=_("Their e-mail address in Laget"),
        error_messages={"required": _("Write the e-mail address they log in with.")},
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            ("group", _("responsibility group member")),
            ("member", _("team member")),
            ("relative", _("relative")),
        ],
    )
    service = forms.ModelChoiceField(
        label=_("The service they take part for"),
        queryset=Service.objects.none(),
        required=False,
        help_text=_("For professionals. Leave empty for a relative."),
    )
    relation = forms.CharField(
        label=_("Relation to the person"),
        max_length=100,
        required=False,
        help_text=_("For relatives, such as 'mother'."),
    )
    reason = forms.CharField(
        label=_("Why they join"),
        max_length=300,
        error_messages={
            "required": _("Write why this person joins the team. The reason is logged.")
        },
    )

    def __init__(self, *args, services=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if services is not None:
            self.fields["service"].queryset = services  # type: ignore[attr-defined]

    def clean(self) -> dict:
        data = super().clean() or {}
        email = data.get("email")
        if email:
            user = User.objects.filter(email__iexact=email, is_active=True).first()
            if user is None:
                self.add_error(
                    "email", _("Nobody with this e-mail address has an account in Laget.")
                )
            data["user"] = user
        if data.get("role") in ("group", "member") and not data.get("service"):
            self.add_error("service", _("Choose the service the professional takes part for."))
        if data.get("user") and data.get("service") and data["role"] != "relative":
            works_there = (
                data["user"].kind == User.Kind.PROFESSIONAL
                and Membership.objects.active()
                .filter(professional__user=data["user"], service=data["service"])
                .exists()
            )
            if not works_there:
                self.add_error(
                    "service", _("They do not work in this service. Choose one they work in.")
                )
        return data


class LeaveForm(PlanPageForm):
    id_prefix = "leave"

    reason = forms.CharField(
        label=_("Why they leave"),
        max_length=300,
        error_messages={"required": _("Write why they leave the team.")},
    )


class PlanEditForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Plan
        fields = Plan.EDITABLE_FIELDS
        widgets = {
            "resources": forms.Textarea(attrs={"rows": 3}),
            "needs": forms.Textarea(attrs={"rows": 3}),
            "person_contribution": forms.Textarea(attrs={"rows": 3}),
            "relatives_contribution": forms.Textarea(attrs={"rows": 3}),
            "cooperation": forms.Textarea(attrs={"rows": 3}),
            "period_start": DateInput,
            "period_end": DateInput,
            "next_revision": DateInput,
        }

    def clean(self) -> dict:
        data = super().clean() or {}
        if (
            data.get("period_start")
            and data.get("period_end")
            and data["period_end"] < data["period_start"]
        ):
            self.add_error(
                "period_end", _("The plan period cannot end before it starts. Check the dates.")
            )
        return data


class PlanConsentForm(PlanPageForm):
    id_prefix = "plan_consent"

    method = forms.ChoiceField(
        label=_("How the consent was given"), choices=Plan.ConsentMethod.choices
    )
    witness = forms.CharField(
        label=_("Witness"),
        max_length=200,
        required=False,
        help_text=_("Needed when the consent was given verbally."),
    )


class StandInForm(PlanPageForm):
    id_prefix = "stand_in"

    user = forms.ChoiceField(label=_("Who covers while you are away"), required=False)
    until = forms.DateField(label=_("Until and including"), required=False, widget=DateInput)

    def __init__(self, *args, team=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.members = {
            str(m.user_id): m.user for m in (team or []) if m.role in ("group", "member")
        }
        choices = [("", str(_("Nobody (end the cover)")))] + [
            (key, user.get_full_name()) for key, user in self.members.items()
        ]
        self.fields["user"].choices = choices  # type: ignore[attr-defined]

    def clean_user(self):
        key = self.cleaned_data["user"]
        return self.members.get(key) if key else None


class CrisisPlanForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = CrisisPlan
        fields = ["warning_signs", "what_helps", "what_to_avoid", "who_to_contact"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in fields}


class ItemBlockForm(PlanPageForm):
    id_prefix = "block"

    item = forms.ChoiceField(label=_("What to hide"))
    hidden_from = forms.ChoiceField(label=_("Hide it from"), required=False)

    def __init__(self, *args, goals=(), measures=(), services=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        items = [("", str(_("Choose a goal or a measure")))]
        items += [(f"goal:{g.pk}", str(_("Goal: %(text)s") % {"text": str(g)})) for g in goals]
        items += [
            (f"measure:{m.pk}", str(_("Measure: %(text)s") % {"text": m.title})) for m in measures
        ]
        self.fields["item"].choices = items  # type: ignore[attr-defined]
        self.services = {str(s.pk): s for s in services}
        self.fields["hidden_from"].choices = [  # type: ignore[attr-defined]
            ("", str(_("Every professional except the coordinator")))
        ] + [(key, s.name) for key, s in self.services.items()]

    def clean_item(self) -> tuple[str, int]:
        kind, _sep, pk = self.cleaned_data["item"].partition(":")
        return kind, int(pk)

    def clean_hidden_from(self):
        return self.services.get(self.cleaned_data["hidden_from"])


class MeasureEditForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Measure
        fields = ["title", "responsible_service", "scope", "how", "starts", "ends", "status"]
        widgets = {"how": forms.Textarea(attrs={"rows": 3}), "starts": DateInput, "ends": DateInput}

    def __init__(self, *args, services=None, may_set_status=True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if services is not None:
            self.fields["responsible_service"].queryset = services  # type: ignore[attr-defined]
        if not may_set_status:
            # Only the responsible service sets the status; a disabled field keeps its value.
            self.fields["status"].disabled = True
            self.fields["status"].help_text = _("Only the responsible service changes the status.")


class GoalEditForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Goal
        fields = ["text", "life_area", "achieved"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
