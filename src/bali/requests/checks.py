"""System checks of the request settings: `bali check` (and every start of the site) reports
deadlines or holidays that cannot be read, instead of an error on the first request."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from bali.requests.deadlines import STEPS, parse_holidays


@checks.register()
def check_request_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    deadlines = getattr(settings, "BALI_REQUEST_DEADLINES", None) or {}
    for step in STEPS:
        value = deadlines.get(step)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors.append(
                checks.Error(
                    f"BALI_REQUEST_DEADLINES[{step!r}] must be a number of working days "
                    "(0 or more).",
                    id="requests.E001",
                )
            )
    try:
        parse_holidays(getattr(settings, "BALI_REQUEST_HOLIDAYS", ()) or ())
    except ValueError as exc:
        errors.append(checks.Error(f"BALI_REQUEST_HOLIDAYS: {exc}.", id="requests.E002"))
    return errors
