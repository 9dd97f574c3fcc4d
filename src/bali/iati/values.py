"""Reading scalar values as publishers really write them: dates, numbers, booleans, timestamps.

Each reader returns `(value, problem)`: the value, repaired when the intent is clear (a date
`2006-10-1`, a number `46678,00`), and a message id (`None` when the text was clean) that the
caller turns into a warning with the file, line and identifier. A value that cannot be read is
`None` with a problem. The functions are pure and fast: the importer calls them millions of times.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

from django.utils.translation import gettext_noop

Problem = str | None

REPAIRED_DATE = gettext_noop("the date %(value)s was read as %(repaired)s")
BAD_DATE = gettext_noop("%(value)s is not a date; ignored")
REPAIRED_NUMBER = gettext_noop("the number %(value)s was read as %(repaired)s")
BAD_NUMBER = gettext_noop("%(value)s is not a number; ignored")
BAD_TIMESTAMP = gettext_noop("%(value)s is not a date and time; ignored")
BAD_BOOLEAN = gettext_noop("%(value)s is not true or false; ignored")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[T ].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_SCIENTIFIC = re.compile(r"^-?\d+(\.\d+)?[eE][+-]?\d{1,3}$")
_NUMBER_NOISE = re.compile(r"[\s\u00a0\u202f'’]|[A-Za-z$€£¥%]+")
TWO_PLACES = Decimal("0.01")
# Money columns hold 20 digits with 2 decimals; larger magnitudes cannot be stored.
MAX_MONEY = Decimal("1e18")


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=8192)  # the same dates come back in every budget and transaction
def read_date(text: str | None) -> tuple[date | None, Problem]:
    """`YYYY-MM-DD`; repaired: one-digit parts, a time part, `/` or `.` separators,
    `YYYYMMDD`, `DD/MM/YYYY` (day first, as most publishers outside the US write it) and
    `YYYY-MM` (first day of the month)."""
    if text is None:
        return None, None
    text = text.strip()
    if not text:
        return None, None
    if _ISO_DATE.match(text):
        value = _make_date(int(text[:4]), int(text[5:7]), int(text[8:10]))
        return (value, None) if value else (None, BAD_DATE)
    value = None
    if match := _YMD.match(text):
        value = _make_date(int(match[1]), int(match[2]), int(match[3]))
    elif match := _DMY.match(text):
        value = _make_date(int(match[3]), int(match[2]), int(match[1]))
    elif match := _COMPACT.match(text):
        value = _make_date(int(match[1]), int(match[2]), int(match[3]))
    elif match := _YEAR_MONTH.match(text):
        value = _make_date(int(match[1]), int(match[2]), 1)
    if value is None:
        return None, BAD_DATE
    if len(text) > 10 and text[:10] == value.isoformat():
        return value, None  # a date-time where a date was asked: the date is plain
    return value, REPAIRED_DATE


@lru_cache(maxsize=1024)  # publishers often stamp a whole file with one time
def read_timestamp(text: str | None) -> tuple[datetime | None, Problem]:
    """An xsd:dateTime (`2019-09-15T22:14:11.93+00:00`, `Z`, or no zone = UTC); a plain date is
    read as midnight UTC."""
    if text is None or not text.strip():
        return None, None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        day, _problem = read_date(text)
        if day is None:
            return None, BAD_TIMESTAMP
        value = datetime.combine(day, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC), None


def _normalise_separators(text: str) -> str:
    """`1.234.567,89` → `1234567.89`; `46678,00` → `46678.00`; `1,234,567` → `1234567`."""
    comma, dot = text.rfind(","), text.rfind(".")
    if comma >= 0 and dot >= 0:
        decimal_mark, group_mark = (",", ".") if comma > dot else (".", ",")
        return text.replace(group_mark, "").replace(decimal_mark, ".")
    if comma >= 0:
        digits_after = len(text) - comma - 1
        if text.count(",") > 1 or digits_after == 3:
            return text.replace(",", "")  # thousands separators
        return text.replace(",", ".")
    if text.count(".") > 1:
        return text.replace(".", "")  # 1.234.567: dots as thousands separators
    return text


@lru_cache(maxsize=8192)
def read_decimal(text: str | None) -> tuple[Decimal | None, Problem]:
    """A number; repaired: decimal commas, thousands separators, spaces, currency signs."""
    if text is None:
        return None, None
    raw = text.strip()
    if not raw:
        return None, None
    if _PLAIN_NUMBER.match(raw):
        return Decimal(raw), None
    if _SCIENTIFIC.match(raw):
        return Decimal(raw), REPAIRED_NUMBER
    cleaned = _normalise_separators(_NUMBER_NOISE.sub("", raw))
    if cleaned.startswith("+"):
        cleaned = cleaned[1:]
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None, BAD_NUMBER
    if not value.is_finite():
        return None, BAD_NUMBER
    return value, REPAIRED_NUMBER


def fit_money(value: Decimal | None) -> Decimal | None:
    """Round to the stored two decimals; None when the magnitude cannot be stored."""
    if value is None:
        return None
    if abs(value) >= MAX_MONEY:
        return None
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_EVEN)


def read_percentage(text: str | None) -> tuple[Decimal | None, Problem]:
    """A percentage between 0 and 100 (a trailing `%` is allowed), rounded to two decimals."""
    value, problem = read_decimal(text)
    if value is None:
        return None, problem
    if not (0 <= value <= 100):
        return None, BAD_NUMBER
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_EVEN), problem


_TRUE = frozenset(("1", "true", "yes", "y", "t"))
_FALSE = frozenset(("0", "false", "no", "n", "f"))


def read_boolean(text: str | None) -> tuple[bool | None, Problem]:
    if text is None or not text.strip():
        return None, None
    word = text.strip().lower()
    if word in _TRUE:
        return True, None
    if word in _FALSE:
        return False, None
    return None, BAD_BOOLEAN


def read_int(text: str | None) -> tuple[int | None, Problem]:
    if text is None or not text.strip():
        return None, None
    value, problem = read_decimal(text)
    if value is None or value != value.to_integral_value() or not (0 <= value < 32768):
        return None, BAD_NUMBER
    return int(value), problem
