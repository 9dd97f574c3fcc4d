"""Checking activity data before it is written: field by field, with translated messages.

`clean_activity_data` turns canonical activity data (see `snapshot.py`) into Python values
(dates, decimals) and collects every problem at once, keyed by field path
(`budgets.0.value`), so forms and the API can show each message beside its field.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bali.activities.models import ActivityType, GenderMarker, Visibility
from bali.core.i18n import clean_texts
from bali.reference import lookups

IDENTIFIER_RE = re.compile(r"^\S+$")


class Errors:
    """Collects messages per field path."""

    def __init__(self) -> None:
        self.messages: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.messages.setdefault(path, []).append(message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def _date(value: Any, path: str, errors: Errors) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        errors.add(path, _("Enter a date as YYYY-MM-DD."))
        return None


def _decimal(value: Any, path: str, errors: Errors, *, required: bool = False) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors.add(path, _("This field is required."))
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors.add(path, _("Enter a number, such as 12500 or 12500.50."))
        return None
    if not number.is_finite():
        errors.add(path, _("Enter a number, such as 12500 or 12500.50."))
        return None
    return number


def _percentage(value: Any, path: str, errors: Errors) -> Decimal | None:
    number = _decimal(value, path, errors)
    if number is not None and not (0 <= number <= 100):
        errors.add(path, _("A percentage must be between 0 and 100."))
    return number


def _code(value: Any, codelist: str, path: str, errors: Errors, *, required: bool = False) -> str:
    code = "" if value is None else str(value).strip()
    if not code:
        if required:
            errors.add(path, _("This field is required."))
        return ""
    if code not in lookups.codelist_codes(codelist):
        errors.add(
            path,
            _("%(code)s is not a code of the IATI %(list)s list.")
            % {"code": code, "list": codelist},
        )
    return code


def _texts(value: Any, path: str, errors: Errors) -> dict[str, str]:
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        return clean_texts({"en": value})
    if not isinstance(value, dict):
        errors.add(path, _("Give the text as {language: text}."))
        return {}
    return clean_texts(value)


def _list(data: dict[str, Any], key: str, errors: Errors) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        errors.add(key, _("Give a list."))
        return []
    return value


def _clean_scalars(data: dict[str, Any], cleaned: dict[str, Any], errors: Errors) -> None:
    if "iati_identifier" in data:
        identifier = str(data.get("iati_identifier") or "").strip()
        if not identifier:
            errors.add("iati_identifier", _("This field is required."))
        elif not IDENTIFIER_RE.match(identifier) or len(identifier) > 255:
            errors.add(
                "iati_identifier", _("An IATI identifier has no spaces and at most 255 characters.")
            )
        cleaned["iati_identifier"] = identifier
    if "title" in data:
        cleaned["title"] = _texts(data["title"], "title", errors)
        if not cleaned["title"]:
            errors.add("title", _("Give a title in at least one language."))
    for key in ("description",):
        if key in data:
            cleaned[key] = _texts(data[key], key, errors)
    if "other_descriptions" in data:
        value = data["other_descriptions"] or {}
        cleaned["other_descriptions"] = {
            str(kind): _texts(texts, f"other_descriptions.{kind}", errors)
            for kind, texts in (value.items() if isinstance(value, dict) else [])
        }
    for key, codelist in (
        ("status", "ActivityStatus"),
        ("default_currency", "Currency"),
        ("scope", "ActivityScope"),
        ("collaboration_type", "CollaborationType"),
        ("default_flow_type", "FlowType"),
        ("default_finance_type", "FinanceType"),
        ("default_tied_status", "TiedStatus"),
    ):
        if key in data:
            cleaned[key] = _code(data[key], codelist, key, errors)
    for key in ("default_lang", "default_aid_type"):
        if key in data:
            cleaned[key] = str(data[key] or "").strip()
    if "activity_type" in data:
        value = data["activity_type"] or ""
        if value and value not in ActivityType.values:
            errors.add(
                "activity_type",
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(ActivityType.values)},
            )
        cleaned["activity_type"] = value
    if "gender_marker" in data:
        value = data["gender_marker"]
        if value in (None, ""):
            cleaned["gender_marker"] = None
        elif str(value) not in {str(v) for v in GenderMarker.values}:
            errors.add("gender_marker", _("The gender marker is 0, 1 or 2."))
        else:
            cleaned["gender_marker"] = int(value)
    if "hierarchy" in data:
        value = data["hierarchy"]
        try:
            cleaned["hierarchy"] = int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            errors.add("hierarchy", _("Enter a whole number."))
    if "visibility" in data:
        value = data["visibility"] or Visibility.PUBLIC
        if value not in Visibility.values:
            errors.add("visibility", _("Choose public or private."))
        cleaned["visibility"] = value
    for key in ("planned_start", "actual_start", "planned_end", "actual_end"):
        if key in data:
            cleaned[key] = _date(data[key], key, errors)
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        if cleaned.get(start) and cleaned.get(end) and cleaned[start] > cleaned[end]:
            errors.add(end, _("The end date is before the start date."))


def _clean_org(value: Any, path: str, errors: Errors) -> dict[str, Any] | None:
    if value in (None, "", {}):
        return None
    if not isinstance(value, dict):
        errors.add(path, _("Give the organisation as {ref, names}."))
        return None
    org = {
        "ref": str(value.get("ref") or "").strip(),
        "names": _texts(value.get("names") or value.get("name"), f"{path}.names", errors),
        "type": str(value.get("type") or "").strip(),
    }
    if not org["ref"] and not org["names"]:
        errors.add(path, _("Give the organisation's identifier or name."))
    return org


def _clean_themes(items: list[Any], errors: Errors) -> list[dict[str, str]]:
    valid = set(lookups.reference_codes("Theme"))
    result = []
    for index, item in enumerate(items):
        code = item.get("code") if isinstance(item, dict) else item
        origin = item.get("origin", "manual") if isinstance(item, dict) else "manual"
        if code not in valid:
            errors.add(f"themes.{index}", _("%(code)s is not a BSP theme.") % {"code": code})
            continue
        result.append({"code": code, "origin": origin})
    return result


def _clean_children(data: dict[str, Any], cleaned: dict[str, Any], errors: Errors) -> None:
    if "reporting_org" in data:
        cleaned["reporting_org"] = _clean_org(data["reporting_org"], "reporting_org", errors)
    if "division" in data:
        code = data["division"] or None
        if code and code not in lookups.reference_codes("Division"):
            errors.add("division", _("%(code)s is not a division.") % {"code": code})
        cleaned["division"] = code
    if "participating_orgs" in data:
        orgs = []
        for i, item in enumerate(_list(data, "participating_orgs", errors)):
            org = _clean_org(item, f"participating_orgs.{i}", errors)
            if org is not None:
                org["role"] = _code(
                    item.get("role"), "OrganisationRole", f"participating_orgs.{i}.role", errors
                )
                org["activity_ref"] = str(item.get("activity_ref") or "").strip()
                orgs.append(org)
        cleaned["participating_orgs"] = orgs
    if "countries" in data:
        known = set(lookups.country_regions()) | set(lookups.reference_codes("Country"))
        countries = []
        for i, item in enumerate(_list(data, "countries", errors)):
            item = {"code": item} if isinstance(item, str) else item
            code = str(item.get("code") or "").strip().upper()
            if code not in known:
                errors.add(
                    f"countries.{i}.code", _("%(code)s is not a country code.") % {"code": code}
                )
            countries.append(
                {
                    "code": code,
                    "percentage": _percentage(
                        item.get("percentage"), f"countries.{i}.percentage", errors
                    ),
                }
            )
        cleaned["countries"] = countries
    if "regions" in data:
        cleaned["regions"] = [
            {
                "code": str(item.get("code") or "").strip(),
                "vocabulary": str(item.get("vocabulary") or "1"),
                "vocabulary_uri": str(item.get("vocabulary_uri") or ""),
                "percentage": _percentage(
                    item.get("percentage"), f"regions.{i}.percentage", errors
                ),
            }
            for i, item in enumerate(_list(data, "regions", errors))
        ]
    if "sectors" in data:
        sectors = []
        for i, item in enumerate(_list(data, "sectors", errors)):
            item = {"code": item} if isinstance(item, str) else item
            vocabulary = str(item.get("vocabulary") or "1")
            code = str(item.get("code") or "").strip()
            if vocabulary == "1":
                _code(code, "Sector", f"sectors.{i}.code", errors, required=True)
            elif vocabulary == "2":
                _code(code, "SectorCategory", f"sectors.{i}.code", errors, required=True)
            sectors.append(
                {
                    "code": code,
                    "vocabulary": vocabulary,
                    "vocabulary_uri": str(item.get("vocabulary_uri") or ""),
                    "percentage": _percentage(
                        item.get("percentage"), f"sectors.{i}.percentage", errors
                    ),
                    "names": _texts(item.get("names"), f"sectors.{i}.names", errors),
                }
            )
        cleaned["sectors"] = sectors
    if "themes" in data:
        cleaned["themes"] = _clean_themes(_list(data, "themes", errors), errors)
    if "meas" in data:
        valid = set(lookups.reference_codes("MEA"))
        meas = [str(code) for code in _list(data, "meas", errors)]
        for i, code in enumerate(meas):
            if code not in valid:
                errors.add(f"meas.{i}", _("%(code)s is not a known agreement.") % {"code": code})
        cleaned["meas"] = sorted(set(meas))
    if "policy_markers" in data:
        cleaned["policy_markers"] = [
            {
                "code": str(item.get("code") or "").strip(),
                "vocabulary": str(item.get("vocabulary") or "1"),
                "vocabulary_uri": str(item.get("vocabulary_uri") or ""),
                "significance": str(item.get("significance") or ""),
            }
            for item in _list(data, "policy_markers", errors)
        ]
    _clean_money(data, cleaned, errors)
    _clean_documents_results(data, cleaned, errors)


def _clean_money(data: dict[str, Any], cleaned: dict[str, Any], errors: Errors) -> None:
    if "budgets" in data:
        budgets = []
        for i, item in enumerate(_list(data, "budgets", errors)):
            path = f"budgets.{i}"
            budget = {
                "type": str(item.get("type") or "1"),
                "status": str(item.get("status") or "1"),
                "period_start": _date(item.get("period_start"), f"{path}.period_start", errors),
                "period_end": _date(item.get("period_end"), f"{path}.period_end", errors),
                "value": _decimal(item.get("value"), f"{path}.value", errors, required=True),
                "currency": _code(item.get("currency"), "Currency", f"{path}.currency", errors),
                "value_date": _date(item.get("value_date"), f"{path}.value_date", errors),
            }
            start, end = budget["period_start"], budget["period_end"]
            if isinstance(start, date) and isinstance(end, date) and start > end:
                errors.add(f"{path}.period_end", _("The end date is before the start date."))
            budgets.append(budget)
        cleaned["budgets"] = budgets
    if "transactions" in data:
        transactions = []
        for i, item in enumerate(_list(data, "transactions", errors)):
            path = f"transactions.{i}"
            transactions.append(
                {
                    "ref": str(item.get("ref") or ""),
                    "type": _code(
                        item.get("type"), "TransactionType", f"{path}.type", errors, required=True
                    ),
                    "date": _date(item.get("date"), f"{path}.date", errors),
                    "value": _decimal(item.get("value"), f"{path}.value", errors, required=True),
                    "currency": _code(item.get("currency"), "Currency", f"{path}.currency", errors),
                    "value_date": _date(item.get("value_date"), f"{path}.value_date", errors),
                    "description": _texts(item.get("description"), f"{path}.description", errors),
                    "provider_org": _clean_org(
                        item.get("provider_org"), f"{path}.provider_org", errors
                    ),
                    "receiver_org": _clean_org(
                        item.get("receiver_org"), f"{path}.receiver_org", errors
                    ),
                }
            )
        cleaned["transactions"] = transactions


def _clean_documents_results(data: dict[str, Any], cleaned: dict[str, Any], errors: Errors) -> None:
    if "documents" in data:
        documents = []
        for i, item in enumerate(_list(data, "documents", errors)):
            url = str(item.get("url") or "").strip()
            if not url:
                errors.add(f"documents.{i}.url", _("This field is required."))
            documents.append(
                {
                    "url": url,
                    "format": str(item.get("format") or ""),
                    "title": _texts(item.get("title"), f"documents.{i}.title", errors),
                    "categories": [str(c) for c in item.get("categories") or []],
                    "languages": [str(c) for c in item.get("languages") or []],
                    "document_date": _date(
                        item.get("document_date"), f"documents.{i}.document_date", errors
                    ),
                }
            )
        cleaned["documents"] = documents
    if "results" in data:
        cleaned["results"] = [
            _clean_result(item, f"results.{i}", errors)
            for i, item in enumerate(_list(data, "results", errors))
        ]
    if "related_activities" in data:
        cleaned["related_activities"] = [
            {"ref": str(item.get("ref") or "").strip(), "type": str(item.get("type") or "")}
            for item in _list(data, "related_activities", errors)
            if item.get("ref")
        ]


def _clean_result(item: dict[str, Any], path: str, errors: Errors) -> dict[str, Any]:
    indicators = []
    for j, ind in enumerate(item.get("indicators") or []):
        ipath = f"{path}.indicators.{j}"
        year = ind.get("baseline_year")
        try:
            year = int(year) if year not in (None, "") else None
        except (TypeError, ValueError):
            errors.add(f"{ipath}.baseline_year", _("Enter a year such as 2024."))
            year = None
        indicators.append(
            {
                "measure": str(ind.get("measure") or ""),
                "ascending": ind.get("ascending"),
                "title": _texts(ind.get("title"), f"{ipath}.title", errors),
                "description": _texts(ind.get("description"), f"{ipath}.description", errors),
                "baseline_year": year,
                "baseline_value": str(ind.get("baseline_value") or ""),
                "periods": [
                    {
                        "period_start": _date(
                            p.get("period_start"), f"{ipath}.periods.{k}.period_start", errors
                        ),
                        "period_end": _date(
                            p.get("period_end"), f"{ipath}.periods.{k}.period_end", errors
                        ),
                        "target_value": str(p.get("target_value") or ""),
                        "actual_value": str(p.get("actual_value") or ""),
                    }
                    for k, p in enumerate(ind.get("periods") or [])
                ],
            }
        )
    return {
        "type": str(item.get("type") or ""),
        "aggregation_status": item.get("aggregation_status"),
        "title": _texts(item.get("title"), f"{path}.title", errors),
        "description": _texts(item.get("description"), f"{path}.description", errors),
        "indicators": indicators,
    }


def clean_activity_data(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Validated, typed activity data; raises ValidationError with every problem found."""
    if not isinstance(data, dict):
        raise ValidationError(_("Give the activity as a JSON object."))
    errors = Errors()
    cleaned: dict[str, Any] = {}
    if creating:
        for key in ("iati_identifier", "title"):
            if key not in data:
                errors.add(key, _("This field is required."))
    _clean_scalars(data, cleaned, errors)
    _clean_children(data, cleaned, errors)
    errors.raise_if_any()
    return cleaned
