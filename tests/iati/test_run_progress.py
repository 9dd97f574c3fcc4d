"""An import run's progress row: written at most every `PROGRESS_SECONDS` (the page reads it
every few seconds), and always at the end of each file, so no total is left behind."""

from __future__ import annotations

from typing import Any

import pytest

from bali.iati import runs
from bali.iati.issues import WARNING, Issue
from bali.iati.models import ImportMessage, ImportRun
from bali.iati.runs import RunRecorder
from bali.iati.service import FileReport, ImportReport


def _report(activities: int) -> ImportReport:
    report = ImportReport()
    report.totals.activities = activities
    report.totals.created = activities
    return report


@pytest.mark.django_db
def test_progress_is_written_at_most_every_interval_and_at_each_file_end() -> None:
    run = ImportRun.objects.create(origin="command", label="x.xml", status="running")
    clock = [1000.0]
    recorder = RunRecorder(run, clock=lambda: clock[0])

    def stored() -> tuple[int, int]:
        row = ImportRun.objects.get(pk=run.pk)
        return row.activities, row.bytes_done

    recorder.batch_done(_report(10), 100)  # too soon after the start: kept back
    assert stored() == (0, 0)
    clock[0] += runs.PROGRESS_SECONDS
    recorder.batch_done(_report(20), 200)
    assert stored() == (20, 200)
    recorder.batch_done(_report(30), 300)  # kept back again
    assert stored() == (20, 200)
    recorder.file_finished(FileReport("x.xml"))  # a file's end writes what was kept back
    assert stored() == (30, 300)
    assert ImportRun.objects.get(pk=run.pk).files_done == 1


@pytest.mark.django_db
def test_a_run_that_ends_writes_what_was_held_back() -> None:
    """Also a crashed one: its row shows how far it got, with its messages."""
    run = ImportRun.objects.create(origin="command", label="x.xml", status="running")
    recorder = RunRecorder(run, clock=lambda: 0.0)
    recorder.issues([Issue(WARNING, "x.xml", 3, "XM-1", "a warning")])
    recorder.batch_done(_report(40), 400)
    assert ImportRun.objects.get(pk=run.pk).activities == 0
    recorder.finish()
    assert ImportRun.objects.get(pk=run.pk).activities == 40
    assert ImportMessage.objects.filter(run=run).count() == 1


def test_a_crashed_import_command_writes_its_last_progress(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, db: None
) -> None:
    """The command's crash path: `finish` runs before the run is marked crashed."""
    from django.core.management import call_command

    from bali.iati import service

    calls: list[str] = []
    monkeypatch.setattr(RunRecorder, "finish", lambda self: calls.append("finish"))

    def crash(self: Any, sources: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(service.ImportService, "run", crash)
    path = tmp_path / "a.xml"
    path.write_text("<iati-activities/>")
    with pytest.raises(RuntimeError, match="disk full"):
        call_command("import_iati", str(path), "-v", "0")
    assert calls == ["finish"]
    assert ImportRun.objects.get().status == "crashed"
