from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "bali.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self) -> None:
        from bali.activities import demo, stats
        from bali.core.demo import register_demo_step
        from bali.core.stats import register_home_count

        register_demo_step("activities", demo.build, 20)

        register_home_count("activities", _("activities"), stats.public_activity_count, 10)
        register_home_count("countries", _("countries"), stats.country_count, 20)
        register_home_count("organisations", _("organisations"), stats.organisation_count, 30)
