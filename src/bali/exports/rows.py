"""Activities read in batches for lists and exports, without building model instances.

An export of a million activities cannot prefetch through the ORM (every related object would be
kept until the end). Instead the scalar columns stream from one database cursor
(`QuerySet.iterator`), and for every batch of ids the child rows come from a few `values_list`
queries. The same loader builds the rows of one API page, so the list items of the API and the
records of the JSON export have one shape.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, NullIf

from bali.activities.models import (
    Activity,
    ActivitySector,
    ActivityTheme,
    Budget,
    RecipientCountry,
)
from bali.organisations.models import Organisation

BATCH_SIZE = 2000
SCALAR_COLUMNS = (
    "pk",
    "iati_identifier",
    "title",
    "status",
    "activity_type",
    "gender_marker",
    "start_text",
    "end_text",
    "budget_text",
    "default_currency",
    "source",
    "source_publisher",
    "updated_at",
    "reporting_org_id",
)


@dataclass(slots=True)
class ActivityRow:
    """One activity as plain values: what lists and exports show of it."""

    id: int
    iati_identifier: str
    title: dict[str, str]
    status: str
    activity_type: str
    gender_marker: int | None
    start_date: str | None  # ISO dates, as text straight from the database
    end_date: str | None
    total_budget: str | None  # decimal text, see `as_text`
    default_currency: str
    source: str
    source_publisher: str
    updated_at: str  # ISO 8601 in UTC
    reporting_org_ref: str
    reporting_org_names: dict[str, str]
    reporting_org_id: int | None
    # Percentages are decimal text ("60", "33.33"), see `as_text`.
    countries: list[tuple[str, str | None]] = field(default_factory=list)
    sectors: list[tuple[str, str, str | None]] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    meas: list[str] = field(default_factory=list)
    budget_by_currency: dict[str, str] = field(default_factory=dict)  # decimal text


def as_text(column: str) -> Cast:
    """A date or decimal column read as text: the database's ISO date or plain number is what
    the output shows anyway, and Django's per-value converters (parsing dates, quantising
    decimals) would be most of the cost of a large export."""
    return Cast(column, output_field=CharField())


def _scalars(queryset: QuerySet[Activity]) -> QuerySet[Any]:
    return queryset.annotate(
        start_text=as_text("start_date"),
        end_text=as_text("end_date"),
        budget_text=as_text("total_budget"),
    ).values_list(*SCALAR_COLUMNS)


def _fetch(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a (small) query as the database driver gives them.

    The SQL is Django's; only the per-value converters are skipped: the columns read this way
    are integers, text, or values cast to text on purpose (`as_text`)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # Django knows without asking (e.g. `pk__in=[]`)
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def stream(queryset: QuerySet[Any], size: int) -> Iterator[tuple[Any, ...]]:
    """`_fetch` for any number of rows: a server-side cursor on PostgreSQL, chunks on SQLite."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(size):
            yield from rows


def _json(value: Any) -> dict[str, str]:
    if isinstance(value, str | bytes):
        return json.loads(value) or {}
    return value or {}


