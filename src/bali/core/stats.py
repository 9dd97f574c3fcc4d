"""Live counts shown on the home page, contributed by each app.

Apps register a label and a function in their `AppConfig.ready`, so the home page can show a
count of requests without the portal importing the requests app (and vice versa).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class HomeCount:
    key: str
    label: str | Promise
    count: Callable[[], int]
    order: int = 0


_COUNTS: dict[str, HomeCount] = {}


def register_home_count(
    key: str, label: str | Promise, count: Callable[[], int], order: int = 0
) -> None:
    _COUNTS[key] = HomeCount(key, label, count, order)


def home_counts() -> list[tuple[str, str | Promise, int]]:
    return [
        (item.key, item.label, item.count())
        for item in sorted(_COUNTS.values(), key=lambda item: item.order)
    ]
