"""A return is the official figure of its cell: `covers_reports` marks one with reports found inside it later
(it was `superseded`, when reports won; one report then silently emptied a whole year's return)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_roles")]
    operations = [migrations.RenameField("aggregatereturn", "superseded", "covers_reports")]
