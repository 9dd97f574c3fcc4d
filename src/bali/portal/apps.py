from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "bali.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from bali.core.nav import register_nav

        register_nav("activities", _("Activities"), "activities:search", 10)
        register_nav("countries", _("Countries"), "portal:countries", 20)
        register_nav("organisations", _("Organisations"), "portal:organisations", 30)
