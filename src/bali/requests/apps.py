from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _is_focal_point(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == "national_focal_point"


def _is_office(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.role == "regional_officer" or user.is_global
    )


def _is_assignee(user: Any) -> bool:
    from bali.requests.assignees import assignee_keys_of

    return bool(getattr(user, "is_authenticated", False)) and bool(assignee_keys_of(user))


def _is_hq(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_global


class RequestsConfig(AppConfig):
    name = "bali.requests"
    label = "requests"
    verbose_name = _("Requests for support")

    def ready(self) -> None:
        from bali.core.demo import register_demo_step
        from bali.core.nav import register_nav
        from bali.core.stats import register_home_count
        from bali.requests import checks, demo, stats  # noqa: F401 (checks register themselves)

        register_nav("requests", _("Requests"), "requests:list", 40)
        register_nav(
            "requests_desk", _("My country's requests"), "requests:desk", 41, _is_focal_point
        )
        register_nav("requests_office", _("Regional queue"), "requests:office", 42, _is_office)
        register_nav(
            "requests_assigned", _("Assigned to us"), "requests:assigned", 43, _is_assignee
        )
        register_nav("requests_overview", _("Requests overview"), "requests:overview", 44, _is_hq)
        register_home_count("requests", _("requests for support"), stats.public_request_count, 40)
        register_demo_step("requests", demo.build, 40)
        self._forget_office_names_on_change()

    def _forget_office_names_on_change(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from bali.reference.models import Region
        from bali.requests.assignees import forget_office_names

        post_save.connect(forget_office_names, sender=Region, dispatch_uid="office_names_saved")
        post_delete.connect(forget_office_names, sender=Region, dispatch_uid="office_names_deleted")
