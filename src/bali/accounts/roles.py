"""The roles of DESIGN §3 and the scope each one needs.

Role names are a promise to the command line and the API (`--role national_focal_point`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NATIONAL_FOCAL_POINT = "national_focal_point", _("National focal point")
    REGIONAL_OFFICER = "regional_officer", _("Regional office officer")
    DIVISION_FOCAL_POINT = "division_focal_point", _("Division focal point")
    PARTNER_EDITOR = "partner_editor", _("Partner editor")
    HQ_COORDINATOR = "hq_coordinator", _("HQ coordinator")
    ADMIN = "admin", _("Administrator")


# The scope field each role must have set (None: the role acts everywhere).
ROLE_SCOPE: dict[str, str | None] = {
    Role.NATIONAL_FOCAL_POINT: "country",
    Role.REGIONAL_OFFICER: "region",
    Role.DIVISION_FOCAL_POINT: "division",
    Role.PARTNER_EDITOR: "organisation",
    Role.HQ_COORDINATOR: None,
    Role.ADMIN: None,
}

GLOBAL_ROLES = frozenset({Role.HQ_COORDINATOR, Role.ADMIN})
