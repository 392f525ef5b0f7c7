from django.core.management.base import BaseCommand, CommandError

from laget.accounts.totp import DEMO_TOTP_SECRET, current_code, demo_allowed


class Command(BaseCommand):
    help = "Print the current two-factor code for the demo accounts (demo set-ups only)."

    def handle(self, *args: object, **options: object) -> None:
        if not demo_allowed():
            raise CommandError("demo_totp is only available with LAGET_DEMO=1 or LAGET_DEBUG=1.")
        self.stdout.write(current_code(DEMO_TOTP_SECRET))
