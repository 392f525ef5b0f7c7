"""Accounts in the admin: professionals and operators only.

Persons and relatives are not listed: that someone has an account as a person in Laget
is itself personal data (it says they receive help), and operators see no personal data.
"""

from allauth.mfa.admin import AuthenticatorAdmin as AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from laget.accounts.models import User

STAFF_KINDS = [User.Kind.PROFESSIONAL, User.Kind.OPERATOR]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "kind", "is_active", "last_login")
    list_filter = ("kind", "is_active", "is_superuser")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password", "kind")}),
        (_("Name"), {"fields": ("first_name", "last_name")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).filter(kind__in=STAFF_KINDS)

    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "kind", "password1", "password2")}),
    )


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(AllauthAuthenticatorAdmin):
    """Operators may reset a professional's second factor; persons' are not listed."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Authenticator]:
        return super().get_queryset(request).filter(user__kind__in=STAFF_KINDS)
