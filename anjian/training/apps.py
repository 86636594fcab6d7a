from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "anjian.training"
    label = "training"
    verbose_name = _("Training and assessment")

    def ready(self) -> None:
        from anjian.core.errors import register_messages
        from anjian.training.errors import MESSAGES

        register_messages(MESSAGES)
