"""The request figure on the home page."""

from __future__ import annotations

from bali.requests.models import Request


def public_request_count() -> int:
    """Requests countries have submitted (drafts are not counted)."""
    return Request.objects.public().count()
