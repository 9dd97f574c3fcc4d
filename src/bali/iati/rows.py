"""Child rows, results and history of an import batch, in bulk (inside the batch's transaction).

Child rows come from `bali.activities.writes.child_values`, the function every write path uses
(see `prepare.py`), so the importer stores exactly what an editor's save would store for the
same data (derived themes included); only the way they reach the database differs.
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
from bali.iati import bulk

if TYPE_CHECKING:
    from bali.iati.prepare import Light, Provenance
    from bali.iati.store import Stored

MEAS = Activity.meas.through
CHILD_MODELS = (
    RecipientCountry,
    RecipientRegion,
    ActivitySector,
    ActivityTheme,
    PolicyMarker,
    Budget,
    Transaction,
    DocumentLink,
    RelatedActivity,
    MEAS,
)
BY_LABEL = {model._meta.label: model for model in CHILD_MODELS}


def delete_children(ids: list[int]) -> None:
    """Delete every child row of these activities (an update replaces them all)."""
    periods = IndicatorPeriod.objects.filter(indicator__result__activity_id__in=ids)
    periods._raw_delete(periods.db)  # type: ignore[attr-defined]
    indicators = Indicator.objects.filter(result__activity_id__in=ids)
    indicators._raw_delete(indicators.db)  # type: ignore[attr-defined]
    for model in (Result, ParticipatingOrg, *CHILD_MODELS):
        bulk.delete_where_in(model, "activity_id", ids)


def insert_children(children: dict[str, list[list[Any]]], pk_of: dict[int, int]) -> None:
    """Insert child rows `[index, ...]` of the written activities, the index replaced by the
    activity id; rows of activities not written (`pk_of` lacks them) are left out."""
    for label, rows in children.items():
        bulk.insert(bulk.table(BY_LABEL[label]), with_ids(rows, pk_of))


def with_ids(rows: list[list[Any]], pk_of: dict[int, int]) -> list[list[Any]]:
    """The rows with their activity index replaced by the activity id, in place."""
    if any(row[0] not in pk_of for row in rows):
        rows = [row for row in rows if row[0] in pk_of]
    for row in rows:
        row[0] = pk_of[row[0]]
    return rows


def insert_results(items: list[tuple[int, list[dict[str, Any]]]]) -> None:
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
    written: Sequence[tuple[Light, Stored | None, int]], origin: Provenance, now: datetime
) -> None:
    """One `import_create` / `import_update` row per activity, naming the run and file.

    `written` holds (light, stored record or None for a new activity, activity id). Kept cheap
    on purpose: the provenance that changed, not a field-by-field diff (which would need the
    stored record read back for every imported activity).
    """
    spec = bulk.table(ActivityChange)
    label = origin.actor_label[:300]
    history = [
        spec.row(_change(light, stored, origin, now, label), pk) for light, stored, pk in written
    ]
    bulk.insert(spec, history)


def _change(
    light: Light, stored: Stored | None, origin: Provenance, now: datetime, label: str
) -> dict[str, Any]:
    stamp = light.timestamp.isoformat() if light.timestamp else None
    if stored is None:
        action = ChangeAction.IMPORT_CREATE
        changes: dict[str, Any] = {
            "source_file": [None, origin.source_file],
            "source_timestamp": [None, stamp],
        }
    else:
        action = ChangeAction.IMPORT_UPDATE
        old = stored.timestamp.isoformat() if stored.timestamp else None
        changes = {"source_timestamp": [old, stamp]}
    return {
        "iati_identifier": light.identifier,
        "at": now,
        "actor_id": origin.actor_id,
        "actor_label": label,
        "action": str(action),
        "changes": changes,
    }
