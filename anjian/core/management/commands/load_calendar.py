from django.core.management.base import BaseCommand, CommandError

from anjian.core.errors import DomainError
from anjian.core.services import calendar_load_package


class Command(BaseCommand):
    help = (
        "Enter the statutory calendar's years from the installed chinesecalendar package that the platform "
        "does not hold yet (after upgrading the package); audited."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--replace",
            action="store_true",
            help="also bring the years held in line with the package (overwrites entries made by hand)",
        )

    def handle(self, *args, replace=False, **options):
        try:
            years = calendar_load_package(replace=replace)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc

        def span(items):
            return ", ".join(str(year) for year in items) or "none"

        self.stdout.write(
            f"calendar years: created {span(years['created'])}; updated {span(years['updated'])}; "
            f"{len(years['unchanged'])} unchanged"
        )
