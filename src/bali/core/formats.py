"""Numbers, sums of money, percentages and dates written the way the reader's language writes them.

Django's number localisation follows its own per-language format files: Arabic groups no digits
there (`2377000`) and nothing is grouped unless `USE_THOUSAND_SEPARATOR` is on for every app.
Every page uses Babel's CLDR data instead (the filters `number`, `amount`, `percent`, `day`,
`period`, `moment` of the core `bali` template library), so the portal, the requests pages and
their e-mail write figures the same way: `1,747,000` (English), `1 747 000` (French,
Russian), `1.747.000` (Spanish) and dates such as `12 Nov 2011` / `12 nov. 2011` /
`2011年11月12日` / `12/11/2011` follow the active language. Digits are Western in every
language, as in the UN's Arabic documents. English follows British usage (`en_GB`), like the
rest of the interface.

Machine-readable output (CSV, JSON, `<time datetime>`) keeps ISO dates and plain decimals.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval, format_time
from babel.numbers import format_decimal, format_percent
from django.conf import settings
from django.utils import translation

# Django language code -> CLDR locale, where they differ.
BABEL_LOCALES = {"en": "en_GB", "zh-hans": "zh_Hans", "zh-hant": "zh_Hant"}
DIGITS = "latn"
MONEY_PATTERN = "#,##0.00"
OPEN_END = "…"
# Separators of lists in running text (CLDR's list patterns join with "and" in Arabic).
COMMAS = {"ar": "، ", "zh": "、"}
SEMICOLONS = {"ar": "؛ ", "zh": "；"}
PERIOD_DASH = " – "


def babel_locale(language: str | None = None) -> str:
    """The CLDR locale of a Django language code (default: the active language)."""
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).lower()
    return BABEL_LOCALES.get(code, code.split("-")[0])


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@lru_cache(maxsize=8192)
def _whole(value: int, locale: str) -> str:
    return format_decimal(value, locale=locale, numbering_system=DIGITS)


def number(value: Any, language: str | None = None) -> str:
    """A count or other number with the digits grouped as the language groups them."""
    found = _decimal(value)
    if found is None:
        return "" if value is None else str(value)
    if found == found.to_integral_value():
        whole = int(found)
        # No language here groups fewer than four digits: most counts need no Babel call.
        return str(whole) if -1000 < whole < 1000 else _whole(whole, babel_locale(language))
    return format_decimal(
        found, locale=babel_locale(language), decimal_quantization=False, numbering_system=DIGITS
    )


def amount(value: Any, language: str | None = None) -> str:
    """A sum of money: whole units without decimals, else exactly two (`50,000.50`)."""
    found = _decimal(value)
    if found is None:
        return ""
    if found == found.to_integral_value():
        return number(found, language)
    return format_decimal(
        found, format=MONEY_PATTERN, locale=babel_locale(language), numbering_system=DIGITS
    )


def percent(value: Any, language: str | None = None) -> str:
    """A share given in percent (`60`, `33.33`) with the language's percent sign and spacing."""
    found = _decimal(value)
    if found is None:
        return ""
    share = (found / 100).normalize()
    return format_percent(
        share, locale=babel_locale(language), decimal_quantization=False, numbering_system=DIGITS
    )


def day(value: date | None, language: str | None = None) -> str:
    """A date in the language's medium form: `12 Nov 2011`, `12 nov. 2011`, `2011年11月12日`."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _utc(value).date()
    return format_date(value, "medium", locale=babel_locale(language))


def period(start: date | None, end: date | None, language: str | None = None) -> str:
    """A date range (`1 Jan – 31 Dec 2024`); an unknown end or start shows as `…`."""
    if start is None and end is None:
        return ""
    if start is None or end is None or start > end:
        return f"{day(start, language) or OPEN_END}{PERIOD_DASH}{day(end, language) or OPEN_END}"
    return format_interval(start, end, "yMMMd", locale=babel_locale(language))


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def moment(value: datetime | None, language: str | None = None) -> str:
    """A timestamp in UTC, date and 24-hour time joined the language's way (without `UTC`)."""
    if value is None:
        return ""
    locale = babel_locale(language)
    stamp = _utc(value)
    joined = str(Locale.parse(locale).datetime_formats["medium"])
    return joined.replace("{1}", format_date(stamp, "medium", locale=locale)).replace(
        "{0}", format_time(stamp, "HH:mm", locale=locale, tzinfo=UTC)
    )


def _language() -> str:
    return babel_locale().split("_")[0]


def comma() -> str:
    """The comma between the items of a list: `, `, `، ` (Arabic), `、` (Chinese)."""
    return COMMAS.get(_language(), ", ")


def semicolon() -> str:
    """The separator of a list whose items hold commas: `; `, `؛ `, `；`."""
    return SEMICOLONS.get(_language(), "; ")


@lru_cache(maxsize=512)
def _language_name(code: str, locale: str) -> str:
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(locale) or code
    except (UnknownLocaleError, ValueError, TypeError):
        return code


def language_name(code: str | None, language: str | None = None) -> str:
    """The name of a language (`en` → `English`, `anglais`, `الإنجليزية`); the code itself
    when the language is unknown."""
    if not code:
        return ""
    return _language_name(code.strip().lower()[:20], babel_locale(language))
