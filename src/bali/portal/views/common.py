"""Pieces the page views share: reading the search parameters, the friendly 400 and 404 pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bali.activities.filters import ActivityFilters
from bali.activities.paging import Paging, parse_search
from bali.activities.viewers import viewer

__all__ = ["BadQuery", "bad_request", "not_found", "read_search", "viewer"]


class BadQuery(Exception):
    """The query string cannot be used; `errors` says why, per parameter."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def read_search(request: HttpRequest, default_size: int = 20) -> tuple[ActivityFilters, Paging]:
    """Filters and paging from the query string; BadQuery lists every bad parameter."""
    try:
        return parse_search(request.GET, default_size)
    except ValidationError as exc:
        raise BadQuery(exc.message_dict) from exc


def bad_request(request: HttpRequest, errors: dict[str, list[str]]) -> HttpResponse:
    """A 400 page: what was wrong with the query, and a way back to a plain search."""
    messages = [message for values in errors.values() for message in values]
    return render(request, "portal/bad_request.html", {"problems": messages}, status=400)


def not_found(request: HttpRequest, message: str, **context: Any) -> HttpResponse:
    """A 404 page with a message saying what is missing."""
    return render(request, "portal/not_found.html", {"message": message, **context}, status=404)
