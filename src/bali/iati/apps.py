from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IatiConfig(AppConfig):
    name = "bali.iati"
    label = "iati"
    verbose_name = _("IATI exchange")

    def ready(self) -> None:
        from bali.core.nav import register_nav
        from bali.iati.actions import can_import

        register_nav("iati_imports", _("IATI import"), "iati:imports", 80, can_import)
