from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "anjian.enforcement"
    label = "enforcement"
    verbose_name = _("Enforcement")

    def ready(self) -> None:
        from anjian.core.errors import register_messages
        from anjian.enforcement.errors import MESSAGES

        register_messages(MESSAGES)
