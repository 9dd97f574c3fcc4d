from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "bali.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from bali.core.demo import register_demo_step
        from bali.organisations import demo

        register_demo_step("organisations", demo.build, 5)
