"""`--jobs N`: reader processes read while this process writes; the result is the same as
without them, and a reader that dies stops the run with whole batches written."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.iati.conftest import activity_xml, remove_imported

from bali.activities import snapshot
from bali.activities.models import Activity, ActivityChange
from bali.iati import workers
from bali.iati.service import ImportReport

pytestmark = pytest.mark.django_db


def _contents() -> dict[str, dict[str, Any]]:
    queryset = snapshot.with_prefetch(Activity.objects.all())
    return {a.iati_identifier: snapshot.content(snapshot.snapshot(a)) for a in queryset}


def _messages(report: ImportReport) -> list[tuple[Any, ...]]:
    return [(i.level, i.file, i.line, i.identifier, i.message) for i in report.issues]


def test_readers_give_the_same_result_as_one_process(
    samples: Path, import_paths: Callable[..., ImportReport]
) -> None:
    alone = import_paths(samples, batch_size=40)
    stored = _contents()
    history = ActivityChange.objects.count()
    remove_imported()
    together = import_paths(samples, batch_size=40, jobs=3)
    assert together.as_dict()["per_file"] == alone.as_dict()["per_file"]
    assert _messages(together) == _messages(alone)
    assert _contents() == stored
    assert ActivityChange.objects.count() == history == 580
    again = import_paths(samples, batch_size=40, jobs=2)
    assert (again.totals.created, again.totals.unchanged) == (0, 580)


def test_readers_report_a_bad_file_and_go_on(
    write_xml: Callable[..., Path], import_paths: Callable[..., ImportReport]
) -> None:
    good = write_xml(activity_xml("<iati-identifier>XM-JOBS-1</iati-identifier>"), "a.xml")
    bad = write_xml(b"<html/>", "b.xml")
    body = "".join(
        f"<iati-activity><iati-identifier>XM-CUT-{i}</iati-identifier></iati-activity>"
        for i in range(5)
    )
    text = activity_xml(body).decode()
    cut = write_xml(text[: text.index("XM-CUT-4")], "c.xml")
    report = import_paths(good, bad, cut, batch_size=2, jobs=2)
    assert [f.failed for f in report.files] == [False, True, True]
    assert "<html>" in report.files[1].error and "broken" in report.files[2].error
    assert report.files[2].counts.created == 4  # what came before the break is imported
    assert Activity.objects.count() == 5


def test_a_reader_that_dies_stops_the_run_with_whole_batches(
    write_xml: Callable[..., Path],
    import_paths: Callable[..., ImportReport],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = "".join(
        f"<iati-activity><iati-identifier>XM-DIE-{i}</iati-identifier></iati-activity>"
        for i in range(10)
    )
    path = write_xml(activity_xml(body))
    finish = workers._finish
    calls = {"n": 0}

    def dying(*args: Any, **kwargs: Any) -> None:  # runs in the forked reader
        calls["n"] += 1
        if calls["n"] == 3:
            os._exit(9)
        finish(*args, **kwargs)

    monkeypatch.setattr(workers, "_finish", dying)
    with pytest.raises(workers.ReaderFailed):
        import_paths(path, batch_size=2, jobs=2)
    assert Activity.objects.count() == 4  # the two batches the reader sent before it died
    monkeypatch.setattr(workers, "_finish", finish)
    report = import_paths(path, batch_size=2, jobs=2)
    assert (report.totals.created, report.totals.unchanged) == (6, 4)


def test_readers_never_query_the_database(
    write_xml: Callable[..., Path],
    import_paths: Callable[..., ImportReport],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Reference data is loaded before the readers start; a query in a reader fails."""
    from bali.reference import lookups

    path = write_xml(
        activity_xml(
            '<iati-identifier>XM-REF-1</iati-identifier><recipient-country code="KE"/>'
            '<sector vocabulary="1" code="41030"/>',
            attrs='xml:lang="en"',
        )
    )
    lookups.clear_caches()
    monkeypatch.setattr(workers, "load_reference_data", lambda: None)  # forgotten on purpose
    with pytest.raises(workers.ReaderFailed, match="must not query the database"):
        import_paths(path, jobs=2)
    monkeypatch.undo()
    import_paths(path, jobs=2)
    activity = Activity.objects.get(iati_identifier="XM-REF-1")
    assert list(activity.countries.values_list("country_id", flat=True)) == ["KE"]
    assert list(activity.themes.values_list("theme_id", flat=True)) == ["TH01"]
