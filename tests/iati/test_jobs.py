"""`--jobs N`: reader processes read while this process writes; the result is the same as
without them, and a reader that dies stops the run with whole batches written."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.iati.conftest import activity_xml, remove_imported

from bali.activities import snapshot
from bali.activities.models import Activity, ActivityChange
from bali.iati import pool, workers
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
    remove_imported()
    lone = import_paths(samples, batch_size=40, jobs=2)  # one reader: reads on across files
    assert lone.as_dict()["per_file"] == alone.as_dict()["per_file"]
    assert _messages(lone) == _messages(alone)
    assert _contents() == stored


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
    monkeypatch.setattr(pool, "load_reference_data", lambda: None)  # forgotten on purpose
    with pytest.raises(workers.ReaderFailed, match="must not query the database"):
        import_paths(path, jobs=2)
    monkeypatch.undo()
    import_paths(path, jobs=2)
    activity = Activity.objects.get(iati_identifier="XM-REF-1")
    assert list(activity.countries.values_list("country_id", flat=True)) == ["KE"]
    assert list(activity.themes.values_list("theme_id", flat=True)) == ["TH01"]


def _one(identifier: str, title: str, stamp: str | None) -> str:
    attrs = f' last-updated-datetime="{stamp}"' if stamp else ""
    return (
        f'<iati-activity xml:lang="en"{attrs}><iati-identifier>{identifier}</iati-identifier>'
        f"<title><narrative>{title}</narrative></title></iati-activity>"
    )


def test_an_early_decision_that_no_longer_holds_is_taken_again(
    tmp_path: Path,
    import_paths: Callable[..., ImportReport],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same identifier in two files of one run: the reader of the second file is answered
    "unchanged" while the first file is still being written; the first file then changes the
    stored record, so the answer is taken again and the activity read again from its file.
    The result is what one process gives."""
    from bali.iati import service

    base = tmp_path / "base.xml"
    base.write_bytes(activity_xml(_one("XM-TWICE", "Base", "2024-06-01T00:00:00Z")))
    folder = tmp_path / "run"
    folder.mkdir()
    others = "".join(_one(f"XM-NEW-{i}", "New", None) for i in range(3))
    (folder / "a.xml").write_bytes(activity_xml(_one("XM-TWICE", "From A", None) + others))
    (folder / "b.xml").write_bytes(activity_xml(_one("XM-TWICE", "From B", "2024-01-01T00:00:00Z")))

    import_paths(base)
    alone = import_paths(folder)
    expected = _contents()
    assert expected["XM-TWICE"]["title"] == {"en": "From B"}
    remove_imported()

    finish = workers._finish

    def slow_first_file(item: Any, reader: Any, parsed: Any, *args: Any) -> None:
        if parsed.info.label.endswith("a.xml"):  # the second reader is answered meanwhile
            time.sleep(0.5)
        finish(item, reader, parsed, *args)

    read_again = service.ImportService._read_again
    calls: list[list[str]] = []

    def counted(self: Any, source: Any, file_report: Any, lights: list[Any]) -> None:
        calls.append([light.identifier for light in lights])
        read_again(self, source, file_report, lights)

    monkeypatch.setattr(workers, "_finish", slow_first_file)
    monkeypatch.setattr(service.ImportService, "_read_again", counted)
    import_paths(base)
    together = import_paths(folder, jobs=3)
    assert calls == [["XM-TWICE"]]
    assert together.as_dict()["per_file"] == alone.as_dict()["per_file"]
    assert _contents() == expected


def test_readers_of_later_files_are_answered_early_on_a_reimport(
    tmp_path: Path,
    import_paths: Callable[..., ImportReport],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in "abc":
        body = "".join(_one(f"XM-{name}-{i}", name, "2024-01-01T00:00:00Z") for i in range(6))
        (tmp_path / f"{name}.xml").write_bytes(activity_xml(body))
    import_paths(tmp_path, batch_size=2)
    hold = pool.ReaderPool._hold
    early: list[bool] = []

    def watched(self: Any, channel: Any) -> None:
        hold(self, channel)
        last = channel.held[-1] if channel.held else None
        if last is not None and last.message[0] == "light":
            early.append(last.early is not None)

    finish = workers._finish

    def slow_first_file(item: Any, reader: Any, parsed: Any, *args: Any) -> None:
        if parsed.info.label.endswith("a.xml"):  # the second reader is heard meanwhile
            time.sleep(0.2)
        finish(item, reader, parsed, *args)

    monkeypatch.setattr(workers, "_finish", slow_first_file)
    monkeypatch.setattr(pool.ReaderPool, "_hold", watched)
    again = import_paths(tmp_path, batch_size=2, jobs=3)
    assert (again.totals.unchanged, again.totals.created, again.totals.updated) == (18, 0, 0)
    assert early and all(early)  # the second reader never waited for its turn
