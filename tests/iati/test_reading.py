"""Reading activities as publishers really write them: both versions, text codes, languages,
repairs with warnings that say file, line, identifier and reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.iati.conftest import activity_xml

from bali.activities import snapshot
from bali.activities.models import Activity
from bali.iati.service import ImportReport

pytestmark = pytest.mark.django_db
XML_LANG_ATTR = "{http://www.w3.org/XML/1998/namespace}lang"


def _data(identifier: str) -> dict:
    return snapshot.snapshot(
        snapshot.with_prefetch(Activity.objects.filter(iati_identifier=identifier)).get()
    )


@pytest.fixture
def run_import(
    write_xml: Callable[..., Path], import_paths: Callable[..., ImportReport]
) -> Callable[..., ImportReport]:
    def run(content: bytes, **options: object) -> ImportReport:
        return import_paths(write_xml(content), **options)

    return run


def _messages(report: ImportReport) -> list[str]:
    return [issue.text() for issue in report.issues]


def test_version_2_activity_is_read_completely(run_import: Callable[..., ImportReport]) -> None:
    body = """
    <iati-activity last-updated-datetime="2024-03-01T10:00:00Z" xml:lang="en"
        default-currency="EUR" hierarchy="2">
      <iati-identifier>XM-DAC-7-PPR-1</iati-identifier>
      <reporting-org ref="XM-DAC-7" type="10"><narrative>Netherlands MFA</narrative></reporting-org>
      <title><narrative>Water for all</narrative>
        <narrative xml:lang="fr">L'eau pour tous</narrative></title>
      <description type="1"><narrative>General text</narrative></description>
      <description type="2"><narrative>Objectives text</narrative></description>
      <participating-org ref="XM-DAC-7" role="1" type="10" activity-id="XM-DAC-7-X">
        <narrative>MFA</narrative></participating-org>
      <participating-org role="4" type="21"><narrative>An NGO</narrative></participating-org>
      <activity-status code="2"/>
      <activity-date type="1" iso-date="2023-01-01"/><activity-date type="2" iso-date="2023-02-01"/>
      <activity-date type="3" iso-date="2025-12-31"/>
      <activity-scope code="4"/>
      <recipient-country code="ke" percentage="60"/><recipient-country code="TZ" percentage="40"/>
      <recipient-region code="289" vocabulary="1" percentage="100"/>
      <sector vocabulary="1" code="14015" percentage="70"><narrative>Water resources</narrative>
        </sector>
      <sector vocabulary="2" code="410" percentage="30"/>
      <sector vocabulary="7" code="6"/>
      <policy-marker vocabulary="1" code="1" significance="2"/>
      <policy-marker vocabulary="1" code="6" significance="1"/>
      <collaboration-type code="1"/><default-flow-type code="10"/><default-finance-type code="110"/>
      <default-aid-type code="C01" vocabulary="1"/><default-tied-status code="5"/>
      <budget type="1" status="2"><period-start iso-date="2023-01-01"/>
        <period-end iso-date="2023-12-31"/>
        <value currency="EUR" value-date="2023-01-01">100000.50</value></budget>
      <transaction ref="T1"><transaction-type code="2"/><transaction-date iso-date="2023-01-15"/>
        <value value-date="2023-01-15">80000</value><description><narrative>Commitment</narrative>
          </description>
        <provider-org ref="XM-DAC-7"><narrative>MFA</narrative></provider-org>
        <receiver-org><narrative>An NGO</narrative></receiver-org></transaction>
      <document-link url="https://example.org/doc.pdf" format="application/pdf">
        <title><narrative>Plan</narrative></title><category code="A02"/><language code="en"/>
        <document-date iso-date="2023-01-10"/></document-link>
      <related-activity ref="XM-DAC-7-PARENT" type="1"/>
      <result type="1" aggregation-status="1"><title><narrative>Wells built</narrative></title>
        <indicator measure="1" ascending="1"><title><narrative>Wells</narrative></title>
          <baseline year="2022" value="0"/>
          <period><period-start iso-date="2023-01-01"/><period-end iso-date="2023-12-31"/>
            <target value="10"/><actual value="8"/></period></indicator></result>
    </iati-activity>"""
    report = run_import(activity_xml(body))
    assert report.totals.created == 1 and report.totals.warnings == 0
    data = _data("XM-DAC-7-PPR-1")
    assert data["title"] == {"en": "Water for all", "fr": "L'eau pour tous"}
    assert data["other_descriptions"] == {"2": {"en": "Objectives text"}}
    assert (data["default_lang"], data["default_currency"], data["hierarchy"]) == ("en", "EUR", 2)
    assert data["reporting_org"] == {
        "ref": "XM-DAC-7",
        "names": {"en": "Netherlands MFA"},
        "type": "10",
    }
    assert [(p["ref"], p["role"], p["activity_ref"]) for p in data["participating_orgs"]] == [
        ("XM-DAC-7", "1", "XM-DAC-7-X"),
        ("", "4", ""),
    ]
    assert data["countries"] == [
        {"code": "KE", "percentage": "60"},
        {"code": "TZ", "percentage": "40"},
    ]
    assert [(s["vocabulary"], s["code"]) for s in data["sectors"]] == [
        ("1", "14015"),
        ("2", "410"),
        ("7", "6"),
    ]
    assert {t["code"]: t["origin"] for t in data["themes"]} == {
        "TH04": "sector",  # 14015 water resources conservation
        "CC08": "sector",
        "CC13": "marker",  # gender equality, principal
        "TH02": "marker",  # climate change mitigation
    }
    assert data["gender_marker"] == 2
    assert data["budgets"][0]["value"] == "100000.5"
    transaction = data["transactions"][0]
    assert (transaction["type"], transaction["value"], transaction["currency"]) == (
        "2",
        "80000",
        "",
    )
    assert transaction["receiver_org"] == {"ref": "", "names": {"en": "An NGO"}}
    assert data["documents"][0]["categories"] == ["A02"]
    indicator = data["results"][0]["indicators"][0]
    assert indicator["periods"] == [
        {
            "period_start": "2023-01-01",
            "period_end": "2023-12-31",
            "target_value": "10",
            "actual_value": "8",
        }
    ]
    activity = Activity.objects.get(iati_identifier="XM-DAC-7-PPR-1")
    assert (activity.source, activity.iati_version, activity.source_publisher) == (
        "imported",
        "2.03",
        "XM-DAC-7",
    )
    assert activity.start_date == date(2023, 2, 1) and activity.total_budget == Decimal("100000.50")
    assert str(activity.source_timestamp) == "2024-03-01 10:00:00+00:00"


def test_version_1_text_codes_in_any_case(run_import: Callable[..., ImportReport]) -> None:
    body = """
    <iati-activity xml:lang="en" default-currency="usd">
      <reporting-org ref="FI-3" type="10">Ministry for Foreign Affairs</reporting-org>
      <iati-identifier>FI-3-1</iati-identifier>
      <title>Faculty of Education</title><title xml:lang="fi">Kasvatustieteiden tiedekunta</title>
      <activity-date type="start-planned" iso-date="2007-01-01"/>
      <activity-date type="END-ACTUAL">2009-12-31</activity-date>
      <participating-org role="Funding" ref="FI">Finland</participating-org>
      <participating-org role="implementing">NGO</participating-org>
      <sector vocabulary="DAC" code="41030">Biodiversity</sector>
      <sector vocabulary="DAC-3" code="410"/>
      <policy-marker vocabulary="DAC" code="1" significance="1"/>
      <transaction><transaction-type code="C"/><value value-date="2009-01-01">238598</value>
        <transaction-date iso-date="2009-01-01"/></transaction>
      <transaction><transaction-type code="d"/><value value-date="2009-12-31">180470</value>
        <transaction-date iso-date="2009-12-31"/></transaction>
      <transaction><transaction-type code="IF"/><value value-date="2009-02-01">1</value>
        </transaction>
    </iati-activity>"""
    report = run_import(activity_xml(body, root='version="1.03"'))
    data = _data("FI-3-1")
    assert data["title"] == {"en": "Faculty of Education", "fi": "Kasvatustieteiden tiedekunta"}
    assert (data["planned_start"], data["actual_end"]) == ("2007-01-01", "2009-12-31")
    assert [p["role"] for p in data["participating_orgs"]] == ["1", "4"]
    assert [(s["vocabulary"], s["code"]) for s in data["sectors"]] == [("1", "41030"), ("2", "410")]
    assert [t["type"] for t in data["transactions"]] == ["2", "1", "3"]  # by date
    assert data["sectors"][0]["names"] == {"en": "Biodiversity"}
    assert data["default_currency"] == "USD"  # repaired, with a warning
    assert data["gender_marker"] == 1
    texts = _messages(report)
    assert any("usd" in text and "USD" in text for text in texts)
    assert Activity.objects.get(iati_identifier="FI-3-1").iati_version == "1.03"


def test_bad_values_are_repaired_or_skipped_with_file_line_identifier_and_reason(
    run_import: Callable[..., ImportReport],
) -> None:
    body = """<iati-activity xml:lang="en">
      <iati-identifier>XM-BAD-1</iati-identifier>
      <title><narrative>Bad data</narrative></title>
      <activity-date type="1" iso-date="2006-10-1"/>
      <activity-status code="9"/>
      <recipient-country code="ZZ"/>
      <budget><period-start iso-date="2007-01-01"/><period-end iso-date="2007-12-31"/>
        <value value-date="2007-01-01">46678,00</value></budget>
      <budget><period-start iso-date="2008-01-01"/><period-end iso-date="2008-12-31"/>
        <value value-date="2008-01-01">n/a</value></budget>
      <transaction><transaction-type code="Q"/><transaction-date iso-date="2007-02-01"/>
        <value value-date="2007-02-01">5</value></transaction>
    </iati-activity>"""
    report = run_import(activity_xml(body))
    data = _data("XM-BAD-1")
    assert data["planned_start"] == "2006-10-01"
    assert data["status"] == ""
    assert data["countries"] == []
    assert [b["value"] for b in data["budgets"]] == ["46678"]
    assert data["transactions"] == []
    by_line = {issue.line: issue for issue in report.issues}
    texts: dict[int | None, str] = {}
    for issue in report.issues:
        texts[issue.line] = texts.get(issue.line, "") + " | " + issue.text()
    assert all(issue.identifier == "XM-BAD-1" for issue in report.issues)
    assert all(issue.file.endswith(".xml") for issue in report.issues)
    assert "2006-10-1" in texts[6] and "2006-10-01" in texts[6]
    assert "9" in texts[7] and "ActivityStatus" in texts[7]
    assert "ZZ" in texts[8]
    assert "46678,00" in texts[10] and "46678.00" in texts[10]
    assert any("n/a" in text for text in texts.values())
    assert "budget without a value" in texts[11]
    assert "Q" in texts[13] and "transaction without a transaction type" in texts[13]
    assert by_line[6].level == "warning"
    assert report.totals.created == 1 and report.totals.errors == 0


def test_activity_without_identifier_is_skipped_with_an_error(
    run_import: Callable[..., ImportReport],
) -> None:
    body = (
        "<iati-activity><title><narrative>No id</narrative></title></iati-activity>"
        "<iati-activity><iati-identifier>XM-OK-1</iati-identifier></iati-activity>"
    )
    report = run_import(activity_xml(body))
    assert (report.totals.created, report.totals.skipped, report.totals.errors) == (1, 1, 1)
    error = next(issue for issue in report.issues if issue.level == "error")
    assert error.line == 3 and "iati-identifier" in error.text()


def test_pilot_activity_gets_an_identifier_from_its_other_identifier(
    run_import: Callable[..., ImportReport],
) -> None:
    body = """<iati-activity xml:lang="en">
      <reporting-org>World Bank</reporting-org>
      <other-identifier owner-name="World Bank">P084404</other-identifier>
      <title>Power market</title>
      <participating-org role="donor" type="multilateral">World Bank</participating-org>
      <sector vocabulary="WB" ref="LD" percentage="100">Power</sector>
      <transaction type="commitment"><value value-date="2007-07-17">48000000</value></transaction>
    </iati-activity>"""
    report = run_import(activity_xml(body, root='version="1.0"'))
    data = _data("World-Bank-P084404")
    assert data["participating_orgs"][0]["role"] == "1"
    assert data["participating_orgs"][0]["type"] == "40"
    assert data["sectors"] == [
        {
            "code": "LD",
            "vocabulary": "WB",  # a 1.x publisher's own vocabulary: kept as published
            "vocabulary_uri": "",
            "percentage": "100",
            "names": {"en": "Power"},
        }
    ]
    assert data["transactions"][0]["date"] == "2007-07-17"
    assert any("P084404" in issue.text() for issue in report.issues)
    assert any(
        "vocabulary WB is not an IATI SectorVocabulary code; kept as published" in issue.text()
        for issue in report.issues
    )


def test_duplicates_in_a_file_the_last_one_wins(run_import: Callable[..., ImportReport]) -> None:
    body = "".join(
        '<iati-activity last-updated-datetime="2020-01-01T00:00:00">'
        "<iati-identifier>XM-DUP-1</iati-identifier>"
        f"<title><narrative>Version {n}</narrative></title></iati-activity>\n"
        for n in (1, 2, 3)
    )
    report = run_import(activity_xml(body), batch_size=2)  # across batches and within one
    assert Activity.objects.get(iati_identifier="XM-DUP-1").title == {"en": "Version 3"}
    duplicates = [i for i in report.issues if "occurs again" in i.text()]
    assert [i.line for i in duplicates] == [4, 5]
    assert report.totals.activities == 3


def test_default_language_from_the_root_and_foreign_namespaces_ignored(
    run_import: Callable[..., ImportReport],
) -> None:
    body = """<iati-activity xmlns:dstore="http://d-portal.org/xmlns/dstore" dstore:index="7">
      <iati-identifier>XM-LANG-1</iati-identifier>
      <title><narrative>Projet</narrative><narrative xml:lang="EN">Project</narrative>
        <narrative xml:lang="en">More</narrative></title>
      <dstore:extra><iati-identifier>NOT-THIS</iati-identifier></dstore:extra>
      <description><narrative xml:lang="en-GB">Text</narrative></description>
    </iati-activity>"""
    report = run_import(activity_xml(body, root='version="2.02" xml:lang="fr"'))
    data = _data("XM-LANG-1")
    assert data["title"] == {"fr": "Projet", "en": "Project\n\nMore"}
    assert data["description"] == {"en": "Text"}
    assert data["default_lang"] == "fr"
    assert report.totals.warnings == 0


def test_text_without_any_language_is_english_with_a_warning(
    run_import: Callable[..., ImportReport],
) -> None:
    body = "<iati-identifier>XM-NOLANG</iati-identifier><title><narrative>Hello</narrative></title>"
    report = run_import(activity_xml(body))
    assert _data("XM-NOLANG")["title"] == {"en": "Hello"}
    assert any("read as English" in text for text in _messages(report))


XML_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    max_size=30,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(XML_TEXT, min_size=12, max_size=12))
def test_reader_never_fails_whatever_the_values(values: list[str]) -> None:
    """Any text in the places publishers get wrong gives data or warnings, never an exception."""
    from lxml import etree

    from bali.iati.issues import ActivityIssues
    from bali.iati.reader import read_activity
    from bali.iati.xmltext import ReadState

    element = etree.Element("iati-activity")
    (
        date,
        value,
        currency,
        role,
        kind,
        country,
        percentage,
        vocabulary,
        significance,
        lang,
        hierarchy,
        text,
    ) = values
    element.set("hierarchy", hierarchy)
    element.set("default-currency", currency)
    etree.SubElement(element, "activity-date", {"type": kind, "iso-date": date})
    org = etree.SubElement(element, "participating-org", {"role": role, "type": kind})
    etree.SubElement(org, "narrative", {XML_LANG_ATTR: lang}).text = text
    etree.SubElement(element, "recipient-country", {"code": country, "percentage": percentage})
    etree.SubElement(element, "sector", {"vocabulary": vocabulary, "code": text})
    etree.SubElement(element, "policy-marker", {"code": kind, "significance": significance})
    transaction = etree.SubElement(element, "transaction")
    etree.SubElement(transaction, "transaction-type", {"code": kind})
    etree.SubElement(transaction, "transaction-date", {"iso-date": date})
    etree.SubElement(transaction, "value", {"currency": currency, "value-date": date}).text = value
    budget = etree.SubElement(element, "budget", {"type": kind})
    etree.SubElement(budget, "period-start", {"iso-date": date})
    etree.SubElement(budget, "period-end", {"iso-date": date})
    etree.SubElement(budget, "value").text = value
    issues = ActivityIssues("f.xml")
    data = read_activity(element, ReadState("", issues))
    assert isinstance(data["title"], dict)
    assert all(isinstance(issue.text(), str) for issue in issues.issues)
