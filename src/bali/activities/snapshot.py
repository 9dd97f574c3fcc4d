"""The canonical, JSON-ready form of an activity ("activity data").

One shape serves four purposes: the input of `do_create_activity`/`do_update_activity`, the
API's full representation, the old/new values in the change history, and the round-trip
comparison of IATI export and import. Dates are ISO strings, money and percentages are decimal
strings, multilingual text is {language: text}. `docs/data-model.md` documents every key.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from bali.activities.models import Activity, Indicator, Result

SCALAR_FIELDS = (
    "iati_identifier",
    "title",
    "description",
    "other_descriptions",
    "default_lang",
    "status",
    "activity_type",
    "gender_marker",
    "default_currency",
    "hierarchy",
    "scope",
    "collaboration_type",
    "default_flow_type",
    "default_finance_type",
    "default_aid_type",
    "default_tied_status",
    "planned_start",
    "actual_start",
    "planned_end",
    "actual_end",
    "visibility",
)
PROVENANCE_FIELDS = (
    "source",
    "source_publisher",
    "source_file",
    "source_timestamp",
    "imported_at",
    "iati_version",
)
CHILD_KEYS = (
    "participating_orgs",
    "countries",
    "regions",
    "sectors",
    "themes",
    "meas",
    "policy_markers",
    "budgets",
    "transactions",
    "documents",
    "results",
    "related_activities",
)
# Fields compared by the IATI round trip and shown in the history (provenance changes on every
# import, so it is left out of both).
CONTENT_KEYS = (*SCALAR_FIELDS, "reporting_org", "division", *CHILD_KEYS)

PREFETCH = (
    "participating_orgs",
    "countries",
    "regions",
    "sectors",
    "themes",
    "meas",
    "policy_markers",
    "budgets",
    "transactions",
    "documents",
    "related_activities",
    Prefetch(
        "results",
        queryset=Result.objects.prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("periods"))
        ),
    ),
)


def plain(value: Any) -> Any:
    """A JSON-ready form of a model value (dates → ISO, decimals → normalised strings)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return decimal_str(value)
    return value


def decimal_str(value: Decimal | None) -> str | None:
    """`Decimal('100.00')` → `'100'`, `Decimal('12.50')` → `'12.5'`: the same number, one text."""
    if value is None:
        return None
    normal = value.normalize()
    text = format(normal, "f")
    return text


def _org(ref: str, names: dict[str, str]) -> dict[str, Any] | None:
    if not ref and not names:
        return None
    return {"ref": ref, "names": names}


def _results(activity: Activity) -> list[dict[str, Any]]:
    return [
        {
            "type": result.type,
            "aggregation_status": result.aggregation_status,
            "title": result.title,
            "description": result.description,
            "indicators": [
                {
                    "measure": ind.measure,
                    "ascending": ind.ascending,
                    "title": ind.title,
                    "description": ind.description,
                    "baseline_year": ind.baseline_year,
                    "baseline_value": ind.baseline_value,
                    "periods": [
                        {
                            "period_start": plain(p.period_start),
                            "period_end": plain(p.period_end),
                            "target_value": p.target_value,
                            "actual_value": p.actual_value,
                        }
                        for p in ind.periods.all()
                    ],
                }
                for ind in result.indicators.all()
            ],
        }
        for result in activity.results.all()
    ]


def snapshot(activity: Activity) -> dict[str, Any]:
    """Everything the record holds, in the canonical shape. Prefetch with `PREFETCH` for lists."""
    data: dict[str, Any] = {name: plain(getattr(activity, name)) for name in SCALAR_FIELDS}
    data.update({name: plain(getattr(activity, name)) for name in PROVENANCE_FIELDS})
    reporting = activity.reporting_org
    data["reporting_org"] = (
        {"ref": reporting.ref, "names": reporting.names, "type": reporting.type}
        if reporting
        else None
    )
    data["division"] = activity.division_id
    data["participating_orgs"] = [
        {
            "ref": p.ref,
            "names": p.names,
            "role": p.role,
            "type": p.type,
            "activity_ref": p.activity_ref,
        }
        for p in activity.participating_orgs.all()
    ]
    data["countries"] = [
        {"code": c.country_id, "percentage": decimal_str(c.percentage)}
        for c in activity.countries.all()
    ]
    data["regions"] = [
        {
            "code": r.code,
            "vocabulary": r.vocabulary,
            "vocabulary_uri": r.vocabulary_uri,
            "percentage": decimal_str(r.percentage),
        }
        for r in activity.regions.all()
    ]
    data["sectors"] = [
        {
            "code": s.code,
            "vocabulary": s.vocabulary,
            "vocabulary_uri": s.vocabulary_uri,
            "percentage": decimal_str(s.percentage),
            "names": s.names,
        }
        for s in activity.sectors.all()
    ]
    data["themes"] = sorted(
        ({"code": t.theme_id, "origin": t.origin} for t in activity.themes.all()),
        key=lambda item: item["code"],
    )
    data["meas"] = sorted(m.code for m in activity.meas.all())
    data["policy_markers"] = [
        {
            "code": m.code,
            "vocabulary": m.vocabulary,
            "vocabulary_uri": m.vocabulary_uri,
            "significance": m.significance,
        }
        for m in activity.policy_markers.all()
    ]
    data["budgets"] = [
        {
            "type": b.type,
            "status": b.status,
            "period_start": plain(b.period_start),
            "period_end": plain(b.period_end),
            "value": decimal_str(b.value),
            "currency": b.currency,
            "value_date": plain(b.value_date),
        }
        for b in activity.budgets.all()
    ]
    data["transactions"] = [
        {
            "ref": t.ref,
            "type": t.type,
            "date": plain(t.date),
            "value": decimal_str(t.value),
            "currency": t.currency,
            "value_date": plain(t.value_date),
            "description": t.description,
            "provider_org": _org(t.provider_org_ref, t.provider_org_names),
            "receiver_org": _org(t.receiver_org_ref, t.receiver_org_names),
        }
        for t in activity.transactions.all()
    ]
    data["documents"] = [
        {
            "url": d.url,
            "format": d.format,
            "title": d.title,
            "categories": d.categories,
            "languages": d.languages,
            "document_date": plain(d.document_date),
        }
        for d in activity.documents.all()
    ]
    data["results"] = _results(activity)
    data["related_activities"] = [
        {"ref": r.ref, "type": r.type} for r in activity.related_activities.all()
    ]
    return data


def with_prefetch(queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    return queryset.select_related("reporting_org").prefetch_related(*PREFETCH)


def snapshots(activities: Iterable[Activity]) -> list[dict[str, Any]]:
    return [snapshot(activity) for activity in activities]


def content(data: dict[str, Any]) -> dict[str, Any]:
    """Only the content keys of activity data (what the history and the round trip compare)."""
    return {key: data.get(key) for key in CONTENT_KEYS}


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{key: [old, new]} for each content key whose value differs."""
    return {
        key: [old.get(key), new.get(key)] for key in CONTENT_KEYS if old.get(key) != new.get(key)
    }
