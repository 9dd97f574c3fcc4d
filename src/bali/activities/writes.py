"""Writing cleaned activity data to the database (no permission checks: see `actions.py`).

The same functions serve editors (one activity at a time) and the IATI importer (which calls
`derive_fields` and `child_rows` to build rows for bulk inserts), so the derivation rules —
start and end dates, total budget, gender marker, BSP themes — live in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models

from bali.activities.models import (
    Activity,
    ActivitySector,
    ActivityTheme,
    Budget,
    DocumentLink,
    Indicator,
    IndicatorPeriod,
    ParticipatingOrg,
    PolicyMarker,
    RecipientCountry,
    RecipientRegion,
    RelatedActivity,
    Result,
    ThemeOrigin,
    Transaction,
)
from bali.organisations.models import Organisation, name_key
from bali.reference import lookups

SCALAR_WRITABLE = (
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
    "source",
    "source_publisher",
    "source_file",
    "source_timestamp",
    "imported_at",
    "iati_version",
)
GENDER_MARKER_CODE = "1"  # OECD DAC policy marker 1: gender equality


def resolve_organisation(org: dict[str, Any] | None, *, create: bool = True) -> Organisation | None:
    """The organisation an {ref, names, type} dict names, created when new.

    Matches on the IATI identifier when there is one, else on the normalised English name.
    """
    if not org:
        return None
    ref = org.get("ref") or ""
    names = org.get("names") or {}
    if ref:
        found = Organisation.objects.filter(ref=ref).first()
    else:
        key = name_key(names.get("en") or next(iter(names.values()), ""))
        found = Organisation.objects.filter(ref="", name_key=key).first() if key else None
    if found is not None:
        if names and not found.names:
            found.names = names
            found.save(update_fields=["names", "name_key"])
        return found
    if not create:
        return None
    return Organisation.objects.create(ref=ref, names=names, type=org.get("type") or "")


def gender_marker_from(policy_markers: Iterable[dict[str, Any]]) -> int | None:
    """The OECD gender marker (vocabulary 1, code 1) as 0/1/2, or None when not given."""
    for marker in policy_markers:
        if (marker.get("vocabulary") or "1") == "1" and marker.get("code") == GENDER_MARKER_CODE:
            significance = marker.get("significance") or ""
            if significance in ("0", "1", "2"):
                return int(significance)
            if significance in ("3", "4"):
                return 2
    return None


def derived_themes(
    sectors: Iterable[dict[str, Any]], policy_markers: Iterable[dict[str, Any]]
) -> dict[str, str]:
    """{theme code: origin} implied by DAC 5-digit sectors and by policy markers."""
    themes: dict[str, str] = {}
    dac_codes = [s["code"] for s in sectors if (s.get("vocabulary") or "1") == "1"]
    for theme in lookups.themes_for_sectors(dac_codes):
        themes[theme] = ThemeOrigin.SECTOR
    markers = [
        (m["code"], m.get("significance") or "")
        for m in policy_markers
        if (m.get("vocabulary") or "1") == "1"
    ]
    for theme in lookups.themes_for_markers(markers):
        themes.setdefault(theme, ThemeOrigin.MARKER)
    return themes


def merged_themes(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Manual themes from the data plus the derived ones, as (code, origin) pairs."""
    themes = derived_themes(data.get("sectors") or [], data.get("policy_markers") or [])
    for item in data.get("themes") or []:
        code = item["code"] if isinstance(item, dict) else item
        origin = (
            item.get("origin", ThemeOrigin.MANUAL) if isinstance(item, dict) else ThemeOrigin.MANUAL
        )
        if origin == ThemeOrigin.MANUAL:
            themes[code] = ThemeOrigin.MANUAL
    return sorted(themes.items())


def derive_fields(activity: Activity, budgets: list[dict[str, Any]] | None) -> None:
    """Set the derived columns: start/end date, and total budget when budgets are given."""
    activity.start_date = activity.actual_start or activity.planned_start
    activity.end_date = activity.actual_end or activity.planned_end
    if budgets is not None:
        values = [Decimal(b["value"]) for b in budgets if b.get("value") is not None]
        activity.total_budget = sum(values, Decimal(0)) if values else None


def _org_fields(org: dict[str, Any] | None) -> tuple[str, dict[str, str]]:
    return (org or {}).get("ref", ""), (org or {}).get("names", {})


def _transaction_values(item: dict[str, Any]) -> dict[str, Any]:
    item = dict(item)
    provider_ref, provider_names = _org_fields(item.pop("provider_org", None))
    receiver_ref, receiver_names = _org_fields(item.pop("receiver_org", None))
    return {
        **item,
        "provider_org_ref": provider_ref,
        "provider_org_names": provider_names,
        "receiver_org_ref": receiver_ref,
        "receiver_org_names": receiver_names,
    }


def _participating_values(index: int, item: dict[str, Any]) -> dict[str, Any]:
    organisation = item.get("organisation")
    return {
        "organisation_id": organisation.pk if organisation else item.get("organisation_id"),
        "ref": item.get("ref", ""),
        "names": item.get("names", {}),
        "role": item.get("role", ""),
        "type": item.get("type", ""),
        "activity_ref": item.get("activity_ref", ""),
        "order": index,
    }


