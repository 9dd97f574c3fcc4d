"""An import run's progress row: written at most every `PROGRESS_SECONDS` (the page reads it
every few seconds), and always at the end of each file, so no total is left behind."""

from __future__ import annotations

import pytest

from bali.iati import runs
from bali.iati.models import ImportRun
from bali.iati.runs import RunRecorder
from bali.iati.service import FileReport, ImportReport


def _report(activities: int) -> ImportReport:
    report = ImportReport()
    report.totals.activities = activities
    report.totals.created = activities
    return report


@pytest.mark.django_db
def test_progress_is_written_at_most_every_interval_and_at_each_file_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = ImportRun.objects.create(origin="command", label="x.xml", status="running")
    clock = [1000.0]
    monkeypatch.setattr(runs.time, "monotonic", lambda: clock[0])
    recorder = RunRecorder(run)

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
