"""Configuration of the directory for operators. Catalogue texts are shown read-only here:
a service's own administrators edit them, on the catalogue pages, with conflict checks."""

from django.contrib import admin

from laget.directory.models import (
    CatalogueEntry,
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


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
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


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("service",)


@admin.register(Professional)
class ProfessionalAdmin(admin.ModelAdmin):
    list_display = ("user", "profession", "hpr_number")
    list_select_related = ("user", "profession")
    search_fields = ("user__email", "user__first_name", "user__last_name", "hpr_number")
    inlines = [MembershipInline]
