"""One IATI activity element (1.0x or 2.0x) → activity data in the canonical shape.

The output is what `bali.activities.validation.clean_activity_data` produces (dates and decimals
as Python values, text as {language: text}), so the importer writes it with the same derivation
rules as every other write path. Version differences are small and handled where they occur:
text in narratives or in the element, 1.x text codes (`codes.py`), `ref` instead of `code` in
pilot files, pilot element names (`flow-type`, `budget-planned`, `activity-website`).
Elements the model does not hold (locations, contacts, conditions, planned disbursements, ...)
are skipped without a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_noop

from bali.iati import reader_finance
from bali.iati.xmltext import (
    BALI,
    BALI_NS,
    INFERRED,
    XML_LANG,
    ReadState,
    attr,
    code,
    date_attr,
    language,
    merge_texts,
    percentage,
    texts,
)
from bali.iati.xmltext import vocabulary as vocabulary_code

NO_LANGUAGE = gettext_noop(
    "text without a language (no xml:lang on the activity or the file) read as English"
)
UNKNOWN_COUNTRY = gettext_noop("%(value)s is not a country code; recipient country ignored")
NO_SECTOR_CODE = gettext_noop("a sector without a code; ignored")
NO_MARKER_CODE = gettext_noop("a policy marker without a code; ignored")
NO_DATE_TYPE = gettext_noop("activity date without a type; ignored")
NO_COUNTRY_CODE = gettext_noop("recipient country without a code; ignored")
UNKNOWN_EXTENSION = gettext_noop("%(what)s %(value)s is not known here; ignored")

DATE_FIELDS = {"1": "planned_start", "2": "actual_start", "3": "planned_end", "4": "actual_end"}
SIMPLE_CODES = {
    # element: (data key, codelist)
    "activity-status": ("status", "ActivityStatus"),
    "activity-scope": ("scope", "ActivityScope"),
    "collaboration-type": ("collaboration_type", "CollaborationType"),
    "default-flow-type": ("default_flow_type", "FlowType"),
    "flow-type": ("default_flow_type", "FlowType"),  # 1.0 pilot
    "default-finance-type": ("default_finance_type", "FinanceType"),
    "finance-type": ("default_finance_type", "FinanceType"),  # 1.0 pilot
    "default-tied-status": ("default_tied_status", "TiedStatus"),
    "tied-status": ("default_tied_status", "TiedStatus"),  # 1.0 pilot
}


def new_data() -> dict[str, Any]:
    return {
        "title": {},
        "description": {},
        "other_descriptions": {},
        "participating_orgs": [],
        "countries": [],
        "regions": [],
        "sectors": [],
        "themes": [],
        "meas": [],
        "policy_markers": [],
        "budgets": [],
        "transactions": [],
        "documents": [],
        "results": [],
        "related_activities": [],
    }


def org(element: Any, state: ReadState) -> dict[str, Any]:
    return {
        "ref": attr(element, "ref", state, 150, "organisation identifier"),
        "names": texts(element, state),
        "type": code(element, "OrganisationType", state, "type"),
    }


def _reporting_org(el: Any, data: dict[str, Any], state: ReadState) -> None:
    data["reporting_org"] = org(el, state)


def _participating_org(el: Any, data: dict[str, Any], state: ReadState) -> None:
    item = org(el, state)
    if not item["ref"] and not item["names"]:
        return  # nothing says who it is
    item["role"] = code(el, "OrganisationRole", state, "role")
    item["activity_ref"] = attr(el, "activity-id", state, 255, "activity-id")
    data["participating_orgs"].append(item)


def _title(el: Any, data: dict[str, Any], state: ReadState) -> None:
    merge_texts(data["title"], texts(el, state))


def _description(el: Any, data: dict[str, Any], state: ReadState) -> None:
    kind = code(el, "DescriptionType", state, "type") or "1"
    found = texts(el, state)
    if kind == "1":
        merge_texts(data["description"], found)
    elif found:
        merge_texts(data["other_descriptions"].setdefault(kind, {}), found)


def _activity_date(el: Any, data: dict[str, Any], state: ReadState) -> None:
    kind = code(el, "ActivityDateType", state, "type")
    field = DATE_FIELDS.get(kind)
    if field is None:
        if not (el.get("type") or "").strip():
            state.issues.warn(el, NO_DATE_TYPE)
        return  # an unknown type was reported by `code`
    value = date_attr(el, state)
    if value is not None:
        data[field] = value


def _simple_code(el: Any, data: dict[str, Any], state: ReadState) -> None:
    key, codelist = SIMPLE_CODES[el.tag]
    value = code(el, codelist, state)
    if value:
        data[key] = value


def _default_aid_type(el: Any, data: dict[str, Any], state: ReadState) -> None:
    """The model keeps one OECD DAC aid type (vocabulary 1); other vocabularies are skipped."""
    if (el.get("vocabulary") or "1").strip() != "1" or data.get("default_aid_type"):
        return
    value = code(el, "AidType", state)
    if value:
        data["default_aid_type"] = value


def _recipient_country(el: Any, data: dict[str, Any], state: ReadState) -> None:
    raw = (el.get("code") or "").strip()
    country = raw.upper()
    if not country:
        state.issues.warn(el, NO_COUNTRY_CODE)
        return
    if country not in state_countries():
        state.issues.warn(el, UNKNOWN_COUNTRY, value=raw)
        return
    data["countries"].append({"code": country, "percentage": percentage(el, state)})


def _recipient_region(el: Any, data: dict[str, Any], state: ReadState) -> None:
    vocabulary = vocabulary_code(el, "RegionVocabulary", state)
    region = attr(el, "code", state, 20, "region code")
    if not region:
        return
    data["regions"].append(
        {
            "code": region,
            "vocabulary": vocabulary,
            "vocabulary_uri": attr(el, "vocabulary-uri", state, 500),
            "percentage": percentage(el, state),
        }
    )


def _sector(el: Any, data: dict[str, Any], state: ReadState) -> None:
    vocabulary = vocabulary_code(el, "SectorVocabulary", state)
    value = (el.get("code") or el.get("ref") or "").strip()
    if not value:
        state.issues.warn(el, NO_SECTOR_CODE)
        return
    data["sectors"].append(
        {
            "code": value[:40],
            "vocabulary": vocabulary,
            "vocabulary_uri": attr(el, "vocabulary-uri", state, 500),
            "percentage": percentage(el, state),
            "names": texts(el, state),
        }
    )


def _policy_marker(el: Any, data: dict[str, Any], state: ReadState) -> None:
    vocabulary = vocabulary_code(el, "PolicyMarkerVocabulary", state)
    if vocabulary == "1":
        value = code(el, "PolicyMarker", state)
    else:
        value = attr(el, "code", state, 20, "policy marker code")
    if not value:
        if not el.get("code"):
            state.issues.warn(el, NO_MARKER_CODE)
        return
    data["policy_markers"].append(
        {
            "code": value,
            "vocabulary": vocabulary,
            "vocabulary_uri": attr(el, "vocabulary-uri", state, 500),
            "significance": code(el, "PolicySignificance", state, "significance"),
        }
    )


def _related_activity(el: Any, data: dict[str, Any], state: ReadState) -> None:
    ref = attr(el, "ref", state, 255)
    if ref:
        kind = code(el, "RelatedActivityType", state, "type")
        data["related_activities"].append({"ref": ref, "type": kind})


HANDLERS: dict[str, Callable[[Any, dict[str, Any], ReadState], None]] = {
    "reporting-org": _reporting_org,
    "title": _title,
    "description": _description,
    "participating-org": _participating_org,
    "activity-date": _activity_date,
    "default-aid-type": _default_aid_type,
    "recipient-country": _recipient_country,
    "recipient-region": _recipient_region,
    "sector": _sector,
    "policy-marker": _policy_marker,
    "related-activity": _related_activity,
    **dict.fromkeys(SIMPLE_CODES, _simple_code),
    **reader_finance.HANDLERS,
}


def _extension(el: Any, data: dict[str, Any], state: ReadState) -> None:
    """Our own elements (`bali:theme`, `bali:mea`, ...): what IATI has no place for."""
    from bali.reference import lookups

    name = el.tag[len(BALI) :]
    value = (el.get("code") or "").strip()
    known = {
        "theme": lambda: lookups.reference_codes("Theme"),
        "mea": lambda: lookups.reference_codes("MEA"),
        "division": lambda: lookups.reference_codes("Division"),
        "activity-type": _activity_types,
        "gender-marker": lambda: {"0", "1", "2"},
    }
    if name not in known or not value:
        return
    if value not in known[name]():
        state.issues.warn(el, UNKNOWN_EXTENSION, what=name, value=value)
        return
    if name == "theme":
        data["themes"].append({"code": value, "origin": "manual"})
    elif name == "mea":
        data["meas"].append(value)
    elif name == "division":
        data["division"] = value
    elif name == "activity-type":
        data["activity_type"] = value
    else:
        data["gender_marker"] = int(value)


def _activity_types() -> set[str]:
    from bali.activities.models import ActivityType

    return set(ActivityType.values)


def state_countries() -> frozenset[str]:
    from bali.reference import lookups

    return lookups.reference_codes("Country")


def read_activity(element: Any, state: ReadState) -> dict[str, Any]:
    """Activity data from an `<iati-activity>` element (identifier and provenance excluded:
    the parser and the importer set those)."""
    data = new_data()
    own_lang = language(element.get(XML_LANG))
    if own_lang:
        state.lang = own_lang
    data["default_lang"] = state.lang
    currency = code(element, "Currency", state, "default-currency")
    data["default_currency"] = currency
    hierarchy = element.get("hierarchy")
    if hierarchy:
        from bali.iati.values import read_int

        data["hierarchy"], problem = read_int(hierarchy)
        if problem:
            state.issues.warn(element, problem, value=hierarchy, repaired=data["hierarchy"])
    ours = state.ours = BALI_NS in element.nsmap.values()  # written by our exporter
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or (ours and child.get(INFERRED) == "*"):
            continue  # comments, processing instructions, elements our exporter made up
        handler = HANDLERS.get(tag)
        if handler is not None:
            handler(child, data, state)
        elif tag.startswith(BALI):
            _extension(child, data, state)
    if state.default_lang_used:
        state.issues.warn(element, NO_LANGUAGE)
    return data
