"""Activity rows of an import batch: updates, child rows, results and history, in bulk.

Child rows come from `bali.activities.writes.child_values`, the function every write path uses,
so the importer stores exactly what an editor's save would store for the same data (derived
themes included); only the way they reach the database differs (`bulk.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bali.activities.models import (
    Activity,
    ActivityChange,
    ActivitySector,
    ActivityTheme,
    Budget,
    ChangeAction,
    DocumentLink,
    Indicator,
    IndicatorPeriod,
    ParticipatingOrg,
    PolicyMarker,
    RecipientCountry,
    RecipientRegion,
    RelatedActivity,
    Result,
    Transaction,
)
from bali.activities.writes import child_values
from bali.iati import bulk

if TYPE_CHECKING:
    from bali.iati.importer import Provenance, ToWrite

CHILD_MODELS = (
    ParticipatingOrg,
    RecipientCountry,
    RecipientRegion,
    ActivitySector,
    ActivityTheme,
    PolicyMarker,
    Budget,
    Transaction,
    DocumentLink,
    RelatedActivity,
)
MEAS = Activity.meas.through
UPDATED_FIELDS = [
    f.attname
    for f in Activity._meta.concrete_fields
    if not f.primary_key and f.attname not in ("created_at", "created_by_id")
]


def insert_activities(values: list[dict[str, Any]]) -> list[int]:
    """Insert new activities; returns their ids in the same order."""
    bulk.insert(Activity, [bulk.table(Activity).row(v) for v in values])
    identifiers = [v["iati_identifier"] for v in values]
    ids: dict[str, int] = {}
    for start in range(0, len(identifiers), 900):
        ids.update(
            Activity.objects.filter(
                iati_identifier__in=identifiers[start : start + 900]
            ).values_list("iati_identifier", "pk")
        )
    return [ids[identifier] for identifier in identifiers]


def update_activities(values: list[dict[str, Any]], pks: list[int]) -> None:
    """Write every column of stored activities (the import replaces the whole record)."""
    table = bulk.table(Activity)
    positions = [table.attnames.index(name) for name in UPDATED_FIELDS]
    rows = []
    for value, pk in zip(values, pks, strict=True):
        row = table.row(value)
        rows.append((*(row[i] for i in positions), pk))
    bulk.update_rows(Activity, UPDATED_FIELDS, rows)


def _delete_children(ids: list[int]) -> None:
    periods = IndicatorPeriod.objects.filter(indicator__result__activity_id__in=ids)
    periods._raw_delete(periods.db)  # type: ignore[attr-defined]
    indicators = Indicator.objects.filter(result__activity_id__in=ids)
    indicators._raw_delete(indicators.db)  # type: ignore[attr-defined]
    for model in (Result, *CHILD_MODELS, MEAS):
        bulk.delete_where_in(model, "activity_id", ids)


def replace_children(written: Sequence[tuple[int, dict[str, Any]]], fresh: list[int]) -> None:
    """Insert the child rows of each (activity id, data); stored ones are deleted first."""
    stale = [pk for pk, _data in written if pk not in set(fresh)]
    if stale:
        _delete_children(stale)
    per_model: dict[type, list[tuple[Any, ...]]] = {model: [] for model in CHILD_MODELS}
    meas: list[tuple[Any, ...]] = []
    results: list[tuple[int, list[dict[str, Any]]]] = []
    for pk, data in written:
        for model, items in child_values(data).items():
            row = bulk.table(model).row
            per_model[model].extend([row(values, pk) for values in items])
        meas.extend(
            bulk.table(MEAS).row({"activity_id": pk, "mea_id": code})
            for code in sorted(set(data.get("meas") or []))
        )
        if data.get("results"):
            results.append((pk, data["results"]))
    for model, model_rows in per_model.items():
        bulk.insert(model, model_rows)
    bulk.insert(MEAS, meas)
    _insert_results(results)


def _insert_results(items: list[tuple[int, list[dict[str, Any]]]]) -> None:
    """Results need their ids for indicators, and indicators for periods: ORM bulk_create,
    which returns ids on SQLite and PostgreSQL (results are rare in published data)."""
    results, indicator_specs = [], []
    for pk, result_list in items:
        for order, item in enumerate(result_list):
            result = Result(
                activity_id=pk,
                type=item.get("type", ""),
                aggregation_status=item.get("aggregation_status"),
                title=item.get("title", {}),
                description=item.get("description", {}),
                order=order,
            )
            results.append(result)
            indicator_specs.append((result, item.get("indicators", [])))
    Result.objects.bulk_create(results)
    indicators, period_specs = [], []
    for result, specs in indicator_specs:
        for order, spec in enumerate(specs):
            indicator = Indicator(
                result_id=result.pk,
                order=order,
                **{k: v for k, v in spec.items() if k != "periods"},
            )
            indicators.append(indicator)
            period_specs.append((indicator, spec.get("periods", [])))
    Indicator.objects.bulk_create(indicators)
    IndicatorPeriod.objects.bulk_create(
        IndicatorPeriod(indicator_id=indicator.pk, **period)
        for indicator, periods in period_specs
        for period in periods
    )


def insert_history(
    written: Sequence[tuple[ToWrite, int]], origin: Provenance, now: datetime
) -> None:
    """One `import_create` / `import_update` row per activity, naming the run and file.

    Kept cheap on purpose: the provenance that changed, not a field-by-field diff (which would
    need the stored record read back for every imported activity).
    """
    row = bulk.table(ActivityChange).row
    history = []
    for item, pk in written:
        timestamp = item.pending.timestamp.isoformat() if item.pending.timestamp else None
        if item.stored is None:
            action = ChangeAction.IMPORT_CREATE
            changes = {
                "source_file": [None, origin.source_file],
                "source_timestamp": [None, timestamp],
            }
        else:
            action = ChangeAction.IMPORT_UPDATE
            old = item.stored.timestamp.isoformat() if item.stored.timestamp else None
            changes = {"source_timestamp": [old, timestamp]}
        history.append(
            row(
                {
                    "activity_id": pk,
                    "iati_identifier": item.pending.identifier,
                    "at": now,
                    "actor_id": origin.actor_id,
                    "actor_label": origin.actor_label[:300],
                    "action": str(action),
                    "changes": changes,
                }
            )
        )
    bulk.insert(ActivityChange, history)
