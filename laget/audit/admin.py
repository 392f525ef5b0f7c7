from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from laget.audit.models import ChangeRecord


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
