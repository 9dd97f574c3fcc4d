"""Sort orders of search results, in numpy (the engine) and in SQL (`activity_queryset`), and
the opaque cursors of keyset pagination.

Each order is a list of key arrays, most significant first, all ascending, ending with the
activity id so that the order is total: a cursor holds the keys of the last row shown and the
next page starts strictly after it, however deep. Missing dates and budgets come last in both
directions.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from typing import Any

import numpy as np
from django.db.models import F
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext as _

from bali.activities.filters import SORTS
from bali.search.facet_index import NO_DAY, FacetIndex
from bali.search.query import QueryError


def effective_sort(sort: str, has_scores: bool) -> str:
    """Relevance needs a text query; without one it means the most recently updated first."""
    if sort == "relevance" and not has_scores:
        return "newest"
    return sort if sort in SORTS else "newest"


def sort_keys(index: FacetIndex, rows: np.ndarray, sort: str, lang: str) -> list[np.ndarray]:
    """Key arrays of the rows for every order but relevance (see `bali.search.relevance`)."""
    ids = index.ids[rows]
    if sort in ("start", "-start"):
        days = index.start[rows].astype(np.float64)
        days = np.where(days == NO_DAY, np.inf, days if sort == "start" else -days)
        return [days, ids if sort == "start" else -ids]
    if sort in ("budget", "-budget"):
        budget = index.budget[rows]
        budget = np.where(np.isnan(budget), np.inf, budget if sort == "budget" else -budget)
        return [budget, ids if sort == "budget" else -ids]
    if sort == "title":
        keys = index.ensure_title_keys(lang)[rows]
        return [keys[:, 0], keys[:, 1], ids]
    return [-index.updated[rows], -ids]  # newest


def key_count(sort: str) -> int:
    """How many keys an order has (a cursor holds that many)."""
    return 3 if sort == "title" else 2


def after_mask(keys: list[np.ndarray], cursor: list[Any]) -> np.ndarray:
    """Rows strictly after the cursor in the lexicographic order of `keys`."""
    result = keys[-1] > cursor[-1]
    for key, value in zip(reversed(keys[:-1]), reversed(cursor[:-1]), strict=True):
        result = (key > value) | ((key == value) & result)
    return result


def select_page(
    keys: list[np.ndarray], offset: int, limit: int, cursor: list[Any] | None = None
) -> tuple[np.ndarray, bool]:
    """(positions into the key arrays of one page, in order; are there rows after it?): rows
    offset..offset+limit of the sorted candidates, or the first `limit` after the cursor."""
    positions: np.ndarray | None = None
    if cursor is not None:
        positions = np.flatnonzero(after_mask(keys, cursor))
        keys = [key[positions] for key in keys]
        offset = 0
    count = len(keys[0])
    need = offset + limit
    if count == 0 or offset >= count or limit <= 0:
        return np.empty(0, np.int64), False
    if count > need:
        threshold = np.partition(keys[0], need - 1)[need - 1]
        chosen = np.flatnonzero(keys[0] <= threshold)
    else:
        chosen = np.arange(count)
    order = np.lexsort([key[chosen] for key in reversed(keys)])
    page = chosen[order][offset:need]
    return (page if positions is None else positions[page]), count > need


def cursor_after(sort: str, keys: list[np.ndarray], position: int) -> str:
    values = [_plain(key[position]) for key in keys]
    raw = json.dumps({"o": sort, "k": values}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _plain(value: Any) -> Any:
    number = value.item() if hasattr(value, "item") else value
    if isinstance(number, float) and math.isinf(number):
        return "inf" if number > 0 else "-inf"
    return number


def read_cursor(text: str, sort: str, key_count: int) -> list[Any]:
    """The keys a cursor holds; QueryError when it is damaged or made for another order."""
    invalid = QueryError(_("This page link is no longer valid; start again from the first page."))
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        data = json.loads(raw.decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid from None
    if not isinstance(data, dict) or data.get("o") != sort:
        raise invalid
    values = data.get("k")
    if not isinstance(values, list) or len(values) != key_count:
        raise invalid
    result: list[Any] = []
    for value in values:
        if value in ("inf", "-inf"):
            result.append(float(value))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            result.append(value)
        else:
            raise invalid
    return result


def sql_ordering(sort: str, lang: str) -> list[Any]:
    """The same order for a QuerySet (titles approximately: the raw title, case-folded); for
    relevance see `Backend.order_by_relevance`."""
    if sort == "start":
        return [F("start_date").asc(nulls_last=True), "id"]
    if sort == "-start":
        return [F("start_date").desc(nulls_last=True), "-id"]
    if sort == "budget":
        return [F("total_budget").asc(nulls_last=True), "id"]
    if sort == "-budget":
        return [F("total_budget").desc(nulls_last=True), "-id"]
    if sort == "title":
        return [Lower(Coalesce(KT(f"title__{lang}"), KT("title__en"))).asc(), "id"]
    return ["-updated_at", "-id"]
