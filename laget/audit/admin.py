from django.contrib import admin

from laget.audit.models import ChangeRecord


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    # Read-only: the record of changes is never edited by hand.
    list_display = ("at", "actor", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
