"""When the next step of a request is due, counted in working days (Monday to Friday).

The number of working days per step comes from the setting `BALI_REQUEST_DEADLINES`
(`{"acknowledge": 10, "decide": 30, "assign": 10, "start": 30}` by default). Public holidays
differ between duty stations and are not counted out; a deadline is a reminder, not a rule.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings

SATURDAY = 5
STEPS = ("acknowledge", "decide", "assign", "start")


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (a request received on Friday with one day
    to answer is due on Monday)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < SATURDAY:
            remaining -= 1
    return current


def working_days_for(step: str) -> int:
    """Working days allowed for a step; settings are read when asked, never at import."""
    configured = getattr(settings, "BALI_REQUEST_DEADLINES", {}) or {}
    if step not in configured:
        raise KeyError(f"BALI_REQUEST_DEADLINES has no value for {step!r}")
    return int(configured[step])


def due_date(step: str, since: date) -> date:
    return add_working_days(since, working_days_for(step))
