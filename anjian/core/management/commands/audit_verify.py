from django.core.management.base import BaseCommand, CommandError

from anjian.core.audit import audit_verify


class Command(BaseCommand):
    help = "Check the audit log's hash chain; report the first broken link."

    def handle(self, *args, **options):
        checked, broken = audit_verify()
        if broken is not None:
            raise CommandError(f"audit chain broken at {broken} ({checked} entries before it are intact)")
        self.stdout.write(f"audit chain intact: {checked} entries")
