"""The first administrator of a fresh installation, and the bureau they belong to."""

import getpass

from django.core.management.base import BaseCommand, CommandError

from anjian.core.errors import DomainError
from anjian.core.services import bootstrap_administrator


class Command(BaseCommand):
    help = "Create a bureau at a division (if it has none) and its first administrator. Audited."

    def add_arguments(self, parser):
        parser.add_argument("--division", required=True, help="6-digit code, e.g. 540000 (000000: the whole platform)")
        parser.add_argument("--bureau", required=True, help="the bureau's Chinese name")
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--password-file", help="read the password from this file instead of asking")

    def handle(self, *args, **options):
        if options["password_file"]:
            with open(options["password_file"], encoding="utf-8") as handle:
                password = handle.read().strip()
        else:
            password = getpass.getpass("Password: ")
        try:
            person = bootstrap_administrator(
                division=options["division"],
                bureau_name=options["bureau"],
                username=options["username"],
                full_name=options["full_name"],
                password=password,
            )
        except DomainError as error:
            field = f"{error.field}: " if error.field else ""
            raise CommandError(f"{field}{error.message}") from error
        self.stdout.write(f"administrator {person.username} of {person.organisation.name_zh} created")
