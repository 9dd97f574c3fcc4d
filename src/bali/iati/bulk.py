"""Fast inserts and deletes of activity child rows, for the importer only.

Building Django model instances for the ~20 child rows of each imported activity costs more
than parsing it, so the importer turns activity data into plain tuples and inserts them with
one `executemany` per table on SQLite and one `COPY` per table on PostgreSQL. Values are adapted
here the way Django stores them (JSON text, decimals, ISO dates), so the ORM reads the rows back
exactly as if it had written them. Callers run inside a transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from django.db import connection, models

_ENCODER = json.JSONEncoder(ensure_ascii=False)
_STRING = json.encoder.encode_basestring  # the C implementation when available


def _json(value: Any) -> str:
    """JSON text as Django stores it; {language: text} dicts (most values) without the
    general encoder, which costs more than the rest of the row."""
    if not value:
        return "[]" if isinstance(value, list) else "{}"
    if type(value) is dict:
        try:
            return "{" + ", ".join(f"{_STRING(k)}: {_STRING(v)}" for k, v in value.items()) + "}"
        except TypeError:  # a value that is not text
            pass
    return _ENCODER.encode(value)


def _decimal(value: Any) -> str | None:
    if value is None:
        return None
    return str(value) if isinstance(value, Decimal) else str(Decimal(str(value)))


def _date(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


@lru_cache(maxsize=1024)  # a batch shares one `now`, and publishers' timestamps repeat
def _datetime(value: datetime | None) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _same(value: Any) -> Any:
    return value


def _adapter(field: models.Field) -> Callable[[Any], Any]:
    if isinstance(field, models.JSONField):
        return _json
    if isinstance(field, models.DecimalField):
        return _decimal
    if isinstance(field, models.DateTimeField):
        return _datetime
    if isinstance(field, models.DateField):
        return _date
    return _same


class Table:
    """The columns of one model (all but the primary key) and a fast row builder for them.

    `row(values, pk=None)` returns a tuple in column order from a dict of field values (absent
    keys take the field default; `pk`, when given, is the `activity_id`); the builder is
    generated once per model, because it runs for every child row of every imported activity.
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.name = str(model._meta.db_table)
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.attnames = [f.attname for f in fields]
        self.columns = [str(f.column) for f in fields]
        namespace: dict[str, Any] = {}
        parts = []
        for index, field in enumerate(fields):
            adapt = _adapter(field)
            default = field.get_default()
            namespace[f"d{index}"] = default
            namespace[f"a{index}"] = adapt
            getter = f"get({field.attname!r}, d{index})"
            if isinstance(default, (dict, list)):  # a fresh copy is not needed: only dumped
                getter = f"get({field.attname!r}) or d{index}"
            if field.attname == "activity_id":
                getter = f"(pk if pk is not None else {getter})"
            parts.append(getter if adapt is _same else f"a{index}({getter})")
        source = (
            "def row(values, pk=None):\n    get = values.get\n    return ("
            + ", ".join(parts)
            + ",)\n"
        )
        exec(source, namespace)
        self.row: Callable[..., tuple[Any, ...]] = namespace["row"]


@cache
def table(model: type[models.Model]) -> Table:
    return Table(model)


def insert(model: type[models.Model], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert rows (tuples from `table(model).row`); no primary keys are returned."""
    if not rows:
        return
    spec = table(model)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in spec.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {quote(spec.name)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(spec.columns))
            sql = f"INSERT INTO {quote(spec.name)} ({columns}) VALUES ({marks})"
            cursor.executemany(sql, rows)


def _chunks(ids: Sequence[int], size: int = 900) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def delete_where_in(model: type[models.Model], column: str, ids: Sequence[int]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for chunk in _chunks(ids):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(column)} IN ({marks})",
                list(chunk),
            )


def update_rows(
    model: type[models.Model], attnames: list[str], rows: list[tuple[Any, ...]]
) -> None:
    """UPDATE each row by primary key; a row is (values in `attnames` order..., pk)."""
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    fields = {f.attname: str(f.column) for f in meta.concrete_fields}
    assignments = ", ".join(f"{quote(fields[a])} = %s" for a in attnames)
    primary = quote(str(meta.pk.column)) if meta.pk is not None else "id"
    sql = f"UPDATE {quote(str(meta.db_table))} SET {assignments} WHERE {primary} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
