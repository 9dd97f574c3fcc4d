"""The IATI organisation file (organisation standard 2.03) of the organisations that publish
here (`Organisation.is_publisher`), valid against `iati-organisations-schema.xsd`.

Each organisation gets its identifier, names, itself as reporting organisation, and its total
budget per calendar year and currency: the sum of the budgets of its public activities entered
here, counted in the year their period starts.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import IO, Any

from django.db.models import Max
from django.utils import timezone
from lxml import etree

from bali.activities.models import Budget
from bali.activities.snapshot import decimal_str
from bali.iati.exporter import IATI_VERSION, clean
from bali.iati.xmltext import XML_LANG
from bali.organisations.models import Organisation


def _narratives(parent: Any, names: dict[str, str]) -> None:
    for lang, text in sorted((names or {}).items()):
        narrative = etree.SubElement(parent, "narrative")
        narrative.set(XML_LANG, lang)
        narrative.text = clean(text)
    if not names:
        etree.SubElement(parent, "narrative")


# The activities an organisation file speaks for: its public activities entered here (what it
# imported from elsewhere, or keeps private, is not published in its name).
PUBLISHED = {"source": "local", "visibility": "public"}


def _budgets_by_year(org: Organisation) -> dict[tuple[int, str], Decimal]:
    totals: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    published = {f"activity__{name}": value for name, value in PUBLISHED.items()}
    rows = Budget.objects.filter(
        activity__reporting_org=org, period_start__isnull=False, **published
    ).values_list("period_start", "currency", "activity__default_currency", "value")
    for start, currency, default, value in rows:
        code = currency or default
        if code and start is not None:
            totals[(start.year, code)] += value
    return totals


def organisation_element(org: Organisation) -> Any:
    root = etree.Element("iati-organisation")
    published = org.reported_activities.filter(**PUBLISHED)
    last = published.aggregate(last=Max("updated_at"))["last"] or org.created_at
    root.set("last-updated-datetime", last.replace(microsecond=0).isoformat())
    etree.SubElement(root, "organisation-identifier").text = clean(org.ref)
    _narratives(etree.SubElement(root, "name"), org.names)
    reporting = etree.SubElement(root, "reporting-org", ref=org.ref, type=org.type or "")
    _narratives(reporting, org.names)
    for (year, currency), total in sorted(_budgets_by_year(org).items()):
        budget = etree.SubElement(root, "total-budget", status="1")
        etree.SubElement(budget, "period-start", {"iso-date": f"{year}-01-01"})
        etree.SubElement(budget, "period-end", {"iso-date": f"{year}-12-31"})
        value = etree.SubElement(
            budget, "value", {"currency": currency, "value-date": f"{year}-01-01"}
        )
        value.text = decimal_str(total)
    return root


def write_organisations(output: IO[bytes]) -> int:
    """Write the organisation file; returns how many organisations it holds."""
    count = 0
    generated = timezone.now().replace(microsecond=0).isoformat()
    with etree.xmlfile(output, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(
            "iati-organisations", {"version": IATI_VERSION, "generated-datetime": generated}
        ):
            for org in Organisation.objects.publishers().exclude(ref="").order_by("ref"):
                xf.write(organisation_element(org))
                count += 1
    return count
