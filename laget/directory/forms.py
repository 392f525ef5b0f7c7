from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from laget.directory.models import CatalogueEntry, Organisation, Service
from laget.directory.selectors import CatalogueFilters

PHONE_RE = re.compile(r"^\+?[0-9][0-9 ]{4,20}$")

TOO_LONG = _(
    "The text is too long: it has %(show_value)d characters and may have at most "
    "%(limit_value)d. Shorten it and save again."
)


REQUIRED_MESSAGES = {
    "summary": _("Write one or two sentences about who you are, so others know what you are for."),
    "how_to_refer": _(
        "Write how a person or another service gets in touch with you, such as a phone "
        "number, a form or a referral route."
    ),
}


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(
        label=_("What do you need help with?"),
        required=False,
        max_length=200,
        help_text=_("For example: housing, substance use, work, school."),
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *Service.Level.choices]
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors")), *Service.Sector.choices]
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All organisations"),
    )

    def __init__(self, *args, organisations=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})

    def filters(self) -> CatalogueFilters:
        """The valid part of the search; a filter value that is not valid is left out."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if self.is_bound and not self.is_valid():
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        organisation = data.get("organisation")
        return CatalogueFilters(
            q=data.get("q") or "",
            level=data.get("level") or "",
            sector=data.get("sector") or "",
            organisation_id=organisation.pk if organisation else None,
        )


class CatalogueEntryForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = CatalogueEntry
        fields = CatalogueEntry.EDITABLE_FIELDS
        widgets = {
            "offer": forms.Textarea(attrs={"rows": 6}),
            "target_group": forms.Textarea(attrs={"rows": 4}),
            "how_to_refer": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "summary": _("One or two sentences: who you are and what you are for."),
            "offer": _("What help you give, in words the person and other services understand."),
            "how_to_refer": _("How a person or another service gets in touch or refers."),
            "phone": _("Digits and spaces, optionally starting with +47."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["max_length"] = TOO_LONG
        # What other services need most: who you are and how to reach you.
        for name, message in REQUIRED_MESSAGES.items():
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = message
        self.fields["email"].error_messages["invalid"] = _(
            "Write a whole e-mail address, such as post@fjordvik.kommune.no."
        )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(
                _("Write the phone number with digits and spaces only, such as 22 33 44 55."),
                code="invalid_phone",
            )
        return phone


class DistrictForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the district"),
        max_length=100,
        help_text=_("As the municipality names it, for example Sentrum or Nordsida."),
        error_messages={
            "required": _("Write the name of the district."),
            "max_length": _("The name may have at most 100 characters."),
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
