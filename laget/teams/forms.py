"""Forms for the team's pages. Labels and help in plain words; every refusal comes from
the services, in Norwegian."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laget.directory.models import LONG_TEXT, SHORT_TEXT, Network, Professional, Service
from laget.meetings.models import Meeting
from laget.plans.models import Plan
from laget.teams.models import Competence, Consultation, Decision, Referral, Scale, Secondment

YES_NO_UNKNOWN = [("", _("Don't know")), ("yes", _("Yes")), ("no", _("No"))]


def yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class Form(forms.Form):
    @property
    def _f(self) -> Any:
        # Typed loosely: the choice fields' queryset and choices are set per request.
        return self.fields


class DateInput(forms.DateInput):
    input_type = "date"


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Secondment) -> str:
        return f"{obj.membership.professional} ({obj.home_service.get_level_display()})"


class MemberAddForm(Form):
    professional = forms.ModelChoiceField(queryset=Professional.objects.none(), label=_("Who"))
    home_service = forms.ModelChoiceField(queryset=Service.objects.none(), label=_("Lent from"))
    position_percent = forms.IntegerField(
        label=_("Position fraction in the team (%)"), min_value=1, max_value=100
    )
    competence = forms.MultipleChoiceField(
        label=_("Competence areas"),
        choices=Competence.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, professionals, services, **kwargs):
        super().__init__(*args, **kwargs)
        self._f["professional"].queryset = professionals
        self._f["home_service"].queryset = services


class MemberEditForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    home_service = forms.ModelChoiceField(queryset=Service.objects.none(), label=_("Lent from"))
    position_percent = forms.IntegerField(
        label=_("Position fraction in the team (%)"), min_value=1, max_value=100
    )
    competence = forms.MultipleChoiceField(
        label=_("Competence areas"),
        choices=Competence.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        # A list: the team page renders one form per member.
        self._f["home_service"].queryset = Service.objects.filter(pk__in=[s.pk for s in services])
        self._f["home_service"].choices = [(s.pk, s.name) for s in services]


class MemberEndForm(Form):
    ends = forms.DateField(
        label=_("Last day in the team"), widget=DateInput, initial=timezone.localdate
    )
    reason = forms.CharField(label=_("Why the place ends"), max_length=SHORT_TEXT)


class ReferralForm(Form):
    source = forms.ChoiceField(label=_("Who refers"), choices=Referral.Source.choices)
    referrer_service = forms.ModelChoiceField(
        queryset=Service.objects.none(),
        label=_("Your service (if you refer for one)"),
        required=False,
    )
    referrer_contact = forms.CharField(
        label=_("How the team can reach you"),
        max_length=SHORT_TEXT,
        help_text=_("A phone number or an e-mail address, in case something is unclear."),
    )
    subject_name = forms.CharField(
        label=_("The person's name"), max_length=SHORT_TEXT, required=False
    )
    subject_contact = forms.CharField(
        label=_("Where or how the person can be reached"),
        max_length=SHORT_TEXT,
        required=False,
        help_text=_("Only what the team needs to find them. Nothing more until they consent."),
    )
    serious_mental_health = forms.ChoiceField(
        label=_("Serious mental-health problems?"), choices=YES_NO_UNKNOWN, required=False
    )
    substance_dependence = forms.ChoiceField(
        label=_("Substance dependence?"), choices=YES_NO_UNKNOWN, required=False
    )
    loss_of_function = forms.ChoiceField(
        label=_("Major loss of function in daily life?"), choices=YES_NO_UNKNOWN, required=False
    )
    unstable_life = forms.ChoiceField(
        label=_("Unstable life situation (housing, money, crises)?"),
        choices=YES_NO_UNKNOWN,
        required=False,
    )
    lacks_contact = forms.ChoiceField(
        label=_("Lacks contact with services?"), choices=YES_NO_UNKNOWN, required=False
    )
    treatment_service = forms.ModelChoiceField(
        queryset=Service.objects.none(),
        label=_("Treatment contact the person has now, if any"),
        required=False,
    )
    concern = forms.CharField(
        label=_("What worries you"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=LONG_TEXT,
        required=False,
        help_text=_("It is fine if you do not know everything. The team will call you."),
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self._f["referrer_service"].queryset = services
        self._f["treatment_service"].queryset = services


class ClarifyForm(Form):
    note = forms.CharField(label=_("What was clarified, and with whom"), max_length=SHORT_TEXT * 2)


class DecisionForm(Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT,
        required=False,
    )
    advice = forms.CharField(
        label=_("Advice to the referrer (they see it)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT,
        required=False,
    )
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(), label=_("Intake meeting"), required=False
    )
    treatment_service = forms.ModelChoiceField(
        queryset=Service.objects.none(), label=_("Treatment contact"), required=False
    )
    worker = MemberChoice(
        queryset=Secondment.objects.none(),
        label=_("Worker (in shoulder to shoulder: beside the treatment contact)"),
        required=False,
    )
    partner = MemberChoice(
        queryset=Secondment.objects.none(),
        label=_("Worker from the other level"),
        required=False,
    )

    def __init__(self, *args, members, meetings, services, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("worker", "partner"):
            self._f[name].queryset = Secondment.objects.filter(pk__in=[m.pk for m in members])
            self._f[name].choices = [("", "---------")] + [
                (m.pk, self._f[name].label_from_instance(m)) for m in members
            ]
        self._f["meeting"].queryset = Meeting.objects.filter(pk__in=[m.pk for m in meetings])
        self._f["meeting"].choices = [("", "---------")] + [
            (m.pk, f"{m.title}, {timezone.localtime(m.starts_at):%d.%m.%Y %H:%M}") for m in meetings
        ]
        # A list, not a queryset: the agenda renders one form per referral, and a queryset
        # would be asked again for each.
        self._f["treatment_service"].queryset = Service.objects.filter(
            pk__in=[s.pk for s in services]
        )
        self._f["treatment_service"].choices = [("", "---------")] + [
            (s.pk, s.name) for s in services
        ]


class CaseWorkerForm(Form):
    member = MemberChoice(queryset=Secondment.objects.none(), label=_("Team member"))
    shoulder = forms.BooleanField(label=_("Works beside the treatment contact"), required=False)
    reason = forms.CharField(label=_("Why"), max_length=SHORT_TEXT)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self._f["member"].queryset = Secondment.objects.filter(pk__in=[m.pk for m in members])
        self._f["member"].choices = [("", "---------")] + [
            (m.pk, self._f["member"].label_from_instance(m)) for m in members
        ]


class ReasonForm(Form):
    reason = forms.CharField(label=_("Why"), max_length=SHORT_TEXT)


class ContactForm(Form):
    on = forms.DateField(label=_("Date of contact"), widget=DateInput, initial=timezone.localdate)
    alert_days = forms.IntegerField(
        label=_("Days without contact before the team worries (the person decides)"),
        min_value=1,
        max_value=365,
        required=False,
    )


class BoardAddForm(Form):
    reason = forms.CharField(label=_("Why on the board"), max_length=SHORT_TEXT * 2)
    next_step = forms.CharField(
        label=_("What happens before the next meeting"), max_length=SHORT_TEXT * 2
    )
    next_step_by = MemberChoice(queryset=Secondment.objects.none(), label=_("Who does it"))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self._f["next_step_by"].queryset = Secondment.objects.filter(pk__in=[m.pk for m in members])
        self._f["next_step_by"].choices = [("", "---------")] + [
            (m.pk, self._f["next_step_by"].label_from_instance(m)) for m in members
        ]


class BoardRemoveForm(Form):
    off_reason = forms.CharField(label=_("Why off the board"), max_length=SHORT_TEXT * 2)


class ConsultationForm(Form):
    direction = forms.ChoiceField(label=_("Direction"), choices=Consultation.Direction.choices)
    service = forms.ModelChoiceField(queryset=Service.objects.none(), label=_("Service"))
    topic = forms.CharField(label=_("Topic (no names)"), max_length=SHORT_TEXT)
    minutes = forms.IntegerField(label=_("Time spent (minutes)"), min_value=1, max_value=1440)
    on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self._f["service"].queryset = services


class CaseHandoffForm(Form):
    to_service = forms.ModelChoiceField(
        queryset=Service.objects.none(), label=_("Hand back to (the service taking over)")
    )
    summary = forms.CharField(
        label=_("What the service taking over needs to know"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT,
    )
    follow_up = forms.CharField(
        label=_("Follow-up agreement"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT,
        required=False,
    )
    wanted_from = forms.DateField(label=_("From"), widget=DateInput, initial=timezone.localdate)
    answer_by = forms.DateField(label=_("Answer by"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self._f["to_service"].queryset = services


def _scale(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=Scale.choices, coerce=int, widget=forms.RadioSelect
    )


class PerceivedChangeForm(Form):
    """The person answers; a worker writes it down with them."""

    on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    life_situation = _scale(_("How is your life situation now?"))
    daily_functioning = _scale(_("How do you manage daily life now?"))
    mental_health = _scale(_("How are your mental health and substance use now?"))
    own_words = forms.CharField(
        label=_("In the person's own words: what has changed, and what matters now?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT,
        required=False,
    )
    # Checked in the service, so the refusal says what to do.
    person_agreed = forms.BooleanField(
        label=_("The person agrees that the team records these answers"), required=False
    )


class PlanChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person)


class LinkPersonForm(Form):
    plan = PlanChoice(queryset=Plan.objects.none(), label=_("The person's plan"))

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self._f["plan"].queryset = plans


class TeamCreateForm(Form):
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), label=_("The service that becomes the team")
    )
    network = forms.ModelChoiceField(queryset=Network.objects.none(), label=_("Network"))
    contact_alert_days = forms.IntegerField(
        label=_("Days without contact before the team worries (the person may choose other)"),
        min_value=1,
        max_value=365,
        initial=14,
    )

    def __init__(self, *args, services, networks, **kwargs):
        super().__init__(*args, **kwargs)
        self._f["service"].queryset = services
        self._f["network"].queryset = networks
