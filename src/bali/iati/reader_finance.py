"""Budgets, transactions, documents and results of an IATI activity element.

Money values are repaired where the intent is clear (`46678,00`) and rounded to the stored two
decimals; a budget or transaction whose value, type or period cannot be read is skipped with a
warning, because a row without them means nothing. A missing value date is taken from the
period start or the transaction date (and the other way round), with a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_noop

from bali.iati import values
from bali.iati.xmltext import (
    INFERRED,
    ReadState,
    attr,
    boolean,
    code,
    date_attr,
    element_text,
    inferred,
    number,
    texts,
)

NO_VALUE = {
    "budget": gettext_noop("budget without a value that can be read; ignored"),
    "transaction": gettext_noop("transaction without a value that can be read; ignored"),
}
TOO_LARGE = gettext_noop("the value %(value)s is too large to keep; ignored")
NO_PERIOD = gettext_noop("budget without a start and end of its period; ignored")
NO_TYPE = gettext_noop("transaction without a transaction type that can be read; ignored")
NO_DATE = gettext_noop("transaction without a date; ignored")
VALUE_DATE_FROM_PERIOD = gettext_noop("no value date; the start of the period, %(date)s, is used")
VALUE_DATE_FROM_DATE = gettext_noop("no value date; the transaction date, %(date)s, is used")
NO_URL = gettext_noop("document link without an address; ignored")


def _first(element: Any, tag: str) -> Any | None:
    for child in element:
        if child.tag == tag and child.get(INFERRED) != "*":
            return child
    return None


def _firsts(element: Any, ours: bool) -> dict[str, Any]:
    """The first child of each tag, in one pass (transactions are read by the million)."""
    found: dict[str, Any] = {}
    for child in element:
        tag = child.tag
        if tag not in found and isinstance(tag, str) and not (ours and child.get(INFERRED) == "*"):
            found[tag] = child
    return found


def _children(element: Any, tag: str) -> list[Any]:
    return [c for c in element if c.tag == tag and c.get(INFERRED) != "*"]


def _made_up(element: Any | None, name: str, state: ReadState) -> bool:
    """Whether our exporter made up this attribute (only our own exports carry the mark)."""
    return state.ours and name in inferred(element)


def _money(
    parent: Any, value_el: Any | None, state: ReadState, what: str
) -> tuple[Any, str, Any] | None:
    """(value, currency, value date) of the `<value>` child, or None with a warning."""
    amount = None
    if value_el is not None:
        raw = element_text(value_el)
        amount = number(raw, value_el, state)
    if amount is None:
        state.issues.warn(parent, NO_VALUE[what])
        return None
    fitted = values.fit_money(amount)
    if fitted is None:
        state.issues.warn(value_el, TOO_LARGE, value=raw)
        return None
    currency = code(value_el, "Currency", state, "currency")
    return fitted, currency, date_attr(value_el, state, "value-date", text=False)


def _budget(el: Any, data: dict[str, Any], state: ReadState) -> None:
    firsts = _firsts(el, state.ours)
    start_el, end_el = firsts.get("period-start"), firsts.get("period-end")
    start, end = date_attr(start_el, state), date_attr(end_el, state)
    made_up = _made_up(start_el, "iso-date", state) or _made_up(end_el, "iso-date", state)
    if (start is None or end is None) and not made_up:
        state.issues.warn(el, NO_PERIOD)
        return
    value_el = firsts.get("value")
    money = _money(el, value_el, state, "budget")
    if money is None:
        return
    value, currency, value_date = money
    if value_date is None and start is not None and not _made_up(value_el, "value-date", state):
        value_date = start
        state.issues.warn(el, VALUE_DATE_FROM_PERIOD, date=start.isoformat())
    kind = code(el, "BudgetType", state, "type") or "1"
    data["budgets"].append(
        {
            "type": kind,
            "status": code(el, "BudgetStatus", state, "status") or "1",
            "period_start": start,
            "period_end": end,
            "value": value,
            "currency": currency,
            "value_date": value_date,
        }
    )


def _transaction_org(el: Any | None, state: ReadState) -> dict[str, Any] | None:
    if el is None:
        return None
    ref = attr(el, "ref", state, 150, "organisation identifier")
    names = texts(el, state)
    return {"ref": ref, "names": names} if ref or names else None


def _transaction_type(el: Any, type_el: Any | None, state: ReadState) -> str:
    if type_el is not None:
        return code(type_el, "TransactionType", state)
    return code(el, "TransactionType", state, "type")  # 1.0 pilot: <transaction type="..">


def _transaction(el: Any, data: dict[str, Any], state: ReadState) -> None:
    firsts = _firsts(el, state.ours)
    kind = _transaction_type(el, firsts.get("transaction-type"), state)
    if not kind:
        state.issues.warn(el, NO_TYPE)
        return
    value_el = firsts.get("value")
    money = _money(el, value_el, state, "transaction")
    if money is None:
        return
    value, currency, value_date = money
    date_el = firsts.get("transaction-date")
    day = date_attr(date_el, state)
    day_made_up = _made_up(date_el, "iso-date", state)
    value_date_made_up = _made_up(value_el, "value-date", state)
    if day is None and value_date is None and not (day_made_up or value_date_made_up):
        state.issues.warn(el, NO_DATE)
        return
    if day is None and not day_made_up:
        day = value_date
    elif value_date is None and day is not None and not value_date_made_up:
        value_date = day
        state.issues.warn(el, VALUE_DATE_FROM_DATE, date=day.isoformat())
    description = firsts.get("description")
    data["transactions"].append(
        {
            "ref": attr(el, "ref", state, 255),
            "type": kind,
            "date": day,
            "value": value,
            "currency": currency,
            "value_date": value_date,
            "description": texts(description, state) if description is not None else {},
            "provider_org": _transaction_org(firsts.get("provider-org"), state),
            "receiver_org": _transaction_org(firsts.get("receiver-org"), state),
        }
    )


def _document(el: Any, data: dict[str, Any], state: ReadState) -> None:
    url = attr(el, "url", state, 2000)
    title_el = _first(el, "title")
    if not url:
        if title_el is not None and texts(title_el, state):
            state.issues.warn(el, NO_URL)
        return  # an empty template link says nothing
    categories: list[str] = []
    languages: list[str] = []
    document_date = None
    for child in el:
        if child.get(INFERRED) == "*":
            continue
        if child.tag == "category":
            value = code(child, "DocumentCategory", state)
            if value and value not in categories:
                categories.append(value)
        elif child.tag == "language":
            value = (child.get("code") or "").strip().lower()[:8]
            if value and value not in languages:
                languages.append(value)
        elif child.tag == "document-date":
            document_date = date_attr(child, state)
    data["documents"].append(
        {
            "url": url,
            "format": attr(el, "format", state, 120),
            "title": texts(title_el, state) if title_el is not None else {},
            "categories": categories,
            "languages": languages,
            "document_date": document_date,
        }
    )


def _activity_website(el: Any, data: dict[str, Any], state: ReadState) -> None:
    """1.0 pilot `<activity-website>`: a document link of category A12 (activity web page)."""
    url = element_text(el)[:2000]
    if url:
        data["documents"].append(
            {
                "url": url,
                "format": "text/html",
                "title": {},
                "categories": ["A12"],
                "languages": [],
                "document_date": None,
            }
        )


def _value_attr(el: Any | None, state: ReadState) -> str:
    if el is None:
        return ""
    return attr(el, "value", state, 100) or element_text(el)[:100]


def _period(el: Any, state: ReadState) -> dict[str, Any]:
    return {
        "period_start": date_attr(_first(el, "period-start"), state),
        "period_end": date_attr(_first(el, "period-end"), state),
        "target_value": _value_attr(_first(el, "target"), state),
        "actual_value": _value_attr(_first(el, "actual"), state),
    }


def _indicator(el: Any, state: ReadState) -> dict[str, Any]:
    title, description = _first(el, "title"), _first(el, "description")
    baseline = _first(el, "baseline")
    year = None
    if baseline is not None and baseline.get("year") and not _made_up(baseline, "year", state):
        year, problem = values.read_int(baseline.get("year"))
        if problem:
            state.issues.warn(baseline, problem, value=baseline.get("year"), repaired=year)
    return {
        "measure": code(el, "IndicatorMeasure", state, "measure"),
        "ascending": boolean(el, "ascending", state),
        "title": texts(title, state) if title is not None else {},
        "description": texts(description, state) if description is not None else {},
        "baseline_year": year,
        "baseline_value": _value_attr(baseline, state),
        "periods": [_period(child, state) for child in _children(el, "period")],
    }


def _result(el: Any, data: dict[str, Any], state: ReadState) -> None:
    title, description = _first(el, "title"), _first(el, "description")
    data["results"].append(
        {
            "type": code(el, "ResultType", state, "type"),
            "aggregation_status": boolean(el, "aggregation-status", state),
            "title": texts(title, state) if title is not None else {},
            "description": texts(description, state) if description is not None else {},
            "indicators": [_indicator(child, state) for child in _children(el, "indicator")],
        }
    )


HANDLERS: dict[str, Callable[[Any, dict[str, Any], ReadState], None]] = {
    "budget": _budget,
    "budget-planned": _budget,  # 1.0 pilot
    "transaction": _transaction,
    "document-link": _document,
    "activity-website": _activity_website,
    "result": _result,
}
