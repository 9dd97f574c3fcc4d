"""IATI 2.03 activity XML of a queryset of activities, streamed, valid against the official XSD.

Each activity is built from its canonical data (`bali.activities.snapshot`), so what is written
is exactly what the round trip compares after importing it back. Where the schema requires a
value the record does not have (a status, a date, a budget's value date, an indicator under a
result), the exporter writes a plausible value and marks it with `bali:inferred` — `*` on an
invented element, or the names of invented attributes — so that our importer reads the record
back as it was, and other readers still get a valid file. What IATI has no place for (BSP themes,
MEAs, type of support, division, the gender marker as kept here) goes into `bali:` elements at
the end of each activity; the BSP themes are also published as IATI tags (vocabulary 99).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from lxml import etree

from bali.activities import snapshot
from bali.activities.models import Activity
from bali.iati import export_finance
from bali.iati.xmltext import BALI, BALI_NS, INFERRED, XML_LANG

IATI_VERSION = "2.03"
CHUNK = 500
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
DATE_TYPES = (
    ("planned_start", "1"),
    ("actual_start", "2"),
    ("planned_end", "3"),
    ("actual_end", "4"),
)


def clean(text: Any) -> str:
    """Text without the characters XML 1.0 cannot carry."""
    return _INVALID_XML.sub("", str(text))


class Writer:
    """Builds `<iati-activity>` elements for one export (knows the default language)."""

    def __init__(self, theme_names: dict[str, dict[str, str]]) -> None:
        self.theme_names = theme_names
        self.lang = ""

    def sub(self, parent: Any, tag: str, attrs: dict[str, Any] | None = None) -> Any:
        element = etree.SubElement(parent, tag)
        for name, value in (attrs or {}).items():
            if value is not None and value != "":
                element.set(name, clean(value))
        return element

    def narratives(self, parent: Any, texts: dict[str, str] | None, *, required: bool) -> None:
        """One narrative per language (xml:lang unless it is the activity's default);
        an empty narrative where the schema requires one and the record has no text."""
        texts = texts or {}
        for lang, text in sorted(texts.items()):
            narrative = etree.SubElement(parent, "narrative")
            if lang != self.lang:
                narrative.set(XML_LANG, lang)
            narrative.text = clean(text)
        if not texts and required:
            etree.SubElement(parent, "narrative")

    def texts_element(
        self, parent: Any, tag: str, texts: dict[str, str] | None, **attrs: Any
    ) -> Any:
        element = self.sub(parent, tag, attrs)
        self.narratives(element, texts, required=True)
        return element

    def org(self, parent: Any, tag: str, org: dict[str, Any] | None, **attrs: Any) -> Any:
        org = org or {}
        element = self.sub(parent, tag, {"ref": org.get("ref") or "", **attrs})
        self.narratives(element, org.get("names"), required=False)
        return element

    def activity(self, activity: Activity, data: dict[str, Any]) -> Any:
        self.lang = data["default_lang"] or ""
        root = etree.Element("iati-activity", nsmap={"bali": BALI_NS})
        stamp = data.get("source_timestamp") or activity.updated_at.isoformat()
        for name, value in (
            ("last-updated-datetime", stamp),
            (XML_LANG, self.lang),
            ("default-currency", data["default_currency"]),
            ("hierarchy", data["hierarchy"]),
        ):
            if value not in (None, ""):
                root.set(name, str(value))
        etree.SubElement(root, "iati-identifier").text = clean(data["iati_identifier"])
        self._head(root, activity, data)
        self._classification(root, data)
        export_finance.write(self, root, activity, data)
        self._extension(root, data)
        return root

    def _head(self, root: Any, activity: Activity, data: dict[str, Any]) -> None:
        reporting = data["reporting_org"] or {}
        element = etree.SubElement(root, "reporting-org")
        element.set("ref", clean(reporting.get("ref") or ""))
        element.set("type", clean(reporting.get("type") or ""))
        self.narratives(element, reporting.get("names"), required=True)
        self.texts_element(root, "title", data["title"])
        if data["description"] or not data["other_descriptions"]:
            self.texts_element(root, "description", data["description"], type="1")
        for kind, texts in sorted(data["other_descriptions"].items()):
            self.texts_element(root, "description", texts, type=kind)
        self._participants(root, data)
        status = self.sub(root, "activity-status", {"code": data["status"]})
        if not data["status"]:
            status.set("code", _status_from_dates(data))
            status.set(INFERRED, "*")
        self._dates(root, activity, data)
        if data["scope"]:
            self.sub(root, "activity-scope", {"code": data["scope"]})

    def _participants(self, root: Any, data: dict[str, Any]) -> None:
        for item in data["participating_orgs"]:
            element = self.sub(root, "participating-org", {"ref": item["ref"]})
            element.set("role", clean(item["role"] or ""))
            for name, key in (("type", "type"), ("activity-id", "activity_ref")):
                if item.get(key):
                    element.set(name, clean(item[key]))
            self.narratives(element, item["names"], required=False)
        if not data["participating_orgs"]:  # the schema wants one: the reporting organisation
            element = self.org(root, "participating-org", data["reporting_org"], role="2")
            element.set(INFERRED, "*")

    def _dates(self, root: Any, activity: Activity, data: dict[str, Any]) -> None:
        written = False
        for key, kind in DATE_TYPES:
            if data[key]:
                self.sub(root, "activity-date", {"type": kind, "iso-date": data[key]})
                written = True
        if not written:
            self.sub(
                root,
                "activity-date",
                {"type": "1", "iso-date": fallback_date(activity).isoformat(), INFERRED: "*"},
            )

    def _classification(self, root: Any, data: dict[str, Any]) -> None:
        for country in data["countries"]:
            self.sub(root, "recipient-country", {"code": country["code"], **_pct(country)})
        for region in data["regions"]:
            self.sub(
                root,
                "recipient-region",
                {
                    "code": region["code"],
                    "vocabulary": region["vocabulary"],
                    "vocabulary-uri": region["vocabulary_uri"],
                    **_pct(region),
                },
            )
        for sector in data["sectors"]:
            element = self.sub(
                root,
                "sector",
                {
                    "vocabulary": sector["vocabulary"],
                    "vocabulary-uri": sector["vocabulary_uri"],
                    "code": sector["code"],
                    **_pct(sector),
                },
            )
            self.narratives(element, sector["names"], required=False)
        self._tags(root, data)
        self._markers(root, data)
        for tag, key in (
            ("collaboration-type", "collaboration_type"),
            ("default-flow-type", "default_flow_type"),
            ("default-finance-type", "default_finance_type"),
        ):
            if data[key]:
                self.sub(root, tag, {"code": data[key]})
        if data["default_aid_type"]:
            self.sub(
                root, "default-aid-type", {"code": data["default_aid_type"], "vocabulary": "1"}
            )
        if data["default_tied_status"]:
            self.sub(root, "default-tied-status", {"code": data["default_tied_status"]})

    def _tags(self, root: Any, data: dict[str, Any]) -> None:
        """BSP themes as IATI tags, for readers that do not know our namespace."""
        uri = (
            f"{settings.SITE_URL}/api/v1/reference/themes" if hasattr(settings, "SITE_URL") else ""
        )
        for theme in data["themes"]:
            element = self.sub(
                root, "tag", {"vocabulary": "99", "vocabulary-uri": uri, "code": theme["code"]}
            )
            self.narratives(element, self.theme_names.get(theme["code"]), required=False)

    def _markers(self, root: Any, data: dict[str, Any]) -> None:
        has_gender = False
        for marker in data["policy_markers"]:
            has_gender |= marker["vocabulary"] == "1" and marker["code"] == "1"
            self.sub(
                root,
                "policy-marker",
                {
                    "vocabulary": marker["vocabulary"],
                    "vocabulary-uri": marker["vocabulary_uri"],
                    "code": marker["code"],
                    "significance": marker["significance"],
                },
            )
        if not has_gender and data["gender_marker"] is not None:
            self.sub(
                root,
                "policy-marker",
                {
                    "vocabulary": "1",
                    "code": "1",
                    "significance": str(data["gender_marker"]),
                    INFERRED: "*",
                },
            )

    def _extension(self, root: Any, data: dict[str, Any]) -> None:
        if data["activity_type"]:
            self.sub(root, BALI + "activity-type", {"code": data["activity_type"]})
        if data["division"]:
            self.sub(root, BALI + "division", {"code": data["division"]})
        if data["gender_marker"] is not None:
            self.sub(root, BALI + "gender-marker", {"code": str(data["gender_marker"])})
        for theme in data["themes"]:
            if theme["origin"] == "manual":
                self.sub(root, BALI + "theme", {"code": theme["code"]})
        for code in data["meas"]:
            self.sub(root, BALI + "mea", {"code": code})


def _pct(item: dict[str, Any]) -> dict[str, Any]:
    return {"percentage": item["percentage"]} if item.get("percentage") is not None else {}


def fallback_date(activity: Activity) -> date:
    """A date for a value the schema requires and the record lacks: start, else creation."""
    day = activity.start_date or activity.end_date
    if day is not None:
        return day
    created = activity.created_at or timezone.now()
    return created.date() if isinstance(created, datetime) else created


def _status_from_dates(data: dict[str, Any]) -> str:
    today = timezone.now().date().isoformat()
    if data["actual_end"] and data["actual_end"] <= today:
        return "3"
    if data["actual_start"] or (data["planned_start"] and data["planned_start"] <= today):
        return "2"
    return "1"


def publishable(queryset: QuerySet[Activity], include_imported: bool) -> QuerySet[Activity]:
    """Public activities only (IATI is a publication), local ones unless asked otherwise."""
    queryset = queryset.filter(visibility="public")
    if not include_imported:
        queryset = queryset.filter(source="local")
    return queryset


def _theme_names() -> dict[str, dict[str, str]]:
    from bali.reference.models import Theme

    return dict(Theme.objects.values_list("code", "names"))


def iter_activity_elements(queryset: QuerySet[Activity]) -> Iterator[Any]:
    writer = Writer(_theme_names())
    for activity in snapshot.with_prefetch(queryset).iterator(chunk_size=CHUNK):
        yield writer.activity(activity, snapshot.snapshot(activity))


def write_activities(output: IO[bytes], queryset: QuerySet[Activity]) -> int:
    """Stream the activities as one IATI 2.03 activity file; returns how many were written."""
    count = 0
    for _chunk in stream_activities(queryset, output):
        count += 1
    return count


def stream_activities(queryset: QuerySet[Activity], output: IO[bytes]) -> Iterable[None]:
    """Write to `output`, yielding after each activity (so HTTP responses can flush)."""
    generated = timezone.now().replace(microsecond=0).isoformat()
    with etree.xmlfile(output, encoding="utf-8") as xf:
        xf.write_declaration()
        attrs = {"version": IATI_VERSION, "generated-datetime": generated}
        with xf.element("iati-activities", attrs, nsmap={"bali": BALI_NS}):
            for element in iter_activity_elements(queryset):
                xf.write(element)
                xf.flush()
                yield None
