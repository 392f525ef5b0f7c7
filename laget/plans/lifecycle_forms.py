"""Forms for the plan's life cycle: register a person, open a plan, requests, closing,
invitations. Messages say what to do."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from laget.directory.models import District, Membership, Service
from laget.plans.lifecycle_models import Invitation
from laget.plans.models import Person, Plan, TeamMember
from laget.plans.registration import districts_for


class DateInput(forms.DateInput):
    input_type = "date"


CONSENT_HELP = _("A verbal consent needs a witness.")


class ServiceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Service) -> str:
        return f"{obj.name} ({obj.organisation.name})"


class MembershipChoice(forms.ModelChoiceField):
    """A professional at a service: one choice names both the coordinator and the service
    they take part for."""

    def label_from_instance(self, obj: Membership) -> str:
        user = obj.professional.user
        return f"{user.get_full_name() or user.email} – {obj.service.name}"


def memberships_queryset(services: Any) -> Any:
    return (
        Membership.objects.active()
        .filter(service__in=services, service__is_active=True)
        .select_related("professional__user", "service")
        .order_by("professional__user__first_name", "professional__user__last_name")
    )


class RegisterForm(forms.Form):
    service = ServiceChoice(
        label=_("Registered for the service"), queryset=Service.objects.none(), empty_label=None
    )
    national_id = forms.CharField(
        label=_("National identity number (fødselsnummer, D-number or help number)"),
        max_length=14,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Write the person's 11-digit number.")},
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        error_messages={"required": _("Write the person's first name.")},
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        error_messages={"required": _("Write the person's last name.")},
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        widget=DateInput,
        error_messages={"required": _("Write the birth date."), "invalid": _("Write a date.")},
    )
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        error_messages={"invalid": _("Write a whole e-mail address, such as navn@eksempel.no.")},
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=Person.Language.choices
    )
    district = forms.ModelChoiceField(
        label=_("Municipality district"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Not recorded"),
        help_text=_(
            "Where the person lives, if your network has defined its districts. Used only "
            "to count waiting times per district."
        ),
        error_messages={
            "invalid_choice": _("Choose one of the districts of the network the service is in.")
        },
    )

    def __init__(self, *args: Any, services: list[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(  # type: ignore[attr-defined]
            pk__in=[s.pk for s in services]
        ).select_related("organisation")
        districts = districts_for(list(services))
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        if not districts.exists():  # no network of these services has districts
            del self.fields["district"]


class JoinRequestForm(forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), widget=forms.HiddenInput)
    national_id = forms.CharField(max_length=14, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why you need to be on the team"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write in a sentence why you need to be on the team.")},
    )

    def __init__(self, *args: Any, services: list[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(  # type: ignore[attr-defined]
            pk__in=[s.pk for s in services]
        )


class ConsentFields(forms.Form):
    consent_method = forms.ChoiceField(
        label=_("How the person consented to start planning"),
        choices=[("", "---------"), *Plan.ConsentMethod.choices],
        error_messages={"required": _("Choose how the person gave their consent.")},
    )
    consent_witness = forms.CharField(
        label=_("Witness"), max_length=200, required=False, help_text=CONSENT_HELP
    )


class PlanOpenForm(ConsentFields):
    service = ServiceChoice(
        label=_("The service that opens the plan"),
        queryset=Service.objects.none(),
        empty_label=None,
    )
    coordinator = MembershipChoice(
        label=_("Coordinator"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("Me (I take the role)"),
        help_text=_("Someone else is asked and must accept; until then you hold the role."),
    )

    def __init__(self, *args: Any, services: list[Service], candidates: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(  # type: ignore[attr-defined]
            pk__in=[s.pk for s in services if s.level == Service.Level.MUNICIPAL]
        ).select_related("organisation")
        self.fields["coordinator"].queryset = candidates  # type: ignore[attr-defined]


class PlanRequestForm(ConsentFields):
    service = ServiceChoice(
        label=_("Sent by the service"), queryset=Service.objects.none(), empty_label=None
    )
    to_service = ServiceChoice(
        label=_("To the municipality's service"), queryset=Service.objects.none()
    )
    reason = forms.CharField(
        label=_("Why the person needs an individual plan"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write why the person needs an individual plan.")},
    )

    def __init__(self, *args: Any, services: list[Service], municipal: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(  # type: ignore[attr-defined]
            pk__in=[s.pk for s in services]
        ).select_related("organisation")
        self.fields["to_service"].queryset = municipal  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer (needed to decline)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CoordinatorChangeForm(forms.Form):
    coordinator = MembershipChoice(
        label=_("New coordinator"),
        queryset=Membership.objects.none(),
        error_messages={"required": _("Choose who you ask.")},
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=300,
        error_messages={"required": _("Write why, so the one you ask understands it.")},
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "coordinator_%s")
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = candidates  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write the reason.")},
    )


class InvitationForm(forms.Form):
    role = forms.ChoiceField(label=_("Invite"), choices=Invitation.Role.choices)
    email = forms.EmailField(
        label=_("E-mail"),
        error_messages={
            "required": _("Write the e-mail address the invitation goes to."),
            "invalid": _("Write a whole e-mail address, such as navn@eksempel.no."),
        },
    )
    first_name = forms.CharField(label=_("Relative's first name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Relative's last name"), max_length=100, required=False)
    relation = forms.CharField(
        label=_("Relation to the person"),
        max_length=100,
        required=False,
        help_text=_("For example mother, partner, friend."),
    )
    represents = forms.ChoiceField(
        label=_("Takes part on the person's behalf as"),
        choices=TeamMember.Represents.choices,
        required=False,
    )
    representation_scope = forms.CharField(
        label=_("Scope of the guardianship"),
        max_length=300,
        required=False,
        help_text=_("As the appointment from the county governor (Statsforvalteren) states it."),
    )
    agreement = forms.ChoiceField(
        label=_("How the person agreed to this relative taking part"),
        choices=[("", _("The person has not said yes yet"))]
        + [
            (v, label)
            for v, label in Invitation.Agreement.choices
            if v in (Invitation.Agreement.IN_PERSON, Invitation.Agreement.VERBAL)
        ],
        required=False,
    )
    agreement_witness = forms.CharField(label=_("Witness"), max_length=200, required=False)


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. A few words you remember work well."),
        error_messages={"required": _("Choose a password.")},
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the password again.")},
    )


class PersonDistrictForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("Municipality district"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Not recorded"),
        help_text=_("Where the person lives. Used only to count waiting times per district."),
        error_messages={
            "invalid_choice": _("Choose one of the districts of the network the service is in.")
        },
    )
    was = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
