from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anjian.core.errors import DomainError
from anjian.core.services import division_load_file


class Command(BaseCommand):
    help = "Load the official division codes (idempotent; changed names are audited)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="CSV file (default: settings.DIVISIONS_CSV)")

    def handle(self, *args, path=None, **options):
        try:
            counts = division_load_file(path=Path(path) if path else None)
        except (DomainError, OSError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"divisions: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged"
        )
