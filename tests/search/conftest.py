"""A small multilingual corpus of activities, created through the activity services, and
helpers to read search results as identifier sets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bali.accounts.models import User
from bali.activities.actions import do_create_activity
from bali.activities.filters import ActivityFilters
from bali.activities.models import Activity
from bali.search.service import activity_queryset, search

GEF = {"ref": "XM-BALI-DEMO-GEF", "names": {"en": "Global Environment Facility"}, "type": "40"}
UNDP = {
    "ref": "XM-DAC-41114",
    "names": {"en": "United Nations Development Programme", "fr": "Programme des Nations Unies"},
    "type": "40",
}

# (short name, overrides of the `activity_data` fixture)
CORPUS: list[tuple[str, dict[str, Any]]] = [
    (
        "ozone-ke",
        {
            "title": {
                "en": "Training of customs officers on ozone-depleting substances",
                "fr": "Formation des agents des douanes aux substances qui appauvrissent l'ozone",
            },
            "description": {"en": "Customs officers learn to identify refrigerants."},
            "countries": [{"code": "KE", "percentage": "100"}],
        },
    ),
    (
        "climate-tz",
        {
            "title": {"en": "Climate change adaptation planning", "zh": "气候变化适应规划"},
            "description": {"en": "National adaptation plans for coastal districts."},
            "countries": [{"code": "TZ"}],
            "sectors": [{"code": "41010", "vocabulary": "1"}],
            "themes": ["TH02"],
            "meas": ["UNFCCC"],
            "status": "3",
            "activity_type": "policy_legal_support",
            "planned_start": "2019-03-01",
            "planned_end": "2021-12-31",
            "gender_marker": 2,
            "budgets": [{"value": "900000", "currency": "USD", "period_start": "2019-03-01"}],
        },
    ),
    (
        "ozone-eg",
        {
            "title": {
                "ar": "تدريب موظفي الجمارك على المواد المستنفدة لطبقة الأوزون",
                "en": "Ozone training for customs in Egypt",
            },
            "description": {"ar": "مُدَرَّسَة ـ إطار"},
            "countries": [{"code": "EG"}],
            "gender_marker": 1,
        },
    ),
    (
        "solar-in",
        {
            "title": {"en": "Renewable energy for rural clinics"},
            "description": {"en": "Solar panels and batteries for health centres."},
            "countries": [{"code": "IN"}, {"code": "NP"}],
            "sectors": [{"code": "23230", "vocabulary": "1"}],
            "themes": ["TH12"],
            "meas": [],
            "planned_start": "2026-01-01",
            "planned_end": None,
            "budgets": [],
            "activity_type": "technology_transfer",
        },
    ),
    (
        "wind-cn",
        {
            "title": {"en": "Wind and solar resource assessment", "zh": "风能和太阳能资源评估"},
            "countries": [{"code": "CN"}],
            "sectors": [{"code": "230", "vocabulary": "2"}],
            "themes": ["TH12", "CC07"],
            "meas": [],
            "activity_type": "assessment",
            "budgets": [{"value": "20000", "currency": "USD", "period_start": "2024-01-01"}],
        },
    ),
    (
        "biosafety-sn",
        {
            "title": {
                "en": "Drafting a national biosafety framework",
                "fr": "Élaboration d'un cadre national de biosécurité",
            },
            "countries": [{"code": "SN"}],
            "meas": ["CARTAGENA", "CBD"],
            "themes": ["CC02"],
            "reporting_org": UNDP,
        },
    ),
    (
        "land-kz",
        {
            "title": {
                "en": "Land degradation assessment",
                "ru": "Оценка деградации земель и уязвимости к засухе",
            },
            "countries": [{"code": "KZ"}],
            "themes": ["TH03"],
            "meas": ["UNCCD"],
            "status": "4",
            "planned_start": "2010-01-01",
            "planned_end": "2011-06-30",
        },
    ),
    (
        "gef-partner",
        {
            "title": {"en": "Mercury phase-out in artisanal gold mining"},
            "participating_orgs": [{**GEF, "role": "1"}],
            "countries": [{"code": "PE"}],
            "meas": ["MINAMATA"],
            "themes": ["TH07"],
        },
    ),
    (
        "private-climate",
        {
            "title": {"en": "Internal climate finance review"},
            "visibility": "private",
            "countries": [{"code": "KE"}],
        },
    ),
    (
        "climatic-data",
        {
            "title": {"en": "Climatic data rescue for meteorological services"},
            "countries": [{"code": "FJ"}],
            "themes": ["CC08"],
            "meas": [],
            "reporting_org": UNDP,
        },
    ),
    (
        "ident",
        {
            "title": {"en": "Wetland management plan"},
            "countries": [{"code": "BW"}],
            "meas": ["RAMSAR"],
            "planned_start": None,
            "planned_end": None,
            "budgets": [],
        },
    ),
    (
        "ozono-es",
        {
            "title": {"es": "Capacitación sobre la capa de ozono"},
            "countries": [{"code": "BO"}],
            "reporting_org": UNDP,
        },
    ),
]


def identifier(name: str) -> str:
    return f"XM-DAC-41116-SEARCH-{name.upper()}"


@pytest.fixture
def corpus(
    hq_user: User,
    activity_data: Callable[..., dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
) -> dict[str, Activity]:
    """The corpus, indexed through the `activities_changed` signal as in production."""
    created: dict[str, Activity] = {}
    with django_capture_on_commit_callbacks(execute=True):
        for name, overrides in CORPUS:
            data = activity_data(
                iati_identifier=identifier(name), **{"description": {}, **overrides}
            )
            created[name] = do_create_activity(hq_user, data)
    return created


def names_of(activities: Any, corpus: dict[str, Activity]) -> set[str]:
    by_pk = {activity.pk: name for name, activity in corpus.items()}
    return {by_pk.get(activity.pk, str(activity.pk)) for activity in activities}


@pytest.fixture
def found(corpus: dict[str, Activity]) -> Callable[..., set[str]]:
    """found(q, user=None, **filters) -> names in the engine's results, after checking that the
    SQL path (`activity_queryset`, used by exports) returns the same set."""

    def run(q: str, user: Any = None, **filters: Any) -> set[str]:
        chosen = ActivityFilters(q=q, **filters)
        page = search(chosen, user, page_size=100)
        engine = names_of(page.results, corpus)
        assert page.count == len(page.results)
        assert names_of(activity_queryset(chosen, user), corpus) == engine, q
        return engine

    return run