def child_values(data: dict[str, Any]) -> dict[type[models.Model], list[dict[str, Any]]]:
    """Field values of the child rows (except results) for the children present in `data`.

    Plain dicts, so that the importer can insert them in bulk without building model instances;
    `child_rows` builds the instances for one activity.
    """
    rows: dict[type[models.Model], list[dict[str, Any]]] = {}
    if "participating_orgs" in data:
        rows[ParticipatingOrg] = [
            _participating_values(i, item) for i, item in enumerate(data["participating_orgs"])
        ]
    if "countries" in data:
        rows[RecipientCountry] = [
            {"country_id": item["code"], "percentage": item.get("percentage")}
            for item in data["countries"]
        ]
    for key, model in (
        ("regions", RecipientRegion),
        ("sectors", ActivitySector),
        ("policy_markers", PolicyMarker),
        ("budgets", Budget),
        ("documents", DocumentLink),
        ("related_activities", RelatedActivity),
    ):
        if key in data:
            rows[model] = list(data[key])  # the items are read, never changed
    if "transactions" in data:
        rows[Transaction] = [_transaction_values(item) for item in data["transactions"]]
    if {"themes", "sectors", "policy_markers"} & data.keys():
        rows[ActivityTheme] = [
            {"theme_id": code, "origin": origin} for code, origin in merged_themes(data)
        ]
    return rows


def child_rows(activity: Activity, data: dict[str, Any]) -> dict[type[models.Model], list[Any]]:
    """Unsaved child rows (except results) for the children present in `data`."""
    return {
        model: [model(activity=activity, **values) for values in rows]
        for model, rows in child_values(data).items()
    }


def write_results(activity: Activity, results: list[dict[str, Any]]) -> None:
    Result.objects.filter(activity=activity).delete()
    for order, item in enumerate(results):
        result = Result.objects.create(
            activity=activity,
            type=item.get("type", ""),
            aggregation_status=item.get("aggregation_status"),
            title=item.get("title", {}),
            description=item.get("description", {}),
            order=order,
        )
        for ind_order, ind in enumerate(item.get("indicators", [])):
            indicator = Indicator.objects.create(
                result=result,
                measure=ind.get("measure", ""),
                ascending=ind.get("ascending"),
                title=ind.get("title", {}),
                description=ind.get("description", {}),
                baseline_year=ind.get("baseline_year"),
                baseline_value=ind.get("baseline_value", ""),
                order=ind_order,
            )
            IndicatorPeriod.objects.bulk_create(
                IndicatorPeriod(indicator=indicator, **period) for period in ind.get("periods", [])
            )


def _complete_for_derivation(activity: Activity, data: dict[str, Any]) -> dict[str, Any]:
    """Add the stored sectors/markers/themes when only some of them change, so derived themes
    are recomputed from the whole record."""
    if activity.pk is None or not ({"themes", "sectors", "policy_markers"} & data.keys()):
        return data
    full = dict(data)
    if "sectors" not in full:
        full["sectors"] = list(activity.sectors.values("code", "vocabulary"))
    if "policy_markers" not in full:
        full["policy_markers"] = list(
            activity.policy_markers.values("code", "vocabulary", "significance")
        )
    if "themes" not in full:
        full["themes"] = [
            {"code": code, "origin": ThemeOrigin.MANUAL}
            for code in activity.themes.filter(origin=ThemeOrigin.MANUAL).values_list(
                "theme_id", flat=True
            )
        ]
    return full


def write_activity(activity: Activity, data: dict[str, Any]) -> Activity:
    """Apply cleaned data to an activity (new or stored) and replace the children it names."""
    for name in SCALAR_WRITABLE:
        if name in data:
            setattr(activity, name, data[name])
    if "reporting_org" in data:
        activity.reporting_org = resolve_organisation(data["reporting_org"])
    if "division" in data:
        activity.division_id = data["division"]
    if "policy_markers" in data and "gender_marker" not in data:
        marker = gender_marker_from(data["policy_markers"])
        if marker is not None:
            activity.gender_marker = marker
    derive_fields(activity, data.get("budgets"))
    activity.save()
    data = _complete_for_derivation(activity, data)
    if "participating_orgs" in data:
        data = dict(data)
        data["participating_orgs"] = [
            {**item, "organisation": resolve_organisation(item) if item.get("ref") else None}
            for item in data["participating_orgs"]
        ]
    for model, rows in child_rows(activity, data).items():
        model._default_manager.filter(activity=activity).delete()
        model._default_manager.bulk_create(rows)
    if "results" in data:
        write_results(activity, data["results"])
    if "meas" in data:
        activity.meas.set(data["meas"])
    return activity


def refresh_derived(activity: Activity) -> None:
    """Recompute derived columns and themes from the stored record (after admin inline edits)."""
    budgets: list[dict[str, Any]] = [dict(row) for row in activity.budgets.values("value")]
    derive_fields(activity, budgets)
    Activity.objects.filter(pk=activity.pk).update(
        start_date=activity.start_date,
        end_date=activity.end_date,
        total_budget=activity.total_budget,
    )
    data = _complete_for_derivation(
        activity,
        {
            "themes": [
                {"code": code, "origin": ThemeOrigin.MANUAL}
                for code in activity.themes.filter(origin=ThemeOrigin.MANUAL).values_list(
                    "theme_id", flat=True
                )
            ]
        },
    )
    ActivityTheme.objects.filter(activity=activity).delete()
    ActivityTheme.objects.bulk_create(
        ActivityTheme(activity=activity, theme_id=code, origin=origin)
        for code, origin in merged_themes(data)
    )
