"""Writing imports: insert or update by identifier, unchanged activities left alone, re-runs
that change nothing, history and search-index signals, consistent after a failure."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from tests.iati.conftest import activity_xml

from bali.activities.actions import do_create_activity
from bali.activities.models import Activity, ActivityChange
from bali.activities.signals import activities_changed
from bali.iati import rows
from bali.iati.service import ImportReport
from bali.iati.xmltext import BALI_NS
from bali.organisations.models import Organisation
from bali.search.documents import documents_for, documents_from_values

pytestmark = pytest.mark.django_db


def _activity(identifier: str, title: str, stamp: str | None = "2024-01-01T00:00:00Z") -> str:
    attrs = f' last-updated-datetime="{stamp}"' if stamp else ""
    return (
        f'<iati-activity xml:lang="en"{attrs}><iati-identifier>{identifier}</iati-identifier>'
        '<reporting-org ref="XM-PUB" type="40"><narrative>Publisher</narrative></reporting-org>'
        f"<title><narrative>{title}</narrative></title>"
        '<sector vocabulary="1" code="41030"/></iati-activity>\n'
    )


@pytest.fixture
def signals() -> Iterator[list[dict[str, Any]]]:
    received: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        received.append({"sender": sender, **kwargs})

    activities_changed.connect(receiver)
    yield received
    activities_changed.disconnect(receiver)


@pytest.fixture
def run(
    write_xml: Callable[..., Path], import_paths: Callable[..., ImportReport]
) -> Callable[..., ImportReport]:
    def go(*activities: str, **options: Any) -> ImportReport:
        return import_paths(write_xml(activity_xml("".join(activities))), **options)

    return go


def test_rerunning_the_same_import_changes_nothing(
    run: Callable[..., ImportReport], signals: list[dict[str, Any]]
) -> None:
    first = run(_activity("XM-PUB-1", "One"), _activity("XM-PUB-2", "Two", stamp=None))
    assert (first.totals.created, first.totals.unchanged) == (2, 0)
    stamps = dict(Activity.objects.values_list("iati_identifier", "updated_at"))
    history = ActivityChange.objects.count()
    second = run(_activity("XM-PUB-1", "One"), _activity("XM-PUB-2", "Two", stamp=None))
    assert (second.totals.created, second.totals.updated, second.totals.unchanged) == (0, 0, 2)
    assert dict(Activity.objects.values_list("iati_identifier", "updated_at")) == stamps
    assert ActivityChange.objects.count() == history
    assert len(signals) == 1  # only the first run wrote anything


def test_newer_timestamp_updates_and_older_or_equal_does_not(
    run: Callable[..., ImportReport],
) -> None:
    run(_activity("XM-PUB-1", "One", "2024-01-01T00:00:00Z"))
    older = run(_activity("XM-PUB-1", "Older text", "2023-06-01T00:00:00Z"))
    same = run(_activity("XM-PUB-1", "Same time, other text", "2024-01-01T00:00:00Z"))
    assert (older.totals.unchanged, same.totals.unchanged) == (1, 1)
    assert Activity.objects.get().title == {"en": "One"}
    newer = run(_activity("XM-PUB-1", "Newer", "2024-02-01T00:00:00Z"))
    assert newer.totals.updated == 1
    activity = Activity.objects.get()
    assert activity.title == {"en": "Newer"} and activity.version == 2
    assert activity.source_timestamp.isoformat() == "2024-02-01T00:00:00+00:00"


def test_without_timestamps_a_changed_activity_is_updated(
    run: Callable[..., ImportReport],
) -> None:
    run(_activity("XM-PUB-1", "One", stamp=None))
    report = run(_activity("XM-PUB-1", "Changed", stamp=None))
    assert report.totals.updated == 1
    assert Activity.objects.get().title == {"en": "Changed"}


def test_update_replaces_children_and_rederives_themes(run: Callable[..., ImportReport]) -> None:
    run(_activity("XM-PUB-1", "One", "2024-01-01T00:00:00Z"))
    activity = Activity.objects.get()
    assert set(activity.themes.values_list("theme_id", flat=True)) == {"TH01"}
    updated = _activity("XM-PUB-1", "One", "2024-02-01T00:00:00Z").replace(
        '<sector vocabulary="1" code="41030"/>', '<sector vocabulary="1" code="23240"/>'
    )
    run(updated)
    assert list(activity.sectors.values_list("code", flat=True)) == ["23240"]
    assert set(activity.themes.values_list("theme_id", flat=True)) == {"TH12"}


def test_history_names_the_run_and_file(run: Callable[..., ImportReport]) -> None:
    run(_activity("XM-PUB-1", "One", "2024-01-01T00:00:00Z"), actor_label="IATI import #7: f.xml")
    run(_activity("XM-PUB-1", "Two", "2024-02-01T00:00:00Z"), actor_label="IATI import #8: g.xml")
    changes = list(ActivityChange.objects.order_by("id").values_list("action", "actor_label"))
    assert changes == [
        ("import_create", "IATI import #7: f.xml"),
        ("import_update", "IATI import #8: g.xml"),
    ]
    update = ActivityChange.objects.order_by("id").last()
    assert update.changes["source_timestamp"] == [
        "2024-01-01T00:00:00+00:00",
        "2024-02-01T00:00:00+00:00",
    ]


def test_signal_after_each_batch_with_the_written_ids(
    run: Callable[..., ImportReport], signals: list[dict[str, Any]]
) -> None:
    run(*(_activity(f"XM-PUB-{i}", f"T{i}") for i in range(5)), batch_size=2)
    assert [len(s["ids"]) for s in signals] == [2, 2, 1]
    assert all(s["deleted"] is False for s in signals)
    ids = sorted(pk for s in signals for pk in s["ids"])
    assert ids == sorted(Activity.objects.values_list("pk", flat=True))


def test_the_documents_sent_for_the_search_index_are_those_it_would_read_back(
    samples: Path,
    import_paths: Callable[..., ImportReport],
    signals: list[dict[str, Any]],
    run: Callable[..., ImportReport],
) -> None:
    """The importer builds the search documents from the rows it writes instead of the index
    reading them back: on every real sample (narratives in several languages, participants,
    reporting organisations with and without identifier) and on an update, they must be the
    very documents the index builds from the database."""
    import_paths(samples, batch_size=50)
    run(_activity("XM-PUB-1", "First title"))
    run(_activity("XM-PUB-1", "Second title", stamp="2025-01-01T00:00:00Z"))
    sent = [s["written"] for s in signals]
    assert sum(len(w.activities) for w in sent) == Activity.objects.count() + 1  # XM-PUB-1 twice
    stored = dict(Activity.objects.values_list("pk", "version"))
    latest = {}
    for written in sent:
        assert set(written.versions) == {row[0] for row in written.activities}
        for doc in documents_from_values(*written.decoded(written.activities)):
            if written.versions[doc.activity_id] == stored[doc.activity_id]:
                latest[doc.activity_id] = doc
    assert sorted(latest) == sorted(stored)
    for doc in documents_for(list(latest)):
        assert latest[doc.activity_id] == doc
    assert any("second" in doc.title for doc in latest.values())


def test_local_activities_are_never_overwritten(
    run: Callable[..., ImportReport], hq_user: Any, activity_data: Callable[..., dict]
) -> None:
    local = do_create_activity(hq_user, activity_data(iati_identifier="XM-PUB-1"))
    report = run(_activity("XM-PUB-1", "From elsewhere"))
    assert report.totals.skipped == 1
    assert any("kept in this clearinghouse" in issue.text() for issue in report.issues)
    local.refresh_from_db()
    assert local.source == "local" and local.title["en"].startswith("Training")


def test_dry_run_writes_nothing(run: Callable[..., ImportReport]) -> None:
    report = run(_activity("XM-PUB-1", "One"), dry_run=True)
    assert report.totals.created == 1 and report.dry_run
    assert not Activity.objects.exists() and not Organisation.objects.exists()


def test_organisations_are_created_once_and_reused(run: Callable[..., ImportReport]) -> None:
    body = _activity("XM-PUB-1", "One").replace(
        "</iati-activity>",
        '<participating-org ref="XM-PUB" role="4"/><participating-org role="1">'
        "<narrative>Unnamed Fund</narrative></participating-org></iati-activity>",
    )
    run(body, _activity("XM-PUB-2", "Two"))
    publisher = Organisation.objects.get(ref="XM-PUB")
    assert publisher.names == {"en": "Publisher"} and publisher.type == "40"
    assert Activity.objects.filter(reporting_org=publisher).count() == 2
    participant = Activity.objects.get(iati_identifier="XM-PUB-1").participating_orgs.first()
    assert participant.organisation == publisher
    assert Organisation.objects.count() == 1  # a participant without identifier is not an org


def test_a_failure_in_a_batch_leaves_the_database_consistent_and_a_rerun_finishes(
    run: Callable[..., ImportReport], monkeypatch: pytest.MonkeyPatch
) -> None:
    activities = [_activity(f"XM-PUB-{i}", f"T{i}") for i in range(4)]
    original = rows.insert_history
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        original(*args, **kwargs)

    monkeypatch.setattr(rows, "insert_history", failing)
    with pytest.raises(OSError, match="disk full"):
        run(*activities, batch_size=2)
    assert sorted(Activity.objects.values_list("iati_identifier", flat=True)) == [
        "XM-PUB-0",
        "XM-PUB-1",
    ]
    assert ActivityChange.objects.count() == 2
    monkeypatch.setattr(rows, "insert_history", original)
    report = run(*activities, batch_size=2)
    assert (report.totals.unchanged, report.totals.created) == (2, 2)
    assert Activity.objects.count() == 4


def test_provenance_of_every_imported_activity(
    write_xml: Callable[..., Path], import_paths: Callable[..., ImportReport]
) -> None:
    before = timezone.now()
    path = write_xml(activity_xml(_activity("XM-PUB-1", "One", "2024-03-01T12:30:00+02:00")))
    import_paths(path)
    activity = Activity.objects.get()
    assert (activity.source, activity.source_publisher) == ("imported", "XM-PUB")
    assert activity.source_file == str(path)
    assert activity.source_timestamp.isoformat() == "2024-03-01T10:30:00+00:00"
    assert activity.iati_version == "2.03"
    assert before <= activity.imported_at <= timezone.now()
    assert activity.source_digest == ""  # a timestamp tells whether it changed
    import_paths(write_xml(activity_xml(_activity("XM-PUB-2", "Two", stamp=None))))
    assert len(Activity.objects.get(iati_identifier="XM-PUB-2").source_digest) == 32


def test_a_newer_version_keeps_the_visibility_and_division_decided_here(
    run: Callable[..., ImportReport],
) -> None:
    """HQ hid an imported activity and assigned it a division; the publisher's next version
    updates its content but neither publishes it again nor takes the division away."""
    run(_activity("XM-PUB-1", "One", "2024-01-01T00:00:00Z"))
    Activity.objects.update(visibility="private", division_id="DTIE")
    report = run(_activity("XM-PUB-1", "One, revised", "2024-06-01T00:00:00Z"))
    assert report.totals.updated == 1
    activity = Activity.objects.get()
    assert activity.title["en"] == "One, revised"
    assert (activity.visibility, activity.division_id) == ("private", "DTIE")


def test_a_division_in_the_file_is_taken_on_update(run: Callable[..., ImportReport]) -> None:
    run(_activity("XM-PUB-1", "One", "2024-01-01T00:00:00Z"))
    Activity.objects.update(division_id="DTIE")
    revised = (
        _activity("XM-PUB-1", "One", "2024-06-01T00:00:00Z")
        .replace("<iati-activity ", f'<iati-activity xmlns:bali="{BALI_NS}" ')
        .replace("</iati-activity>", '<bali:division code="DEWA"/></iati-activity>')
    )
    run(revised)
    assert Activity.objects.get().division_id == "DEWA"


def test_import_settings_apply_during_an_import_and_are_restored_after() -> None:
    """SQLite: a longer write-ahead log and a smaller page cache; PostgreSQL: commits that do
    not wait for the disk. Both only for the import's length."""
    from django.db import connection

    from bali.iati import bulk

    if connection.vendor == "postgresql":
        queries = ["SHOW synchronous_commit"]
        during = [("off",)]
    else:
        queries = ["PRAGMA wal_autocheckpoint", "PRAGMA cache_size"]
        during = [(bulk.IMPORT_CHECKPOINT_PAGES,), (-bulk.IMPORT_CACHE_KB,)]

    def read() -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            found = []
            for sql in queries:
                cursor.execute(sql)
                found.append(tuple(cursor.fetchone()))
            return found

    before = read()
    assert before != during
    with bulk.import_settings():
        assert read() == during
    assert read() == before
