"""Warnings and errors of an import, each saying file, line, identifier and reason.

Messages are kept as a message id (English source text, marked with `gettext_noop`) and its
parameters, and translated when shown: the command line prints them in the active language,
and the import page in the reader's language, whichever language the import ran in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

WARNING = "warning"
ERROR = "error"


@dataclass(frozen=True, slots=True)
class Issue:
    level: str
    file: str
    line: int | None
    identifier: str
    message: str  # message id, translated by `text()`
    params: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        """The reason in the active language."""
        template = _(self.message)
        try:
            return template % self.params if self.params else template
        except (KeyError, TypeError, ValueError):
            return template

    def where(self) -> str:
        place = self.file
        if self.line:
            place = f"{place}:{self.line}"
        if self.identifier:
            place = f"{place}: {self.identifier}"
        return place

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "file": self.file,
            "line": self.line,
            "identifier": self.identifier,
            "message": self.text(),
        }


def plain_params(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters fit for JSON (dates, decimals and None become text)."""
    return {
        key: value if isinstance(value, (int, str)) else ("" if value is None else str(value))
        for key, value in params.items()
    }


class ActivityIssues:
    """Collects the issues of one activity while it is read; knows where it is in the file."""

    __slots__ = ("file", "identifier", "issues", "line_offset")

    def __init__(self, file: str, line_offset: int = 0, identifier: str = "") -> None:
        self.file = file
        self.line_offset = line_offset
        self.identifier = identifier
        self.issues: list[Issue] = []

    def line(self, element: Any) -> int | None:
        line = getattr(element, "sourceline", None)
        return line + self.line_offset if line else None

    def warn(self, element: Any, message: str, **params: Any) -> None:
        self.issues.append(
            Issue(
                WARNING,
                self.file,
                self.line(element),
                self.identifier,
                message,
                plain_params(params),
            )
        )

    def error(self, element: Any, message: str, **params: Any) -> None:
        self.issues.append(
            Issue(
                ERROR, self.file, self.line(element), self.identifier, message, plain_params(params)
            )
        )
