"""The real files of eleven publishers (1.0 pilot to 2.03): every file is imported, and per file
the activity count and a handful of fields are checked against the XML, read by hand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from tests.iati.conftest import SCHEMAS

from bali.activities import snapshot
from bali.activities.models import Activity
from bali.iati.service import ImportOptions, ImportReport, import_sources
from bali.iati.sources import expand_sources

pytestmark = pytest.mark.django_db

# file (under samples/) → (IATI version, activities in the file, activities created)
COUNTS = {
    "IATI__IATI-Schemas/test-data__activities__worldbank.xml": ("1.0", 16, 16),
    "IATI__iati.cloud/OIPA__iati_prot__MAEC_IATI_INDONESIA.xml": ("2.01", 83, 83),
    "IATI__iati.cloud/OIPA__static__xml__example_203_file.xml": ("2.03", 13, 13),
    "OCHA-DAP__hdx-scraper-iati-viz/saved_data__dportal_111.xml": ("2.03", 100, 100),
    "OCHA-DAP__hdx-scraper-iati-viz/saved_data__dportal_88.xml": ("2.03", 100, 100),
    "UKGovernmentBEIS__beis-report-official-development-assistance/"
    "vendor__data__iati_activity_data__ba__gcrf__real_and_complete_legacy_file.xml": ("2.03", 5, 5),
    "devinit__iati-editor/test_data__DIPR_IATI_data_February_2018.xml": ("2.02", 55, 55),
    "openaid-IATI__OIPA-V2/iati__media__utils__activity_files__fmfa__kosovo.xml": ("1.00", 26, 26),
    "openaid-IATI__OIPA-V2/iati__media__utils__activity_files__oxfam_gb__bangladesh.xml": (
        "1.00",
        24,
        24,
    ),
    "pwyf__iati-activity-merger/tests__fixtures__dfid__dfid-ba.xml": ("2.03", 52, 52),
    "younginnovations__aidstream-old/tests__xml__UNDP__BFA_iati.xml": ("1.0", 106, 106),
}


@pytest.fixture(scope="module")
def imported(
    samples: Path, django_db_setup: None, django_db_blocker: Any
) -> Iterator[ImportReport]:
    """Imported once for the module, in a transaction rolled back at the end (each test runs
    in a savepoint inside it), so nothing leaks to other modules, search index included."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield import_sources(expand_sources([str(samples)]), ImportOptions())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _data(identifier: str) -> dict[str, Any]:
    queryset = Activity.objects.filter(iati_identifier=identifier)
    return snapshot.snapshot(snapshot.with_prefetch(queryset).get())


def test_every_sample_file_is_read_with_its_count(imported: ImportReport, samples: Path) -> None:
    assert imported.failed_files == 0
    reports = {str(Path(r.source).relative_to(samples)): r for r in imported.files}
    assert set(reports) == set(COUNTS)
    for name, (version, activities, created) in COUNTS.items():
        report = reports[name]
        assert (report.version, report.counts.activities, report.counts.created) == (
            version,
            activities,
            created,
        ), name
    assert Activity.objects.filter(source="imported").count() == 580
    assert imported.totals.errors == 0


def test_world_bank_pilot_file(imported: ImportReport) -> None:
    data = _data("World-Bank-P084404")
    assert data["title"] == {
        "en": "Southern African Power Market Program:  Mozambique-Malawi Transmission "
        "Interconnection Project"
    }
    assert data["default_currency"] == "USD"
    assert data["countries"] == []  # <recipient-country code="">Africa</recipient-country>
    assert [(p["names"], p["role"]) for p in data["participating_orgs"]] == [
        ({"en": "World Bank"}, "1"),  # role "donor"
        ({"en": "MULTIPLE GOVERNMENTS"}, ""),  # role "beneficiary": no IATI role
        ({"en": "MULTIPLE AGENCIES"}, "4"),
    ]
    assert data["transactions"][0]["type"] == "2"  # "commitment"
    assert data["transactions"][0]["value"] == "48000000"
    assert data["documents"][0]["url"].endswith("Projectid=P084404")
    assert data["documents"][0]["categories"] == ["A12"]


