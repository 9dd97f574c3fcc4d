"""Plain values read from query strings, the same way by every page, API endpoint and command.

Yes/no flags (`?active=true`, `?overdue=1`), whole numbers (`page`, `limit`, `offset`) and years
(`year=2024`) are checked here before they reach the database, so a value a client mistypes is
a clear 400 everywhere rather than a server error somewhere. Callers word their own messages
(they name the parameter); these functions only say whether a value is good.
"""

from __future__ import annotations

from typing import Any

TRUE = frozenset(("1", "true", "yes", "on"))
FALSE = frozenset(("", "0", "false", "no", "off"))
FIRST_YEAR, LAST_YEAR = 1900, 2100  # years an activity or a request can be dated in
MAX_DIGITS = 9  # fits every integer column, and keeps `int()` of a long text cheap


def yes_no(value: Any) -> bool | None:
    """True or False for the words a query string uses (absent is False); None otherwise."""
    text = str(value or "").strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    return None


def whole_number(value: Any, digits: int = MAX_DIGITS) -> int | None:
    """A whole number written in ASCII digits (at most `digits` of them), else None: no sign,
    no spaces inside, no other scripts' digits (`int("٣")` would accept those)."""
    text = str(value).strip()
    if text.isascii() and text.isdigit() and len(text) <= digits:
        return int(text)
    return None


def year_number(value: Any) -> int | None:
    """A year from `FIRST_YEAR` to `LAST_YEAR` written with four digits, else None."""
    found = whole_number(value, 4)
    return found if found is not None and FIRST_YEAR <= found <= LAST_YEAR else None
