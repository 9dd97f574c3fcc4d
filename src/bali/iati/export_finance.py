"""Budgets, transactions, documents, related activities and results of an exported activity,
in the order the IATI 2.03 schema sets, with `bali:inferred` on values the schema requires and
the record does not have (see `exporter.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bali.activities.models import Activity
from bali.iati.xmltext import INFERRED

if TYPE_CHECKING:
    from bali.iati.exporter import Writer


def _date_or_inferred(
    writer: Writer, parent: Any, tag: str, value: str | None, fallback: str
) -> None:
    if value:
        writer.sub(parent, tag, {"iso-date": value})
    else:
        writer.sub(parent, tag, {"iso-date": fallback, INFERRED: "iso-date"})


def _value(writer: Writer, parent: Any, item: dict[str, Any], fallback: str) -> None:
    attrs = {"currency": item["currency"], "value-date": item["value_date"] or fallback}
    if not item["value_date"]:
        attrs[INFERRED] = "value-date"
    element = writer.sub(parent, "value", attrs)
    element.text = item["value"]


def _budgets(writer: Writer, root: Any, data: dict[str, Any], fallback: str) -> None:
    for budget in data["budgets"]:
        element = writer.sub(root, "budget", {"type": budget["type"], "status": budget["status"]})
        start = budget["period_start"] or budget["value_date"] or fallback
        _date_or_inferred(writer, element, "period-start", budget["period_start"], start)
        _date_or_inferred(writer, element, "period-end", budget["period_end"], start)
        _value(writer, element, budget, budget["period_start"] or start)


def _transactions(writer: Writer, root: Any, data: dict[str, Any], fallback: str) -> None:
    for item in data["transactions"]:
        element = writer.sub(root, "transaction", {"ref": item["ref"]})
        writer.sub(element, "transaction-type", {"code": item["type"]})
        day = item["date"] or item["value_date"] or fallback
        _date_or_inferred(writer, element, "transaction-date", item["date"], day)
        _value(writer, element, item, day)
        if item["description"]:
            writer.texts_element(element, "description", item["description"])
        for tag, key in (("provider-org", "provider_org"), ("receiver-org", "receiver_org")):
            if item[key]:
                writer.org(element, tag, item[key])


def _documents(writer: Writer, root: Any, data: dict[str, Any]) -> None:
    for document in data["documents"]:
        element = writer.sub(root, "document-link", {"url": document["url"]})
        element.set("format", document["format"] or "")
        writer.texts_element(element, "title", document["title"])
        for code in document["categories"]:
            writer.sub(element, "category", {"code": code})
        if not document["categories"]:  # required; A01 is the most general category
            writer.sub(element, "category", {"code": "A01", INFERRED: "*"})
        for lang in document["languages"]:
            writer.sub(element, "language", {"code": lang})
        if document["document_date"]:
            writer.sub(element, "document-date", {"iso-date": document["document_date"]})


def _indicator(writer: Writer, parent: Any, ind: dict[str, Any], dates: tuple[str, str]) -> None:
    element = writer.sub(parent, "indicator")
    element.set("measure", ind["measure"] or "")
    if ind["ascending"] is not None:
        element.set("ascending", "1" if ind["ascending"] else "0")
    writer.texts_element(element, "title", ind["title"])
    if ind["description"]:
        writer.texts_element(element, "description", ind["description"])
    if ind["baseline_year"] is not None or ind["baseline_value"]:
        attrs: dict[str, Any] = {"year": ind["baseline_year"], "value": ind["baseline_value"]}
        if ind["baseline_year"] is None:
            attrs.update(year=dates[0][:4], **{INFERRED: "year"})
        writer.sub(element, "baseline", attrs)
    for period in ind["periods"]:
        period_el = writer.sub(element, "period")
        _date_or_inferred(writer, period_el, "period-start", period["period_start"], dates[0])
        _date_or_inferred(writer, period_el, "period-end", period["period_end"], dates[1])
        if period["target_value"]:
            writer.sub(period_el, "target", {"value": period["target_value"]})
        if period["actual_value"]:
            writer.sub(period_el, "actual", {"value": period["actual_value"]})


def _results(writer: Writer, root: Any, data: dict[str, Any], dates: tuple[str, str]) -> None:
    for result in data["results"]:
        element = writer.sub(root, "result")
        element.set("type", result["type"] or "")
        if result["aggregation_status"] is not None:
            element.set("aggregation-status", "1" if result["aggregation_status"] else "0")
        writer.texts_element(element, "title", result["title"])
        if result["description"]:
            writer.texts_element(element, "description", result["description"])
        for ind in result["indicators"]:
            _indicator(writer, element, ind, dates)
        if not result["indicators"]:  # the schema requires one
            inferred = writer.sub(element, "indicator", {"measure": "5", INFERRED: "*"})
            writer.narratives(writer.sub(inferred, "title"), {}, required=True)


def write(writer: Writer, root: Any, activity: Activity, data: dict[str, Any]) -> None:
    from bali.iati.exporter import fallback_date

    fallback = fallback_date(activity).isoformat()
    start = data["actual_start"] or data["planned_start"] or fallback
    end = data["actual_end"] or data["planned_end"] or start
    _budgets(writer, root, data, fallback)
    _transactions(writer, root, data, fallback)
    _documents(writer, root, data)
    for related in data["related_activities"]:
        element = writer.sub(root, "related-activity", {"ref": related["ref"]})
        element.set("type", related["type"] or "")
    _results(writer, root, data, (start, end))
