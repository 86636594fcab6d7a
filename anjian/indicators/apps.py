from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "anjian.indicators"
    label = "indicators"
    verbose_name = _("Statistics and indicators")

    def ready(self) -> None:
        from anjian.core.errors import register_messages
        from anjian.indicators.errors import MESSAGES

        register_messages(MESSAGES)
