"""Export: the same filters as the search, streamed, valid IATI 2.03; local activities only
unless asked; private records never; the organisation file for publishing organisations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from lxml import etree

from bali.activities.actions import do_create_activity
from bali.activities.models import Activity
from bali.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(hq_user: Any, activity_data: Callable[..., dict]) -> list[Activity]:
    return [
        do_create_activity(hq_user, activity_data()),
        do_create_activity(
            hq_user,
            activity_data(
                iati_identifier="XM-DAC-41116-TEST-0002",
                countries=[{"code": "TZ"}],
                visibility="private",
            ),
        ),
        do_create_activity(
            hq_user,
            activity_data(iati_identifier="XM-DAC-41116-TEST-0003", countries=[{"code": "TZ"}]),
        ),
    ]


def _identifiers(content: bytes) -> list[str]:
    return etree.fromstring(content).xpath("//iati-identifier/text()")


def test_api_export_uses_the_search_filters_and_is_valid(
    client: Client, three: list[Activity], activity_schema: etree.XMLSchema
) -> None:
    response = client.get("/api/v1/iati/activities.xml?country=TZ")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    content = b"".join(response.streaming_content)
    assert _identifiers(content) == ["XM-DAC-41116-TEST-0003"]  # the private one is not published
    assert activity_schema.validate(etree.fromstring(content))
    everything = b"".join(client.get("/api/v1/iati/activities.xml").streaming_content)
    assert sorted(_identifiers(everything)) == ["XM-DAC-41116-TEST-0001", "XM-DAC-41116-TEST-0003"]


def test_private_activities_stay_out_even_for_hq(
    client: Client, three: list[Activity], hq_user: Any, api_headers: Callable[..., dict]
) -> None:
    response = client.get("/api/v1/iati/activities.xml", headers=api_headers(hq_user))
    assert "XM-DAC-41116-TEST-0002" not in _identifiers(b"".join(response.streaming_content))


def test_bad_filters_are_a_translated_400(client: Client) -> None:
    response = client.get("/api/v1/iati/activities.xml?country=XX&year=20&lang=fr")
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"country", "year"}
    assert "XX" in body["detail"] and "Valeur" in body["detail"]


def test_a_language_that_is_not_a_un_language_is_a_400(client: Client) -> None:
    response = client.get("/api/v1/iati/activities.xml?lang=xx")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"lang"}


def test_imported_activities_only_on_request(
    client: Client,
    three: list[Activity],
    write_xml: Callable[..., Any],
    import_paths: Callable[..., Any],
) -> None:
    from tests.iati.conftest import activity_xml

    import_paths(
        write_xml(
            activity_xml(
                '<iati-identifier>GB-GOV-1-X</iati-identifier><reporting-org ref="GB-GOV-1" '
                'type="10"><narrative>DFID</narrative></reporting-org>',
                attrs='xml:lang="en"',
            )
        )
    )
    default = _identifiers(b"".join(client.get("/api/v1/iati/activities.xml").streaming_content))
    assert "GB-GOV-1-X" not in default
    response = client.get("/api/v1/iati/activities.xml?include_imported=1")
    content = b"".join(response.streaming_content)
    assert "GB-GOV-1-X" in _identifiers(content)
    reporting = etree.fromstring(content).xpath(
        "//iati-activity[iati-identifier='GB-GOV-1-X']/reporting-org/@ref"
    )
    assert reporting == ["GB-GOV-1"]


def test_export_queries_do_not_grow_with_the_number_of_activities(
    hq_user: Any, activity_data: Callable[..., dict], client: Client
) -> None:
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            b"".join(client.get("/api/v1/iati/activities.xml").streaming_content)
        return len(queries)

    do_create_activity(hq_user, activity_data())
    few = count_queries()
    for n in range(2, 12):
        do_create_activity(hq_user, activity_data(iati_identifier=f"XM-DAC-41116-TEST-{n:04d}"))
    assert count_queries() == few


def test_organisation_file(
    client: Client,
    three: list[Activity],
    organisation_schema: etree.XMLSchema,
) -> None:
    Organisation.objects.filter(ref="XM-DAC-41116").update(is_publisher=True)
    response = client.get("/api/v1/iati/organisations.xml")
    content = b"".join(response.streaming_content)
    document = etree.fromstring(content)
    assert organisation_schema.validate(document), organisation_schema.error_log.last_error
    assert document.xpath("//organisation-identifier/text()") == ["XM-DAC-41116"]
    # Budgets of public local activities by year: 100000 (2024) and 50000.5 (2025), twice.
    totals = {
        budget.find("period-start").get("iso-date"): budget.findtext("value")
        for budget in document.iter("total-budget")
    }
    assert totals == {"2024-01-01": "200000", "2025-01-01": "100001"}


def test_organisation_file_is_as_recent_as_its_published_activities(
    client: Client, three: list[Activity]
) -> None:
    """A private activity's later change is not a change of what the file publishes."""
    Organisation.objects.filter(ref="XM-DAC-41116").update(is_publisher=True)
    public = Activity.objects.filter(visibility="public")
    public.update(updated_at=datetime(2025, 3, 1, 12, 0, tzinfo=UTC))
    Activity.objects.filter(visibility="private").update(
        updated_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    content = b"".join(client.get("/api/v1/iati/organisations.xml").streaming_content)
    organisation = etree.fromstring(content).find("iati-organisation")
    assert organisation.get("last-updated-datetime") == "2025-03-01T12:00:00+00:00"
