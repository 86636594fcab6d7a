from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    name = "anjian.aid"
    label = "aid"
    verbose_name = _("Support and aid")

    def ready(self) -> None:
        from anjian.aid.errors import MESSAGES
        from anjian.core.errors import register_messages

        register_messages(MESSAGES)