def iso_moment(value: Any) -> str:
    """A stored UTC timestamp as ISO 8601 (SQLite keeps it as naive text, PostgreSQL gives an
    aware datetime)."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()
    if isinstance(value, str) and value:
        # Django writes naive UTC as `str(datetime)`, which is `isoformat(" ")`.
        return value.replace(" ", "T", 1) + "+00:00"
    return ""


def _row(values: Sequence[Any]) -> ActivityRow:
    (pk, identifier, title, status, kind, gender, start, end, budget, currency, source, publisher,
     updated, org_id) = values  # fmt: skip
    return ActivityRow(
        id=pk,
        iati_identifier=identifier,
        title=_json(title),
        status=status or "",
        activity_type=kind or "",
        gender_marker=gender,
        start_date=start,
        end_date=end,
        total_budget=budget,
        default_currency=currency or "",
        source=source or "",
        source_publisher=publisher or "",
        updated_at=iso_moment(updated),
        reporting_org_ref="",
        reporting_org_names={},
        reporting_org_id=org_id,
    )


def _group(rows: Iterable[tuple[Any, ...]]) -> dict[int, list[Any]]:
    """{activity id: [the rest of each row]}, rows keeping their order."""
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row[1:])
    return grouped


def _codes(rows: Iterable[tuple[Any, ...]]) -> dict[int, list[str]]:
    """{activity id: [code]} for two-column rows (activity id, code)."""
    grouped: dict[int, list[str]] = defaultdict(list)
    for activity_id, code in rows:
        grouped[activity_id].append(code)
    return grouped


def _of(queryset: QuerySet[Any], ids: list[int]) -> QuerySet[Any]:
    """Child rows of these activities.

    The ids are inlined as integers rather than passed to `activity_id__in`: Django prepares
    every value of an IN list one by one, which costs more than the query itself when an export
    runs a few thousand batches of 2,000 ids. They come from the database and are ints.
    """
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    listed = ",".join(str(int(pk)) for pk in ids)
    return queryset.extra(where=[f"{table}.activity_id IN ({listed})"])


def _budget_totals(ids: list[int]) -> dict[int, dict[str, str]]:
    """Budget sums per activity and currency (a budget without currency is in the default)."""
    currency = Coalesce(
        NullIf("currency", Value("")), "activity__default_currency", output_field=CharField()
    )
    totals: dict[int, dict[str, str]] = defaultdict(dict)
    rows = (
        _of(Budget.objects.all(), ids)
        .annotate(money=currency)
        .values_list("activity_id", "money")
        .annotate(total=Cast(Sum("value"), output_field=CharField()))
        .order_by("activity_id", "money")
    )
    for activity_id, money, total in _fetch(rows):
        totals[activity_id][money or ""] = total
    return totals


class Organisations:
    """Identifiers and names of reporting organisations, read once per export.

    An export names the same few hundred publishers over and over; reading them once keeps the
    scalar query free of a join and of decoding the same JSON names a million times.
    """

    def __init__(self) -> None:
        self.known: dict[int, tuple[str, dict[str, str]]] = {}

    def fill(self, rows: list[ActivityRow]) -> None:
        wanted = {
            row.reporting_org_id
            for row in rows
            if row.reporting_org_id is not None and row.reporting_org_id not in self.known
        }
        if wanted:
            found = Organisation.objects.filter(pk__in=wanted).values_list("pk", "ref", "names")
            self.known.update({pk: (ref, names or {}) for pk, ref, names in found})
        for row in rows:
            if row.reporting_org_id in self.known:
                row.reporting_org_ref, row.reporting_org_names = self.known[row.reporting_org_id]


def complete(rows: list[ActivityRow], orgs: Organisations | None = None) -> list[ActivityRow]:
    """Fill the child values of a batch of rows (six queries at most, whatever the batch size)."""
    ids = [row.id for row in rows]
    if not ids:
        return rows
    (orgs or Organisations()).fill(rows)
    countries = _group(
        _fetch(
            _of(RecipientCountry.objects.order_by("id"), ids).values_list(
                "activity_id", "country_id", as_text("percentage")
            )
        )
    )
    sectors = _group(
        _fetch(
            _of(ActivitySector.objects.order_by("id"), ids).values_list(
                "activity_id", "vocabulary", "code", as_text("percentage")
            )
        )
    )
    themes = _codes(
        _fetch(
            _of(ActivityTheme.objects.order_by("theme_id"), ids).values_list(
                "activity_id", "theme_id"
            )
        )
    )
    meas = _codes(
        _fetch(
            _of(Activity.meas.through.objects.order_by("mea_id"), ids).values_list(
                "activity_id", "mea_id"
            )
        )
    )
    budgets = _budget_totals(ids)
    none: list[Any] = []  # shared by the rows without any: rows are read, never changed
    for row in rows:
        row.countries = countries.get(row.id, none)
        row.sectors = sectors.get(row.id, none)
        row.themes = themes.get(row.id, none)
        row.meas = meas.get(row.id, none)
        row.budget_by_currency = budgets.get(row.id, {})
    return rows


def iter_rows(queryset: QuerySet[Activity], batch_size: int = BATCH_SIZE) -> Iterator[ActivityRow]:
    """Every activity of the queryset, in its order, with constant memory."""
    batch: list[ActivityRow] = []
    orgs = Organisations()
    for values in stream(_scalars(queryset), batch_size):
        batch.append(_row(values))
        if len(batch) >= batch_size:
            yield from complete(batch, orgs)
            batch = []
    if batch:
        yield from complete(batch, orgs)


def rows_for(activities: Sequence[Activity]) -> list[ActivityRow]:
    """Rows for one page of activities (as `search()` returns them), in the same order."""
    ids = [activity.pk for activity in activities]
    scalars = _scalars(Activity.objects.filter(pk__in=ids))
    by_id = {values[0]: _row(values) for values in _fetch(scalars)}
    return complete([by_id[pk] for pk in ids if pk in by_id])
