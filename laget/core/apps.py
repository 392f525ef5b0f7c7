from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "laget.core"
    label = "core"
    verbose_name = "Laget"


class LagetAdminConfig(admin_apps.AdminConfig):
    # The admin is for operators only: superusers who have signed in with MFA.
    default = False
    default_site = "laget.core.admin_site.LagetAdminSite"
