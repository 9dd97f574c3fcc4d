"""The shipped reference data: counts, names in six languages, classifications, mapping."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command

from bali.reference import lookups
from bali.reference.models import MEA, CodelistItem, Country, Division, Region, SectorTheme, Theme

pytestmark = pytest.mark.django_db
SIX = {"ar", "zh", "en", "fr", "ru", "es"}


def test_six_unep_regions_with_offices() -> None:
    regions = {r.code: r for r in Region.objects.all()}
    assert set(regions) == {"AFR", "ASP", "EUR", "LAC", "NAM", "WAS"}
    assert regions["AFR"].office_city == "Nairobi"
    for region in regions.values():
        assert set(region.names) == SIX
        assert set(region.office_names) == SIX


def test_countries_per_unep_region() -> None:
    counts = Counter(
        Country.objects.filter(un_member_or_observer=True).values_list("unep_region_id", flat=True)
    )
    # UN member and observer states per UNEP region.
    assert counts == {"AFR": 53, "ASP": 41, "EUR": 55, "LAC": 33, "WAS": 12, "NAM": 2}
    assert Country.objects.count() == 249


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("KE", "AFR"),
        ("EG", "AFR"),
        ("JO", "WAS"),
        ("PS", "WAS"),
        ("KZ", "EUR"),
        ("TR", "EUR"),
        ("IR", "ASP"),
        ("FJ", "ASP"),
        ("PE", "LAC"),
        ("US", "NAM"),
        ("CA", "NAM"),
        ("DE", "EUR"),
    ],
)
def test_unep_region_of_country(code: str, region: str) -> None:
    assert Country.objects.get(code=code).unep_region_id == region


def test_seventeen_economies_in_transition() -> None:
    transition = set(
        Country.objects.filter(development_status="transition").values_list("code", flat=True)
    )
    assert transition == {
        "AL",
        "BA",
        "ME",
        "MK",
        "RS",
        "AM",
        "AZ",
        "BY",
        "GE",
        "KZ",
        "KG",
        "MD",
        "RU",
        "TJ",
        "TM",
        "UA",
        "UZ",
    }


def test_development_status_and_flags() -> None:
    assert Country.objects.get(code="JP").development_status == "developed"
    assert Country.objects.get(code="BR").development_status == "developing"
    kenya = Country.objects.get(code="KE")
    assert kenya.eligible_for_support and kenya.m49 == "404"
    assert Country.objects.get(code="FJ").sids
    assert Country.objects.get(code="NP").ldc and Country.objects.get(code="NP").lldc
    assert not Country.objects.get(code="FR").eligible_for_support


def test_country_names_in_six_languages() -> None:
    china = Country.objects.get(code="CN")
    assert set(china.names) == SIX
    assert china.names["zh"] == "中国"
    assert lookups.country_name("KE", "fr") == "Kenya"
    assert lookups.country_name("EG", "ar") == "مصر"


def test_all_32_taxonomy_items_in_six_languages() -> None:
    themes = list(Theme.objects.all())
    assert len(themes) == 32
    assert sum(t.kind == "cross_cutting" for t in themes) == 13
    assert sum(t.kind == "thematic" for t in themes) == 19
    for theme in themes:
        assert set(theme.names) == SIX, theme.code
        assert all(theme.names[lang].strip() for lang in SIX)
    assert Theme.objects.get(code="TH02").names["zh"] == "气候变化问题"


def test_divisions_and_meas() -> None:
    assert set(Division.objects.values_list("code", flat=True)) == {
        "DEWA",
        "DEPI",
        "DTIE",
        "DELC",
        "DRC",
        "DCPI",
        "GEF",
    }
    required = {
        "CBD",
        "UNFCCC",
        "UNCCD",
        "RAMSAR",
        "CITES",
        "CMS",
        "BASEL",
        "ROTTERDAM",
        "STOCKHOLM",
        "MINAMATA",
        "MONTREAL",
        "CARTAGENA",
    }
    assert required <= set(MEA.objects.values_list("code", flat=True))
    assert MEA.objects.get(code="BASEL").secretariat.startswith("Secretariat of the Basel")


@pytest.mark.parametrize(
    ("sector", "theme"),
    [
        ("41030", "TH01"),
        ("23210", "TH12"),
        ("14050", "TH08"),
        ("31220", "TH16"),
        ("41081", "CC11"),
        ("43060", "TH14"),
        ("14032", "TH18"),
    ],
)
def test_dac_mapping(sector: str, theme: str) -> None:
    assert theme in lookups.themes_for_sectors([sector])


def test_every_mapped_sector_is_a_dac_code() -> None:
    dac = set(CodelistItem.objects.filter(codelist="Sector").values_list("code", flat=True))
    mapped = set(SectorTheme.objects.values_list("sector_code", flat=True))
    assert mapped <= dac


def test_unmapped_code_implies_nothing() -> None:
    assert lookups.themes_for_sectors(["11110", "nonsense"]) == set()


def test_policy_markers_map_to_themes() -> None:
    assert lookups.themes_for_markers([("6", "1")]) == {"TH02"}
    assert lookups.themes_for_markers([("6", "0")]) == set()
    assert lookups.themes_for_markers([("1", "2")]) == {"CC13"}


def test_codelists_loaded() -> None:
    assert lookups.code_name("ActivityStatus", "2", "en") == "Implementation"
    assert lookups.code_name("Sector", "41030", "fr") == "Diversité biologique"
    assert "USD" in lookups.codelist_codes("Currency")
    assert CodelistItem.objects.filter(codelist="TransactionType").count() >= 12


def test_load_reference_is_idempotent() -> None:
    before = {
        model.__name__: model.objects.count()
        for model in (Country, Region, Theme, Division, MEA, CodelistItem, SectorTheme)
    }
    call_command("load_reference", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = {
        model.__name__: model.objects.count()
        for model in (Country, Region, Theme, Division, MEA, CodelistItem, SectorTheme)
    }
    assert before == after


def test_reload_keeps_division_edits() -> None:
    Division.objects.filter(code="DRC").update(active=False, names={"en": "Renamed"})
    call_command("load_reference", stdout=open("/dev/null", "w"))  # noqa: SIM115
    division = Division.objects.get(code="DRC")
    assert division.active is False and division.names == {"en": "Renamed"}


@pytest.mark.parametrize(
    ("codelist", "code", "lang", "name"),
    [
        ("ActivityStatus", "2", "ar", "التنفيذ"),
        ("ActivityStatus", "4", "zh", "已结束"),
        ("ActivityStatus", "2", "fr", "Actif"),
        ("OrganisationRole", "1", "es", "Financiadora"),
        ("TransactionType", "3", "ru", "Выплата"),
        ("PolicySignificance", "2", "fr", "objectif principal"),
    ],
)
def test_common_codelist_names_in_six_languages(
    codelist: str, code: str, lang: str, name: str
) -> None:
    from bali.reference import lookups

    assert lookups.code_name(codelist, code, lang) == name


def test_project_translations_cover_every_code_of_their_lists() -> None:
    import json

    from bali.reference.codelists import read_codelist
    from bali.reference.loading import DATA_DIR

    extra = json.loads((DATA_DIR / "codelist_names.json").read_text(encoding="utf-8"))
    for codelist, names in extra.items():
        if codelist.startswith("_"):
            continue
        for item in read_codelist(codelist):
            merged = {**names.get(item.code, {}), **item.names}
            assert {"ar", "zh", "en", "fr", "ru", "es"} <= set(merged), (codelist, item.code)
