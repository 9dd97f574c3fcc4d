"""Round trip: importing an exported file into an empty database gives back the same
activities, field for field (`snapshot.content`), for the demo data and the real samples; and
every export is valid against the official IATI 2.03 schema."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from tests.iati.conftest import remove_imported

from bali.activities import snapshot
from bali.activities.actions import do_create_activity
from bali.activities.demo import activity_data as demo_activity
from bali.activities.models import Activity
from bali.iati.exporter import publishable, write_activities
from bali.iati.service import ImportOptions, ImportReport, import_sources
from bali.iati.sources import Source
from bali.organisations import demo as organisations_demo

pytestmark = pytest.mark.django_db
DEMO_SUBSET = 60


def _contents() -> dict[str, dict[str, Any]]:
    queryset = snapshot.with_prefetch(Activity.objects.filter(visibility="public"))
    return {a.iati_identifier: snapshot.content(snapshot.snapshot(a)) for a in queryset}


def _export(include_imported: bool) -> bytes:
    output = io.BytesIO()
    write_activities(output, publishable(Activity.objects.all(), include_imported))
    return output.getvalue()


def _reimport_into_empty_database(xml: bytes, tmp_path: Path) -> ImportReport:
    remove_imported()
    assert not Activity.objects.exists()
    path = tmp_path / "export.xml"
    path.write_bytes(xml)
    return import_sources([Source(label=str(path), path=path)], ImportOptions())


def _assert_same(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> None:
    assert set(after) == set(before)
    for identifier, content in before.items():
        differences = {k for k in content if content[k] != after[identifier][k]}
        assert not differences, (
            identifier,
            {k: (content[k], after[identifier][k]) for k in differences},
        )


def test_demo_data_round_trip(
    hq_user: Any, tmp_path: Path, activity_schema: etree.XMLSchema
) -> None:
    organisations_demo.build(random.Random(1), lambda message: None)
    rng = random.Random("2005-activities")
    for index in range(DEMO_SUBSET):
        do_create_activity(hq_user, demo_activity(index, rng), label="demo")
    before = _contents()
    assert len(before) == DEMO_SUBSET - 1  # one private activity: not published
    xml = _export(include_imported=False)
    document = etree.fromstring(xml)
    assert activity_schema.validate(document), activity_schema.error_log.last_error
    report = _reimport_into_empty_database(xml, tmp_path)
    assert report.totals.created == DEMO_SUBSET - 1
    assert report.totals.warnings == 0 and report.totals.errors == 0
    _assert_same(before, _contents())


def test_real_samples_round_trip(
    samples: Path,
    tmp_path: Path,
    import_paths: Callable[..., ImportReport],
    activity_schema: etree.XMLSchema,
) -> None:
    import_paths(samples)
    before = _contents()
    assert len(before) == 580
    assert _export(include_imported=False).count(b"<iati-activity ") == 0  # nothing local
    xml = _export(include_imported=True)
    document = etree.fromstring(xml)
    assert activity_schema.validate(document), activity_schema.error_log.last_error
    report = _reimport_into_empty_database(xml, tmp_path)
    assert report.totals.created == 580 and report.totals.warnings == 0
    _assert_same(before, _contents())
    # Other publishers' identifiers and reporting organisations are kept.
    activity = Activity.objects.get(iati_identifier="GB-1-110456")
    assert activity.reporting_org.ref == "GB-GOV-1"
