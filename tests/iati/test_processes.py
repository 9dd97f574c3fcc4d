"""`bali import-iati` as a real process: killed in the middle it leaves whole batches and
running it again finishes the job; on a terminal it draws a progress bar."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import time
from pathlib import Path

import pytest
from tests.iati.conftest import ExternalDatabase, activity_xml

pytestmark = pytest.mark.django_db(transaction=True)

TOTAL = 5000
BATCH = 100


def _activities(count: int) -> bytes:
    """Small activities; every other one without a timestamp (found unchanged by digest)."""
    body = []
    for i in range(count):
        stamp = ' last-updated-datetime="2024-05-01T10:00:00Z"' if i % 2 else ""
        body.append(
            f'<iati-activity xml:lang="en"{stamp}><iati-identifier>XM-KILL-{i}</iati-identifier>'
            f"<title><narrative>Activity {i}</narrative></title>"
            '<sector vocabulary="1" code="41030"/></iati-activity>\n'
        )
    return activity_xml("".join(body))


def _wait_for(database: ExternalDatabase, process: subprocess.Popen[bytes], count: int) -> None:
    deadline = time.monotonic() + 120
    while database.scalar("SELECT count(*) FROM activities_activity") < count:
        assert process.poll() is None, "the import ended before it could be stopped"
        assert time.monotonic() < deadline, "the import did not start"
        time.sleep(0.02)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_killed_import_leaves_whole_batches_and_running_it_again_finishes_the_job(
    external_database: ExternalDatabase, tmp_path: Path, jobs: str
) -> None:
    path = tmp_path / "publisher.xml"
    path.write_bytes(_activities(TOTAL))
    arguments = ["import-iati", str(path), "--batch-size", str(BATCH), "--jobs", jobs, "-v", "0"]
    process = external_database.bali(*arguments, stdout=subprocess.DEVNULL)
    _wait_for(external_database, process, 5 * BATCH)
    process.send_signal(signal.SIGKILL)  # its reader processes stop when their pipes close
    process.wait()
    scalar = external_database.scalar
    stored = scalar("SELECT count(*) FROM activities_activity")
    assert 5 * BATCH <= stored < TOTAL, "killed in the middle"
    assert stored % BATCH == 0  # every batch is a transaction: whole batches only
    # Each stored activity is whole: its sector, its derived theme, its history.
    assert scalar("SELECT count(*) FROM activities_activitysector") == stored
    assert scalar("SELECT count(*) FROM activities_activitytheme") == stored
    assert scalar("SELECT count(*) FROM activities_activitychange") == stored
    run = scalar("SELECT max(id) FROM iati_importrun")
    assert scalar(f"SELECT status FROM iati_importrun WHERE id = {run}") == "running"

    again = external_database.bali(
        "import-iati", "--run", str(run), "--json", "-v", "0", stdout=subprocess.PIPE
    )
    output, _ = again.communicate(timeout=300)
    assert again.returncode == 0
    summary = json.loads(output)
    assert (summary["created"], summary["unchanged"]) == (TOTAL - stored, stored)
    assert scalar("SELECT count(DISTINCT iati_identifier) FROM activities_activity") == TOTAL
    assert scalar("SELECT count(*) FROM activities_activitychange") == TOTAL
    assert scalar(f"SELECT status FROM iati_importrun WHERE id = {run}") == "finished"


def test_progress_bar_on_a_terminal(external_database: ExternalDatabase, tmp_path: Path) -> None:
    path = tmp_path / "publisher.xml"
    path.write_bytes(_activities(50))
    main, terminal = pty.openpty()
    process = external_database.bali(
        "import-iati", str(path), "--dry-run", stdout=subprocess.DEVNULL, stderr=terminal
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert process.wait(timeout=60) == 0
    text = shown.decode()
    assert "\r[" in text and "files 0/1, 50 activities" in text and "/s" in text
