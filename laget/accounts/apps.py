from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "laget.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from laget.accounts.middleware import end_sessions_everywhere, mark_login_time

        # Every login (allauth's, the admin's, a test's force_login) starts the session's
        # absolute lifetime.
        user_logged_in.connect(mark_login_time, dispatch_uid="laget.accounts.login_time")
        user_logged_out.connect(end_sessions_everywhere, dispatch_uid="laget.accounts.logout")

        from allauth.account.signals import user_logged_in as allauth_logged_in

        from laget.accounts.oidc import mark_external_mfa

        # A login through HelseID: its own MFA was the second factor for this session.
        allauth_logged_in.connect(mark_external_mfa, dispatch_uid="laget.accounts.oidc_mfa")
