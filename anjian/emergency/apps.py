from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    name = "anjian.emergency"
    label = "emergency"
    verbose_name = _("Emergency rescue command")

    def ready(self) -> None:
        from anjian.core.errors import register_messages
        from anjian.emergency.errors import MESSAGES

        register_messages(MESSAGES)
