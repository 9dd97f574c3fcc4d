"""Demonstration activities: a few hundred plausible records over every region and theme."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bali.activities.actions import do_create_activity
from bali.activities.demo_content import COUNTRY_LANGUAGE, DEMO_COUNTRIES, PATTERNS, Pattern
from bali.activities.models import Activity
from bali.reference.lookups import country_name

DEMO_COUNT = 320
AS_OF = date(2026, 6, 30)  # fixed, so the demo's statuses do not depend on today's date
FUNDERS = (
    {"ref": "XM-BALI-DEMO-GEF", "names": {"en": "Global Environment Facility"}, "type": "40"},
    {"ref": "XM-DAC-41116", "names": {"en": "United Nations Environment Programme"}, "type": "40"},
    {
        "ref": "XM-DAC-7",
        "names": {"en": "Ministry of Foreign Affairs of the Netherlands"},
        "type": "10",
    },
    {"ref": "XM-DAC-3-1", "names": {"en": "Danish International Development Agency"}, "type": "10"},
    {"ref": "XM-DAC-8", "names": {"en": "Ministry of Foreign Affairs of Norway"}, "type": "10"},
)
PUBLISHERS = (
    {
        "ref": "XM-DAC-41116",
        "names": {
            "en": "United Nations Environment Programme",
            "fr": "Programme des Nations Unies pour l'environnement",
            "es": "Programa de las Naciones Unidas para el Medio Ambiente",
        },
        "type": "40",
    },
    {"ref": "XM-DAC-41114", "names": {"en": "United Nations Development Programme"}, "type": "40"},
    {"ref": "XM-BALI-DEMO-AIT", "names": {"en": "Asian Institute of Technology"}, "type": "80"},
)


def _dates(rng: random.Random) -> dict[str, Any]:
    start = date(rng.randint(2005, 2027), rng.choice((1, 3, 4, 7, 9, 10)), 1)
    months = rng.choice((6, 12, 18, 24, 36, 48))
    end = start + timedelta(days=months * 30)
    data: dict[str, Any] = {"planned_start": start.isoformat(), "planned_end": end.isoformat()}
    if start <= AS_OF:
        data["actual_start"] = (start + timedelta(days=rng.randint(0, 60))).isoformat()
    if end <= AS_OF:
        data["actual_end"] = (end + timedelta(days=rng.randint(0, 90))).isoformat()
        data["status"] = "4" if end.year < 2025 else "3"
    else:
        data["status"] = "2" if start <= AS_OF else "1"
    return data


def _budgets(rng: random.Random, start: date, end: date) -> list[dict[str, Any]]:
    total = Decimal(rng.randrange(40, 2400)) * 1000
    years = list(range(start.year, end.year + 1))
    share = (total / len(years)).quantize(Decimal(1))
    return [
        {
            "type": "1",
            "status": "2",
            "period_start": max(start, date(year, 1, 1)).isoformat(),
            "period_end": min(end, date(year, 12, 31)).isoformat(),
            "value": str(share),
            "currency": "USD",
            "value_date": date(year, 1, 1).isoformat(),
        }
        for year in years
    ]


def _transactions(budgets: list[dict[str, Any]], funder: dict[str, Any]) -> list[dict[str, Any]]:
    transactions = []
    for budget in budgets:
        period_start = date.fromisoformat(budget["period_start"])
        if period_start > AS_OF:
            break
        transactions.append(
            {
                "type": "2",
                "date": period_start.isoformat(),
                "value": budget["value"],
                "currency": "USD",
                "value_date": period_start.isoformat(),
                "description": {"en": "Annual commitment"},
                "provider_org": {"ref": funder["ref"], "names": funder["names"]},
            }
        )
        transactions.append(
            {
                "type": "3",
                "date": (period_start + timedelta(days=45)).isoformat(),
                "value": str((Decimal(budget["value"]) * Decimal("0.8")).quantize(Decimal(1))),
                "currency": "USD",
                "value_date": (period_start + timedelta(days=45)).isoformat(),
                "description": {"en": "Disbursement"},
            }
        )
    return transactions


def _results(rng: random.Random, pattern: Pattern, status: str) -> list[dict[str, Any]]:
    if not pattern.indicator:
        return []
    target = rng.choice((20, 30, 40, 60, 80, 120))
    actual = str(round(target * rng.uniform(0.6, 1.2))) if status in ("3", "4") else ""
    return [
        {
            "type": "1",
            "title": {"en": "Capacity built and retained"},
            "indicators": [
                {
                    "measure": "1",
                    "ascending": True,
                    "title": {"en": pattern.indicator},
                    "baseline_year": 2005,
                    "baseline_value": "0",
                    "periods": [{"target_value": str(target), "actual_value": actual}],
                }
            ],
        }
    ]


def activity_data(index: int, rng: random.Random) -> dict[str, Any]:
    """The demo activity number `index` (deterministic for a given generator state)."""
    pattern = PATTERNS[index % len(PATTERNS)]
    country = rng.choice(DEMO_COUNTRIES)
    publisher = PUBLISHERS[0] if index % 5 else PUBLISHERS[1 if index % 2 else 2]
    funder = rng.choice(FUNDERS)
    language = COUNTRY_LANGUAGE.get(country)
    title = {"en": f"{pattern.titles['en']} — {country_name(country, 'en')}"}
    if language:
        title[language] = f"{pattern.titles[language]} — {country_name(country, language)}"
    dates = _dates(rng)
    budgets = _budgets(
        rng, date.fromisoformat(dates["planned_start"]), date.fromisoformat(dates["planned_end"])
    )
    gender = next((int(s) for code, s in pattern.markers if code == "1"), rng.choice((0, 1, 1, 2)))
    return {
        "iati_identifier": f"{publisher['ref']}-BSP-{index + 1:04d}",
        "reporting_org": publisher,
        "division": pattern.division if publisher is PUBLISHERS[0] else None,
        "title": title,
        "description": {
            "en": f"{pattern.summary} Requested by the Government of {country_name(country, 'en')}."
        },
        "default_lang": "en",
        "activity_type": pattern.activity_type,
        "gender_marker": gender,
        "default_currency": "USD",
        "countries": [{"code": country, "percentage": "100"}],
        "sectors": [
            {
                "code": code,
                "vocabulary": "1",
                "percentage": str(100 // len(pattern.sectors))
                if 100 % len(pattern.sectors) == 0
                else None,
            }
            for code in pattern.sectors
        ],
        "themes": list(pattern.themes),
        "meas": list(pattern.meas),
        "policy_markers": [
            {"code": c, "vocabulary": "1", "significance": s} for c, s in pattern.markers
        ],
        "participating_orgs": [
            {**funder, "role": "1"},
            {
                "ref": publisher["ref"],
                "names": publisher["names"],
                "type": publisher["type"],
                "role": "4",
            },
            {
                "names": {"en": f"Ministry of Environment, {country_name(country, 'en')}"},
                "type": "10",
                "role": "2",
            },
        ],
        "budgets": budgets,
        "transactions": _transactions(budgets, funder),
        "results": _results(rng, pattern, dates["status"]),
        "documents": [
            {
                "url": f"https://example.org/bsp/{index + 1:04d}/summary.pdf",
                "format": "application/pdf",
                "title": {"en": "Project summary"},
                "categories": ["A02"],
                "languages": ["en"],
            }
        ]
        if index % 3 == 0
        else [],
        "visibility": "private" if index % 50 == 49 else "public",
        **dates,
    }


def build(rng: random.Random, log: Callable[[str], None]) -> int:
    from bali.accounts.models import User

    actor = User.objects.filter(role="hq_coordinator").order_by("pk").first()
    existing = set(Activity.objects.values_list("iati_identifier", flat=True))
    created = 0
    for index in range(DEMO_COUNT):
        data = activity_data(index, rng)  # always drawn, so skipping keeps the sequence
        if data["iati_identifier"] in existing:
            continue
        do_create_activity(actor, data, label="demo")
        created += 1
        if created % 100 == 0:
            log(f"  {created} demo activities…")
    return created
