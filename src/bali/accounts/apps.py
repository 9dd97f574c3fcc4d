from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "bali.accounts"
    label = "accounts"
    verbose_name = _("People and access")

    def ready(self) -> None:
        from bali.accounts import demo
        from bali.core.demo import register_demo_step

        register_demo_step("users", demo.build, 10)
