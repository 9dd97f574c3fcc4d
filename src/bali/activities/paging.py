"""The query of an activity list — filters and paging (`page`, `page_size`, `cursor`) — read and
run the same way by the search page and the API, so both accept and refuse the same values
with the same messages, and both treat a page past the end alike."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bali.activities.filters import ActivityFilters, parse_filters
from bali.core.params import whole_number

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_CURSOR_LENGTH = 500


@dataclass(frozen=True)
class Paging:
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    cursor: str | None = None


def parse_paging(params: Mapping[str, Any], default_size: int = DEFAULT_PAGE_SIZE) -> Paging:
    """Paging from query parameters; raises ValidationError {parameter: [messages]}."""
    errors: dict[str, list[str]] = {}
    page = whole_number(params.get("page") or 1)
    if page is None or page < 1:
        errors["page"] = [_("The page is a whole number from 1 up.")]
    size = whole_number(params.get("page_size") or default_size)
    if size is None or not 1 <= size <= MAX_PAGE_SIZE:
        errors["page_size"] = [
            _("The page size is a whole number from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE}
        ]
    cursor = str(params.get("cursor") or "").strip() or None
    if cursor is not None and len(cursor) > MAX_CURSOR_LENGTH:
        errors["cursor"] = [_("This cursor is not valid; start again from the first page.")]
    if errors:
        raise ValidationError(errors)
    return Paging(page or 1, size or default_size, cursor)


def past_the_end_message(page: int, page_count: int) -> str:
    return ngettext(
        "There is no page %(page)d: this search has %(count)d page of results.",
        "There is no page %(page)d: this search has %(count)d pages of results.",
        page_count,
    ) % {"page": page, "count": page_count}


def parse_search(
    params: Mapping[str, Any], default_size: int = DEFAULT_PAGE_SIZE
) -> tuple[ActivityFilters, Paging]:
    """Filters and paging from query parameters; ValidationError lists every bad parameter."""
    errors: dict[str, list[str]] = {}
    filters, paging = ActivityFilters(), Paging()
    try:
        filters = parse_filters(params)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        paging = parse_paging(params, default_size)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return filters, paging


class PastTheEnd(Exception):
    """The page asked for comes after the last one (the message says how many there are)."""


def find_page(filters: ActivityFilters, paging: Paging, user: Any, facet_limit: int) -> Any:
    """One page of the search (a `SearchPage`); PastTheEnd for a page number after the last
    (cursor mode has no page numbers), `QueryError` for a malformed text query or cursor."""
    from bali.search.service import search

    result = search(
        filters,
        user,
        page=paging.page,
        page_size=paging.page_size,
        cursor=paging.cursor,
        facet_limit=facet_limit,
    )
    if paging.cursor is None and paging.page > result.page_count:
        raise PastTheEnd(past_the_end_message(paging.page, result.page_count))
    return result
