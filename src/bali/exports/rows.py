"""Activities read in batches for lists and exports, without building model instances.

An export of a million activities cannot prefetch through the ORM (every related object would be
kept until the end). Instead the scalar columns stream from one database cursor
(`QuerySet.iterator`), and for every batch of ids the child rows come from a few `values_list`
queries. The same loader builds the rows of one API page, so the list items of the API and the
records of the JSON export have one shape.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import CharField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, NullIf

from bali.activities.models import (
    Activity,
    ActivitySector,
    ActivityTheme,
    Budget,
    RecipientCountry,
)

BATCH_SIZE = 2000
SCALAR_COLUMNS = (
    "pk",
    "iati_identifier",
    "title",
    "status",
    "activity_type",
    "gender_marker",
    "start_date",
    "end_date",
    "total_budget",
    "default_currency",
    "source",
    "source_publisher",
    "updated_at",
    "reporting_org__ref",
    "reporting_org__names",
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
    start_date: date | None
    end_date: date | None
    total_budget: Decimal | None
    default_currency: str
    source: str
    source_publisher: str
    updated_at: datetime | None
    reporting_org_ref: str
    reporting_org_names: dict[str, str]
    reporting_org_id: int | None
    countries: list[tuple[str, Decimal | None]] = field(default_factory=list)
    sectors: list[tuple[str, str, Decimal | None]] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    meas: list[str] = field(default_factory=list)
    budget_by_currency: dict[str, Decimal] = field(default_factory=dict)


def _row(values: Sequence[Any]) -> ActivityRow:
    (pk, identifier, title, status, kind, gender, start, end, budget, currency, source, publisher,
     updated, org_ref, org_names, org_id) = values  # fmt: skip
    return ActivityRow(
        id=pk,
        iati_identifier=identifier,
        title=title or {},
        status=status or "",
        activity_type=kind or "",
        gender_marker=gender,
        start_date=start,
        end_date=end,
        total_budget=budget,
        default_currency=currency or "",
        source=source or "",
        source_publisher=publisher or "",
        updated_at=updated,
        reporting_org_ref=org_ref or "",
        reporting_org_names=org_names or {},
        reporting_org_id=org_id,
    )


def _group(rows: Iterable[tuple[Any, ...]]) -> dict[int, list[tuple[Any, ...]]]:
    grouped: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for activity_id, *rest in rows:
        grouped[activity_id].append(tuple(rest))
    return grouped


def _budget_totals(ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """Budget sums per activity and currency (a budget without currency is in the default)."""
    currency = Coalesce(
        NullIf("currency", Value("")), "activity__default_currency", output_field=CharField()
    )
    totals: dict[int, dict[str, Decimal]] = defaultdict(dict)
    rows = (
        Budget.objects.filter(activity_id__in=ids)
        .annotate(money=currency)
        .values_list("activity_id", "money")
        .annotate(total=Sum("value"))
        .order_by("activity_id", "money")
    )
    for activity_id, money, total in rows:
        totals[activity_id][money or ""] = total
    return totals


def complete(rows: list[ActivityRow]) -> list[ActivityRow]:
    """Fill the child values of a batch of rows (five queries, whatever the batch size)."""
    ids = [row.id for row in rows]
    if not ids:
        return rows
    countries = _group(
        RecipientCountry.objects.filter(activity_id__in=ids)
        .order_by("id")
        .values_list("activity_id", "country_id", "percentage")
    )
    sectors = _group(
        ActivitySector.objects.filter(activity_id__in=ids)
        .order_by("id")
        .values_list("activity_id", "vocabulary", "code", "percentage")
    )
    themes = _group(
        ActivityTheme.objects.filter(activity_id__in=ids)
        .order_by("theme_id")
        .values_list("activity_id", "theme_id")
    )
    meas = _group(
        Activity.meas.through.objects.filter(activity_id__in=ids)
        .order_by("mea_id")
        .values_list("activity_id", "mea_id")
    )
    budgets = _budget_totals(ids)
    for row in rows:
        row.countries = [(code, pct) for code, pct in countries.get(row.id, [])]
        row.sectors = [(vocabulary, code, pct) for vocabulary, code, pct in sectors.get(row.id, [])]
        row.themes = [code for (code,) in themes.get(row.id, [])]
        row.meas = [code for (code,) in meas.get(row.id, [])]
        row.budget_by_currency = budgets.get(row.id, {})
    return rows


def iter_rows(queryset: QuerySet[Activity], batch_size: int = BATCH_SIZE) -> Iterator[ActivityRow]:
    """Every activity of the queryset, in its order, with constant memory."""
    batch: list[ActivityRow] = []
    for values in queryset.values_list(*SCALAR_COLUMNS).iterator(chunk_size=batch_size):
        batch.append(_row(values))
        if len(batch) >= batch_size:
            yield from complete(batch)
            batch = []
    if batch:
        yield from complete(batch)


def rows_for(activities: Sequence[Activity]) -> list[ActivityRow]:
    """Rows for one page of activities (as `search()` returns them), in the same order."""
    ids = [activity.pk for activity in activities]
    by_id = {
        values[0]: _row(values)
        for values in Activity.objects.filter(pk__in=ids).values_list(*SCALAR_COLUMNS)
    }
    return complete([by_id[pk] for pk in ids if pk in by_id])
