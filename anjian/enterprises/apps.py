from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "anjian.enterprises"
    label = "enterprises"
    verbose_name = _("Production units")

    def ready(self) -> None:
        from anjian.core.errors import register_messages
        from anjian.enterprises.errors import MESSAGES

        register_messages(MESSAGES)
        from anjian.enterprises.importing import IMPORT_MESSAGES

        register_messages(IMPORT_MESSAGES)

        from anjian.core.selectors import register_live_record
        from anjian.enterprises.models import Enterprise
        from anjian.enterprises.selectors import get_enterprise_for

        register_live_record("enterprises.enterprise", Enterprise, get_enterprise_for)
