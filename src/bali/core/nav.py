"""Main-menu entries, contributed by each app in its `AppConfig.ready`.

Keeps `base.html` free of knowledge about which apps exist and who may see their pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


def _everyone(user: Any) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    order: int
    visible: Callable[[Any], bool]


_ITEMS: dict[str, NavItem] = {}


def register_nav(
    key: str,
    label: str | Promise,
    url_name: str,
    order: int = 50,
    visible: Callable[[Any], bool] = _everyone,
) -> None:
    _ITEMS[key] = NavItem(key, label, url_name, order, visible)


def nav_for(user: Any) -> list[dict[str, Any]]:
    items = []
    for item in sorted(_ITEMS.values(), key=lambda i: i.order):
        if not item.visible(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"key": item.key, "label": item.label, "url": url})
    return items
