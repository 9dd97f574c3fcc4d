"""A small, varied set of activities built through `do_create_activity`, and the `corpus` and
`many` fixtures that build it: shared by the portal, API and export tests (a plugin named in
the root conftest's `pytest_plugins`; the search tests keep their own multilingual corpus)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bali.accounts.models import User
from bali.activities.actions import do_create_activity
from bali.activities.models import Activity

UNEP = {"ref": "XM-DAC-41116", "names": {"en": "UNEP", "fr": "PNUE"}, "type": "40"}
UNDP = {"ref": "XM-DAC-41114", "names": {"en": "UNDP"}, "type": "40"}


def _activity(identifier: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "iati_identifier": identifier,
        "reporting_org": UNEP,
        "status": "2",
        "activity_type": "training",
        "default_currency": "USD",
        "planned_start": "2023-01-01",
        "planned_end": "2025-12-31",
    }
    data.update(fields)
    return data


CORPUS: tuple[dict[str, Any], ...] = (
    _activity(
        "XM-DAC-41116-CLIMATE-KE",
        title={"en": "Climate adaptation training in Kenya", "fr": "Formation à l'adaptation"},
        description={"en": "Officers learn to plan for climate change adaptation."},
        countries=[{"code": "KE", "percentage": "60"}, {"code": "TZ", "percentage": "40"}],
        sectors=[
            {"code": "41010", "vocabulary": "1", "percentage": "70"},
            {"code": "41081", "vocabulary": "1", "percentage": "30"},
        ],
        themes=["TH02", "CC11"],
        meas=["UNFCCC"],
        gender_marker=1,
        budgets=[
            {
                "period_start": "2023-01-01",
                "period_end": "2023-12-31",
                "value": "1000",
                "currency": "USD",
            },
            {
                "period_start": "2024-01-01",
                "period_end": "2024-12-31",
                "value": "500",
                "currency": "EUR",
            },
        ],
        transactions=[
            {"type": "2", "date": "2023-01-10", "value": "1500", "currency": "USD"},
            {"type": "3", "date": "2023-03-01", "value": "700", "currency": "USD"},
        ],
        results=[
            {
                "type": "1",
                "title": {"en": "Officers trained"},
                "indicators": [
                    {
                        "title": {"en": "Number of officers trained"},
                        "measure": "1",
                        "baseline_year": 2022,
                        "baseline_value": "3",
                        "periods": [
                            {
                                "period_start": "2023-01-01",
                                "period_end": "2023-12-31",
                                "target_value": "40",
                                "actual_value": "37",
                            }
                        ],
                    }
                ],
            }
        ],
        related_activities=[
            {"ref": "XM-DAC-41116-WATER/KE:2", "type": "3"},
            {"ref": "XX-ELSEWHERE-1", "type": "1"},
        ],
        participating_orgs=[{"ref": "XM-DAC-41114", "names": {"en": "UNDP"}, "role": "4"}],
    ),
    _activity(
        "XM-DAC-41116-WATER/KE:2",
        title={"en": "Freshwater monitoring network", "zh": "淡水监测网络"},
        countries=[{"code": "KE"}],
        sectors=[{"code": "14010", "vocabulary": "1"}],
        themes=["TH04", "TH02"],
        planned_start="2024-06-01",
        planned_end="2026-06-01",
        budgets=[{"value": "2000", "currency": "USD"}],
    ),
    _activity(
        "XM-DAC-41114-CLIMATE-PE",
        reporting_org=UNDP,
        title={"en": "Climate finance readiness in Peru", "es": "Preparación en Perú"},
        countries=[{"code": "PE"}],
        sectors=[{"code": "41010", "vocabulary": "1"}],
        themes=["TH02"],
        status="3",
        activity_type="technical_advice",
        planned_start="2019-01-01",
        planned_end="2020-12-31",
        budgets=[{"value": "300", "currency": "USD"}],
    ),
    _activity(
        "XM-DAC-41116-OZONE-TZ",
        title={"en": "Ozone officers network"},
        countries=[{"code": "TZ"}],
        themes=["TH07"],
        meas=["MONTREAL"],
        status="4",
        gender_marker=0,
    ),
    _activity(
        "XM-DAC-41116-GLOBAL",
        title={"en": "Global capacity-building toolkit"},
        themes=["CC11"],
        activity_type="awareness",
        planned_start=None,
        planned_end=None,
    ),
)


def build_corpus(user: User) -> dict[str, Activity]:
    """Create the corpus; returns the activities by IATI identifier."""
    return {data["iati_identifier"]: do_create_activity(user, dict(data)) for data in CORPUS}


def build_many(user: User, count: int, prefix: str = "XM-DAC-41116-MANY") -> list[Activity]:
    """`count` plain activities in Kenya about climate change (for paging and query counts)."""
    return [
        do_create_activity(
            user,
            _activity(
                f"{prefix}-{index:04d}",
                title={"en": f"Climate activity number {index}"},
                countries=[{"code": "KE"}, {"code": "UG"}],
                themes=["TH02"],
                budgets=[{"value": str(100 + index), "currency": "USD"}],
            ),
        )
        for index in range(count)
    ]


@pytest.fixture
def corpus(hq_user: User) -> dict[str, Activity]:
    return build_corpus(hq_user)


@pytest.fixture
def many(hq_user: User) -> Callable[..., list[Activity]]:
    """`many(count, prefix=...)` builds that many plain activities (see `build_many`)."""

    def build(count: int, prefix: str = "XM-DAC-41116-MANY") -> list[Activity]:
        return build_many(hq_user, count, prefix)

    return build
