"""Public references of requests: `REQ-<year>-<region>-<NNNN>`, unique and never reused.

The last number given per (year, region) is kept in `RequestCounter`. The counter row is locked
(`SELECT ... FOR UPDATE` on PostgreSQL; SQLite runs write transactions one at a time) while a
number is taken, so two requests created at once never get the same reference. A number is
never given back, even when the request is withdrawn as a draft.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from bali.requests.models import RequestCounter

PREFIX = "REQ"
# A reference as URLs and the API take it (the number has four digits or more).
REFERENCE_PATTERN = r"REQ-[0-9]{4}-[A-Z]{3}-[0-9]{4,9}"


def format_reference(year: int, region: str, number: int) -> str:
    return f"{PREFIX}-{year}-{region}-{number:04d}"


def next_reference(year: int, region: str) -> str:
    """Take the next number for (year, region); must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_reference must run inside a transaction")
    _ensure_counter(year, region)
    counter = RequestCounter.objects.select_for_update().get(year=year, region=region)
    counter.last += 1
    counter.save(update_fields=["last"])
    return format_reference(year, region, counter.last)


def _ensure_counter(year: int, region: str) -> None:
    """Create the (year, region) row if missing; a concurrent creator may win, which is fine."""
    if RequestCounter.objects.filter(year=year, region=region).exists():
        return
    try:
        with transaction.atomic():
            RequestCounter.objects.create(year=year, region=region, last=0)
    except IntegrityError:
        pass