def test_spanish_ministry_2_01(imported: ImportReport) -> None:
    data = _data("ES-DIR3-E04585801-009-001301")
    assert data["title"] == {"es": "Personas cooperantes voluntarias en organismos internacionales"}
    assert data["reporting_org"]["ref"] == "ES-DIR3-E04585801"
    assert (data["status"], data["planned_start"], data["planned_end"]) == (
        "3",
        "2011-11-01",
        "2012-11-01",
    )
    assert data["countries"] == [{"code": "ID", "percentage": "100"}]
    assert data["regions"][0]["code"] == "789"
    assert (data["default_aid_type"], data["default_tied_status"]) == ("D01", "4")
    assert data["budgets"][0]["value"] == "9270" and data["budgets"][0]["currency"] == "EUR"
    assert len(data["policy_markers"]) == 8 and data["gender_marker"] == 0
    assert data["participating_orgs"][1]["names"] == {"es": "CCAA CAV - País Vasco"}


def test_dutch_ministry_2_03_with_dutch_default_language(imported: ImportReport) -> None:
    data = _data("NL-1-PPR-24706")
    assert data["default_lang"] == "nl"
    assert data["title"] == {"nl": "ICTJ 2013-2014"}
    assert data["reporting_org"]["names"] == {"en": "Ministry of Foreign Affairs (DGIS)"}
    assert (data["actual_start"], data["actual_end"]) == ("2014-01-01", "2016-07-25")
    assert data["regions"][0]["code"] == "998"
    assert data["sectors"][0]["code"] == "15220"
    assert data["gender_marker"] == 1
    assert data["default_aid_type"] == ""  # only a vocabulary-2 aid type is given
    assert data["budgets"][0]["value"] == "2000000"


def test_undp_through_d_portal_upper_case_languages(imported: ImportReport) -> None:
    data = _data("XM-DAC-41114-PROJECT-00126855")
    assert data["title"]["en"] == "WEST AFRICA COMPETITIVENESS SUPPORT - CABO VERDE"
    assert data["countries"] == [{"code": "CV", "percentage": "100"}]
    assert [(s["vocabulary"], s["code"], s["percentage"]) for s in data["sectors"]] == [
        ("8", "1.4", "100"),
        ("1", "16050", "50"),
        ("1", "51010", "50"),
    ]


def test_european_commission_through_d_portal(imported: ImportReport) -> None:
    data = _data("XI-IATI-EC_INTPA-2020/417-693")
    assert data["title"]["en"].startswith("Fourniture et livraison d'équipement d'hygiène")
    assert (data["default_currency"], data["hierarchy"], data["actual_start"]) == (
        "EUR",
        2,
        "2020-08-31",
    )
    assert data["reporting_org"]["type"] == "15"


def test_beis_without_xml_declaration(imported: ImportReport) -> None:
    data = _data("GB-GOV-13-BA-GCRF")
    assert data["title"] == {"en": "British Academy - Global Challenge Research Fund"}
    assert (data["planned_start"], data["planned_end"]) == ("2015-04-01", "2021-03-31")
    activity = Activity.objects.get(iati_identifier="GB-GOV-13-BA-GCRF")
    assert activity.source_timestamp.isoformat() == "2019-09-15T22:14:11.930000+00:00"


def test_development_initiatives_2_02(imported: ImportReport) -> None:
    data = _data("GB-COH-06368740-P0007")
    assert data["title"] == {"en": "PPA master project"}
    assert data["countries"] == [
        {"code": "GB", "percentage": "50"},
        {"code": "KE", "percentage": "25"},
        {"code": "UG", "percentage": "25"},
    ]
    assert [b["value"] for b in data["budgets"]] == ["35209.77", "31800", "25900", "25900"]
    assert [t["value"] for t in data["transactions"]] == ["4.3", "768.36", "60"]
    assert {t["code"] for t in data["themes"]} == {"CC07"}  # 43082 research institutions
    assert data["documents"] == [] and data["related_activities"] == []  # empty templates


