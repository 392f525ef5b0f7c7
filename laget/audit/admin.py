from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from laget.audit.models import ChangeRecord, RefusedAttempt


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    # Read-only, and without the before/after values: they can hold personal data, which
    # operators do not see. The values are read through the domain apps' selectors.
    list_display = ("at", "who", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    list_select_related = ("actor",)
    fields = ("at", "who", "action", "object_type", "object_id")
    readonly_fields = fields

    @admin.display(description=_("who"))
    def who(self, record: ChangeRecord) -> str:
        # A person's or a relative's name would say who receives help: show the kind only.
        actor = record.actor
        if actor is None:
            return "–"
        if actor.kind in ("professional", "operator"):
            return str(actor)
        return f"{actor.get_kind_display()} #{actor.pk}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RefusedAttempt)
class RefusedAttemptAdmin(admin.ModelAdmin):
    # For the privacy officer: who was refused what, to see probing. Person ids only, never
    # names; read-only like every audit record.
    list_display = ("at", "actor_name", "object_type", "object_id", "person_id", "path")
    list_filter = ("object_type",)
    search_fields = ("actor_name",)
    fields = list_display
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
