"""Fast row building, inserts, updates and deletes of activity rows, for the importer only.

Building Django model instances for the ~20 rows of each imported activity costs more than
parsing it, so the importer turns activity data into plain lists and inserts them with one
`executemany` per table on SQLite and one `COPY` per table on PostgreSQL. Values are adapted
here the way Django stores them (JSON text, decimals, ISO dates), so the ORM reads the rows back
exactly as if it had written them. Adapting needs no database connection (a reader process has
none); inserting runs inside the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from django.db import connection, models

_ENCODER = json.JSONEncoder(ensure_ascii=False)
_STRING = json.encoder.encode_basestring  # the C implementation when available


def json_text(value: Any) -> str:
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
def adapt_datetime(value: datetime | None) -> Any:
    """The stored form of a date-time (`connection.ops` only formats: no query is made)."""
    return connection.ops.adapt_datetimefield_value(value)


def _same(value: Any) -> Any:
    return value


def _adapter(field: models.Field) -> Callable[[Any], Any]:
    if isinstance(field, models.JSONField):
        return json_text
    if isinstance(field, models.DecimalField):
        return _decimal
    if isinstance(field, models.DateTimeField):
        return adapt_datetime
    if isinstance(field, models.DateField):
        return _date
    return _same


class Table:
    """The columns of one model in insertion order, and a fast row builder for them.

    `lead` names columns whose values the caller supplies first (the activity id, an
    organisation id), in that order; the other columns (all but the primary key) follow.
    `row(values, *leading)` returns a list: the `leading` values (as many as `lead` names,
    unless `leading` says otherwise), then each other field's adapted value from the dict
    `values` (absent keys take the field default). A list, so that the writer can fill in ids
    in place. The builder is generated once per model, because it runs for every child row of
    every imported activity.
    """

    def __init__(
        self, model: type[models.Model], lead: tuple[str, ...] = (), leading: int | None = None
    ) -> None:
        self.model = model
        self.name = str(model._meta.db_table)
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        fields = [
            f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in lead
        ]
        self.lead = lead
        self.attnames = [*lead, *(f.attname for f in fields)]
        self.columns = [str(by_attname[a].column) for a in self.attnames]
        namespace: dict[str, Any] = {}
        count = len(lead) if leading is None else leading
        parts = [f"l{index}" for index in range(count)]
        for index, field in enumerate(fields):
            adapt = _adapter(field)
            default = field.get_default()
            namespace[f"d{index}"] = default
            namespace[f"a{index}"] = adapt
            getter = f"get({field.attname!r}, d{index})"
            if isinstance(default, (dict, list)):  # a fresh copy is not needed: only dumped
                getter = f"get({field.attname!r}) or d{index}"
            parts.append(getter if adapt is _same else f"a{index}({getter})")
        arguments = "".join(f", l{index}" for index in range(count))
        source = (
            f"def row(values{arguments}):\n    get = values.get\n    return ["
            + ", ".join(parts)
            + "]\n"
        )
        exec(source, namespace)
        self.row: Callable[..., list[Any]] = namespace["row"]


@cache
def table(
    model: type[models.Model], lead: tuple[str, ...] = ("activity_id",), leading: int | None = None
) -> Table:
    return Table(model, lead, leading)


def insert(spec: Table, rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows built by `spec.row` (ids filled in)."""
    if not rows:
        return
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
    model: type[models.Model],
    columns: list[str],
    rows: list[list[Any]],
    keep_when_null: tuple[str, ...] = (),
) -> None:
    """UPDATE each row by primary key; a row is (values in `columns` order..., pk). A column in
    `keep_when_null` keeps its stored value where the row's value is NULL."""
    if not rows:
        return
    quote = connection.ops.quote_name
    assignments = ", ".join(
        f"{quote(c)} = COALESCE(%s, {quote(c)})" if c in keep_when_null else f"{quote(c)} = %s"
        for c in columns
    )
    meta = model._meta
    primary = quote(str(meta.pk.column)) if meta.pk is not None else "id"
    sql = f"UPDATE {quote(str(meta.db_table))} SET {assignments} WHERE {primary} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# SQLite checkpoints its write-ahead log into the database file (and syncs it) whenever the log
# passes 1,000 pages, which during an import is after nearly every batch; letting it grow to
# ~80 MB first copies each often-written page (index interiors) once per checkpoint instead of
# once per batch. Measured on 100,000 activities: time in commits 8.4 s → 3.4 s, in inserts
# 25 s → 16 s (mostly waiting for the disk).
IMPORT_CHECKPOINT_PAGES = 20_000
# The page cache of the importing connection (the settings give 64 MB): a smaller one made no
# measurable difference to the import's speed and keeps ~50 MB less in memory.
IMPORT_CACHE_KB = 16_384


@contextmanager
def import_settings() -> Iterator[None]:
    """Database settings for the length of an import, restored afterwards.

    SQLite: a larger write-ahead log before checkpoints, a smaller page cache (above).
    PostgreSQL: `synchronous_commit = off` for this session. A commit then returns before its
    WAL record is flushed to disk (the WAL writer flushes within ~0.6 s), instead of waiting
    ~10-15 ms for the flush, once per batch and once per search-index write. A crash of the
    database server can lose the last batches committed, never part of one: the database stays
    consistent, and running the import again writes what was lost, as after a killed import.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            before = cursor.fetchone()[0]
            cursor.execute("SET synchronous_commit TO off")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('synchronous_commit', %s, false)", [before])
        return
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        checkpoint = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size")
        cache = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA wal_autocheckpoint = {IMPORT_CHECKPOINT_PAGES}")
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {checkpoint}")
            cursor.execute(f"PRAGMA cache_size = {cache}")


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys for rows inserted with explicit ids (no round trip per row,
    no read-back by identifier). Call inside the transaction that inserts them.

    PostgreSQL: taken from the table's sequence, so concurrent writers never get them.
    SQLite: the next ids after the largest ever used (AUTOINCREMENT's `sqlite_sequence` and the
    table itself); the write transaction holds the database lock until they are inserted.
    """
    if count <= 0:
        return []
    name = str(model._meta.db_table)
    column = str(model._meta.pk.column) if model._meta.pk is not None else "id"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [name, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce((SELECT max({quote(column)}) FROM {quote(name)}), 0))",
            [name],
        )
        start = int(cursor.fetchone()[0]) + 1
    return list(range(start, start + count))
