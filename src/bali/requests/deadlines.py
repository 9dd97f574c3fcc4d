"""When the next step of a request is due, counted in working days.

The number of working days per step comes from the setting `BALI_REQUEST_DEADLINES`
(`{"acknowledge": 10, "decide": 30, "assign": 10, "start": 30}` by default). Saturdays, Sundays
and the public holidays of `BALI_REQUEST_HOLIDAYS` are not counted: a comma-separated list of
dates (`2026-12-25`) and of days that recur every year (`12-25`, `01-01`). One list serves
every office: a deadline is a reminder of the service the plan promises, not a rule of law, so
the holidays of UN headquarters (or of the duty stations together) are a fair choice.
`checks.py` refuses values that cannot be read, when the site starts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

SATURDAY = 5
STEPS = ("acknowledge", "decide", "assign", "start")


@dataclass(frozen=True)
class Holidays:
    dates: frozenset[date] = frozenset()
    every_year: frozenset[tuple[int, int]] = frozenset()  # (month, day)

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        return day in self.dates or (day.month, day.day) in self.every_year


def parse_holidays(values: Iterable[str]) -> Holidays:
    """`2026-12-25` is one day; `12-25` is that day every year. Raises ValueError naming a
    value that is neither."""
    dates: set[date] = set()
    every_year: set[tuple[int, int]] = set()
    for raw in values:
        text = str(raw).strip()
        if not text:
            continue
        try:
            if len(text) == 5:
                month, day = (int(part) for part in text.split("-"))
                date(2000, month, day)  # a leap year, so 02-29 is accepted
                every_year.add((month, day))
            else:
                dates.add(date.fromisoformat(text))
        except ValueError as exc:
            raise ValueError(
                f"{text!r} is not a date (2026-12-25) nor a yearly day (12-25)"
            ) from exc
    return Holidays(frozenset(dates), frozenset(every_year))


def configured_holidays() -> Holidays:
    return parse_holidays(getattr(settings, "BALI_REQUEST_HOLIDAYS", ()) or ())


def is_working_day(day: date, holidays: Holidays) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def add_working_days(start: date, days: int, holidays: Holidays | None = None) -> date:
    """The date `days` working days after `start` (a request received on Friday with one day
    to answer is due on Monday, or on Tuesday when Monday is a holiday)."""
    if days < 0:
        raise ValueError("days must not be negative")
    holidays = holidays or Holidays()
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current


def working_days_for(step: str) -> int:
    """Working days allowed for a step; settings are read when asked, never at import."""
    configured = getattr(settings, "BALI_REQUEST_DEADLINES", {}) or {}
    if step not in configured:
        raise KeyError(f"BALI_REQUEST_DEADLINES has no value for {step!r}")
    return int(configured[step])


def due_date(step: str, since: date) -> date:
    return add_working_days(since, working_days_for(step), configured_holidays())
