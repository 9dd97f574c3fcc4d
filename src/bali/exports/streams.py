"""Exports as iterators of text, for `StreamingHttpResponse`.

Each iterator keeps the interface language of the request that started it (the response is
written after the view returns), reads activities through `rows.iter_rows` and hands text out in
pieces of about 64 KB, so neither the server nor the client holds the whole export.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import translation

from bali.activities.models import Activity
from bali.exports import shapes
from bali.exports.flat import Cells, iter_flat
from bali.exports.rows import iter_rows

ROW_KINDS = ("activity", "country", "sector")
PIECE_SIZE = 64 * 1024
EMPTY = {
    "country": [""] * len(shapes.COUNTRY_COLUMNS),
    "sector": [""] * len(shapes.SECTOR_COLUMNS),
}
BOM = "\ufeff"  # spreadsheets read the file as UTF-8 (Arabic, Chinese, Russian) only with it


class _Pieces:
    """A file-like sink for `csv.writer` that hands out what was written in pieces."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts, self.size = [], 0
        return text


def _columns(kind: str) -> tuple[str, ...]:
    extra = {"country": shapes.COUNTRY_COLUMNS, "sector": shapes.SECTOR_COLUMNS}.get(kind, ())
    return (*shapes.ACTIVITY_COLUMNS, *extra)


def csv_rows(
    queryset: QuerySet[Activity], kind: str, base_url: str, language: str
) -> Iterator[str]:
    """CSV text: one row per activity, or per activity × country / × sector (`kind`)."""
    with translation.override(language):
        names = shapes.Namer()
        cells = Cells(names, base_url)
        sink = _Pieces()
        writer = csv.writer(sink, lineterminator="\r\n")
        writer.writerow(_columns(kind))
        yield BOM + sink.take()
        write, take = writer.writerow, sink.take
        for values in iter_flat(queryset, names.lang, kind):
            row, countries, sectors = cells.activity(values)
            if kind == "activity":
                write(row)
            else:
                extra = countries if kind == "country" else sectors
                writer.writerows([row + part for part in extra] if extra else [row + EMPTY[kind]])
            if sink.size >= PIECE_SIZE:
                yield take()
        yield take()


def facet_rows(facets: dict[str, list[Any]], language: str) -> Iterator[str]:
    """CSV text of the facet counts the search page shows."""
    with translation.override(language):
        sink = _Pieces()
        writer = csv.writer(sink, lineterminator="\r\n")
        writer.writerow(shapes.FACET_COLUMNS)
        for name, values in facets.items():
            for value in values:
                code, label = shapes.safe_text(value.code), shapes.safe_text(value.label)
                writer.writerow([name, code, label, value.count, value.selected])
        yield BOM + sink.take()


def json_document(
    queryset: QuerySet[Activity], head: dict[str, Any], language: str
) -> Iterator[str]:
    """A JSON object: the `head` keys (count, filters, facets), then `results`, streamed."""
    with translation.override(language):
        names = shapes.Namer()
        opening = json.dumps(head, ensure_ascii=False)[:-1]
        pieces = [opening + (', "results": [' if head else '"results": [')]
        size, first = 0, True
        for row in iter_rows(queryset):
            text = json.dumps(shapes.summary(row, names), ensure_ascii=False)
            pieces.append(text if first else ",\n" + text)
            first = False
            size += len(text)
            if size >= PIECE_SIZE:
                yield "".join(pieces)
                pieces, size = [], 0
        pieces.append("]}\n")
        yield "".join(pieces)


def download(stream: Iterator[str], content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (piece.encode("utf-8") for piece in stream), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def filename(stem: str, extension: str) -> str:
    return f"bali-{stem}-{date.today().isoformat()}.{extension}"
