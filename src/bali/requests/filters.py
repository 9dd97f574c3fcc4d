"""The filters of request lists, shared by the API and the pages.

One parser for `country`, `region`, `status`, `theme`, `year`, `assignee` and `overdue`, so the
public list, the queues and `GET /api/v1/requests` accept the same values and refuse the same bad
ones with the same translated message (the API answers 400, a page lists the problems and
ignores the bad values). Checking the values before they reach the database also keeps odd
input (a NUL character, a year past 9999) from ever becoming a server error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bali.core.params import year_number, yes_no
from bali.reference import lookups
from bali.requests.assignees import parse_assignee
from bali.requests.models import Status
from bali.requests.validation import shown


@dataclass(frozen=True)
class RequestFilters:
    country: str = ""
    region: str = ""
    status: str = ""
    theme: str = ""
    year: int | None = None
    assignee: str = ""
    overdue: bool = False


def parse_filters(params: Mapping[str, Any]) -> RequestFilters:
    """Filters from query parameters; raises ValidationError {parameter: [messages]}."""
    filters, errors = read_filters(params)
    if errors:
        raise ValidationError(errors)
    return filters


def read_filters(params: Mapping[str, Any]) -> tuple[RequestFilters, dict[str, list[str]]]:
    """The good filters, and a message for each bad one (pages show them and go on)."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name, reader in _READERS.items():
        raw = str(params.get(name) or "").strip()
        try:
            values[name] = reader(raw)
        except ValueError as exc:
            errors[name] = [str(exc)]
    return RequestFilters(**values), errors


def _code(model_label: str) -> Callable[[str], str]:
    def read(raw: str) -> str:
        code = raw.upper()
        if code and code not in lookups.reference_codes(model_label):
            raise ValueError(_unknown(raw))
        return code

    return read


def _status(raw: str) -> str:
    if raw and raw not in Status.values:
        raise ValueError(
            _("Unknown status %(value)s; choose one of %(choices)s.")
            % {"value": shown([raw]), "choices": ", ".join(Status.values)}
        )
    return raw


def _year(raw: str) -> int | None:
    if not raw:
        return None
    found = year_number(raw)
    if found is None:
        raise ValueError(_("A year is four digits, such as 2026."))
    return found


def _assignee(raw: str) -> str:
    if not raw:
        return ""
    try:
        return str(parse_assignee(raw))
    except ValidationError as exc:
        raise ValueError(exc.message_dict["assignee"][0]) from exc


def _overdue(raw: str) -> bool:
    found = yes_no(raw)
    if found is None:
        raise ValueError(_("Write overdue=true or overdue=false."))
    return found


def _unknown(raw: str) -> str:
    return _("Unknown code %(value)s.") % {"value": shown([raw])}


_READERS = {
    "country": _code("Country"),
    "region": _code("Region"),
    "status": _status,
    "theme": _code("Theme"),
    "year": _year,
    "assignee": _assignee,
    "overdue": _overdue,
}
