"""Error codes of statistics and indicators, shared by pages and API."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {}