def test_finnish_ministry_1_00(imported: ImportReport) -> None:
    data = _data("FI-3-2002-3067-86205301")
    assert data["description"] == {"en": "Faculty of education establishment."}
    assert [(p["ref"], p["role"]) for p in data["participating_orgs"]] == [
        ("FI", "1"),
        ("FI-3", "3"),
        ("50000", "4"),
    ]
    assert data["regions"][0]["code"] == "57"
    assert data["sectors"][0]["names"] == {"en": "Higher education"}
    assert data["policy_markers"] == [
        {"code": "3", "vocabulary": "1", "vocabulary_uri": "", "significance": "2"}
    ]
    assert [(t["type"], t["value"]) for t in data["transactions"]] == [
        ("2", "238598"),
        ("3", "180470"),
        ("2", "357616"),
        ("3", "362123"),
    ]


def test_oxfam_1_00_own_sector_vocabulary(imported: ImportReport) -> None:
    data = _data("GB-CHC-202918-BGDA87")
    assert data["title"] == {
        "en": "Community Mobilisation to End Violence Against Women in Bangladesh-01"
    }
    assert data["hierarchy"] == 2
    # <sector vocabulary="oxfamgb" code="Aim5">: Oxfam's own vocabulary, kept as published
    assert data["sectors"][0]["code"] == "Aim5" and data["sectors"][0]["vocabulary"] == "oxfamgb"
    assert ("2", "683587") in [(t["type"], t["value"]) for t in data["transactions"]]


def test_dfid_2_03_single_line_file(imported: ImportReport) -> None:
    data = _data("GB-1-110456")
    assert data["title"] == {"en": "Corporate Restructuring"}
    assert data["countries"] == [{"code": "BA", "percentage": "100"}]
    assert data["sectors"][0]["code"] == "15110"
    assert data["gender_marker"] == 1 and data["status"] == "4"
    assert data["reporting_org"]["ref"] == "GB-GOV-1"


def test_undp_burkina_faso_pilot_file(imported: ImportReport) -> None:
    data = _data("UNDP-00063252")
    assert data["title"] == {"en": "Renfocement Capa planification"}
    assert data["description"]["en"].startswith("Long Description: L'output 63252")
    assert data["countries"] == [{"code": "BF", "percentage": None}]
    assert (data["planned_start"], data["planned_end"]) == ("2008-01-01", "2009-12-31")
    assert (data["status"], data["default_flow_type"], data["default_tied_status"]) == (
        "2",
        "10",
        "3",
    )
    assert data["budgets"] == []  # <budget-planned> without a value
    assert data["transactions"][0]["value"] == "518177"
    assert data["transactions"][0]["provider_org"]["names"] == {
        "en": "UNITED NATIONS DEVELOPMENT PRO"
    }


def test_schema_validity_is_not_a_condition_of_import(
    imported: ImportReport, samples: Path
) -> None:
    """The two 1.0 pilot files are not valid against the oldest 1.x schema there is (1.05:
    `finance-type`, `flow-type` where the schema has none); they are imported all the same."""
    from lxml import etree

    schema_path = SCHEMAS / "other-versions" / "1.05" / "iati-activities-schema.xsd"
    schema = etree.XMLSchema(etree.parse(str(schema_path)))
    reports = {str(Path(r.source).relative_to(samples)): r for r in imported.files}
    for name in (
        "IATI__IATI-Schemas/test-data__activities__worldbank.xml",
        "younginnovations__aidstream-old/tests__xml__UNDP__BFA_iati.xml",
    ):
        assert not schema.validate(etree.parse(str(samples / name))), name
        assert not reports[name].failed
        assert reports[name].counts.created == COUNTS[name][2]
