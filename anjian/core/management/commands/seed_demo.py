from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from anjian.core.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo bureaus, supporting units and accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Seed even outside the embedded SQLite mode (never in production)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.EMBEDDED and not force:
            raise CommandError("seed_demo only runs in the embedded mode (no DATABASE_URL); use --force to override.")
        if settings.PRODUCTION:
            raise CommandError("seed_demo never runs with ANJIAN_PRODUCTION=1.")
        counts = seed_demo()
        self.stdout.write(
            f"demo: {counts['organisations']} organisations and {counts['people']} accounts created "
            f"(the rest already existed); every password is {DEMO_PASSWORD}"
        )
        # Each system adds its own demo data (anjian/<app>/demo.py: seed_demo()).
        for app_config in apps.get_app_configs():
            if app_config.name.startswith("anjian.") and app_config.label != "core":
                try:
                    module = import_module(f"{app_config.name}.demo")
                except ModuleNotFoundError:
                    continue
                added = module.seed_demo()
                self.stdout.write(f"demo {app_config.label}: " + ", ".join(f"{v} {k}" for k, v in added.items()))
