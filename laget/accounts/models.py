"""User accounts. Everyone signs in with an e-mail address; what they may see comes from
their role in the domain (a professional's memberships, later a person's plan)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, kind=User.Kind.OPERATOR)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    class Kind(models.TextChoices):
        PROFESSIONAL = "professional", _("Professional")
        PERSON = "person", _("Person")
        RELATIVE = "relative", _("Relative")
        OPERATOR = "operator", _("Operator")
        # A member of a user council (meetings.CouncilMember) without another role here.
        REPRESENTATIVE = "representative", _("User representative")

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    kind = models.CharField(_("kind of account"), max_length=16, choices=Kind.choices)
    # Logging out ends every session that began before this moment, on every device
    # (accounts.middleware.SessionLifetimeMiddleware).
    sessions_ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Kept by laget.notifications in the transaction that changes them, so the bell in the
    # navigation costs no query: the user row is read on every request anyway.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def requires_mfa(self) -> bool:
        """Professionals and operators must use a second factor before they see anything."""
        return self.kind in (self.Kind.PROFESSIONAL, self.Kind.OPERATOR) or self.is_superuser
