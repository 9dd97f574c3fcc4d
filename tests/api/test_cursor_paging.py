"""Keyset paging through the API: follow `next_cursor` from page to page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _get(client: Client, query: str = "", status: int = 200) -> dict:
    response = client.get(f"/api/v1/activities{query}")
    assert response.status_code == status, response.content[:500]
    return response.json()


def test_cursor_walk_visits_every_activity_once(client: Client, many: Any) -> None:
    many(5)
    first = _get(client, "?page_size=2&sort=newest")
    seen = [item["id"] for item in first["results"]]
    cursor = first["next_cursor"]
    assert cursor
    while cursor:
        page = _get(client, f"?page_size=2&sort=newest&cursor={cursor}")
        assert page["page"] is None and page["previous"] is None
        seen += [item["id"] for item in page["results"]]
        cursor = page["next_cursor"]
        assert (page["next"] is None) == (cursor is None)
    assert len(seen) == len(set(seen)) == 5


def test_bad_cursor_is_400(client: Client, corpus: dict) -> None:
    data = _get(client, "?cursor=not-a-cursor", status=400)
    assert data["detail"]
