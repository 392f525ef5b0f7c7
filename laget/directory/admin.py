"""Configuration of the directory for operators. Catalogue texts are shown read-only here:
a service's own administrators edit them, on the catalogue pages, with conflict checks."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext as _

from laget.directory.models import (
    CatalogueEntry,
    District,
    Membership,
    Network,
    Organisation,
    Profession,
    Professional,
    Service,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "org_number")
    list_filter = ("kind",)
    search_fields = ("name", "org_number")


class DistrictInline(admin.TabularInline):
    model = District
    fields = ("name",)
    extra = 0


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    inlines = [DistrictInline]
    filter_horizontal = ("organisations",)
    prepopulated_fields = {"slug": ("name",)}


class CatalogueEntryInline(admin.StackedInline):
    model = CatalogueEntry
    can_delete = False
    readonly_fields = (*CatalogueEntry.EDITABLE_FIELDS, "version", "updated_at", "updated_by")
    fields = readonly_fields


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "level", "sector", "is_active")
    list_filter = ("level", "sector", "organisation")
    search_fields = ("name",)
    list_select_related = ("organisation",)
    inlines = [CatalogueEntryInline]


@admin.register(Profession)
class ProfessionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_nb", "name_en", "is_health_personnel")


class MembershipFormSet(BaseInlineFormSet):
    """The admin keeps the same rule as membership_add: the professional's positions that
    are active today add up to 100 % at most."""

    def clean(self) -> None:
        super().clean()
        today = timezone.localdate()
        total = 0
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            starts, ends = data.get("starts"), data.get("ends")
            if starts and starts <= today and (ends is None or ends >= today):
                total += data.get("position_percent") or 0
        if total > 100:
            raise ValidationError(
                _(
                    "The active positions add up to %(total)d %%. Together they can be at "
                    "most 100 %%: reduce a fraction or end a membership."
                )
                % {"total": total}
            )


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ("service",)


@admin.register(Professional)
class ProfessionalAdmin(admin.ModelAdmin):
    list_display = ("user", "profession", "hpr_number")
    list_select_related = ("user", "profession")
    search_fields = ("user__email", "user__first_name", "user__last_name", "hpr_number")
    inlines = [MembershipInline]
