"""`bali import-iati` and `bali export-iati` on the command line: sources, exit codes, JSON
summary, URLs with a size limit, quiet when not on a terminal."""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from tests.iati.conftest import REPO, activity_xml

from bali.activities.models import Activity
from bali.iati.models import ImportMessage, ImportRun

pytestmark = pytest.mark.django_db

ONE = "<iati-identifier>XM-CLI-1</iati-identifier><title><narrative>One</narrative></title>"


def _import(*args: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_iati", *args, stdout=stdout, stderr=stderr)
    except SystemExit as exit:
        code = int(exit.code or 0)
    return code, stdout.getvalue(), stderr.getvalue()


def test_json_summary_and_exit_code_0(write_xml: Callable[..., Path]) -> None:
    code, out, err = _import(str(write_xml(activity_xml(ONE))), "--json")
    assert code == 0
    summary = json.loads(out)
    assert (summary["files"], summary["files_failed"], summary["created"]) == (1, 0, 1)
    assert summary["per_file"][0]["version"] == "2.03"
    run = ImportRun.objects.get(pk=summary["run"])
    assert (run.status, run.created, run.origin) == ("finished", 1, "command")
    assert "\r" not in err  # no progress bar when standard error is not a terminal


def test_exit_code_1_when_a_file_fails_and_the_rest_is_imported(
    write_xml: Callable[..., Path],
) -> None:
    good = write_xml(activity_xml(ONE))
    bad = write_xml(b"<html/>")
    code, out, err = _import(str(good), str(bad))
    assert code == 1
    assert Activity.objects.filter(iati_identifier="XM-CLI-1").exists()
    assert "1 failed" in out or "(1 failed)" in out
    assert f"{bad}:1: error:" in err
    run = ImportRun.objects.get()
    assert (run.status, run.files_failed) == ("failed", 1)
    assert ImportMessage.objects.filter(run=run, level="error").count() == 1


def test_bad_arguments_are_exit_code_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("import_iati", str(tmp_path / "missing.xml"))
    assert caught.value.returncode == 2 and "does not exist" in str(caught.value)
    with pytest.raises(CommandError) as caught:
        call_command("import_iati")
    assert caught.value.returncode == 2


def test_real_command_line_exit_code_2() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bali", "import-iati", "/nonexistent/file.xml"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "bali", "import-iati", "--no-such-option"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 2


def test_dry_run_reports_without_writing(write_xml: Callable[..., Path]) -> None:
    code, out, _err = _import(str(write_xml(activity_xml(ONE))), "--dry-run")
    assert code == 0 and "Dry run" in out and "1 would be created" in out
    assert not Activity.objects.exists() and not ImportRun.objects.exists()


def test_publisher_option_is_recorded(write_xml: Callable[..., Path]) -> None:
    _import(str(write_xml(activity_xml(ONE))), "--publisher", "registry-name")
    assert Activity.objects.get().source_publisher == "registry-name"


@pytest.fixture
def http_folder(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "www"
    folder.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined, method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.handle_error = lambda *args: None  # type: ignore[method-assign]  # closed early
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        server.server_close()


def test_urls_are_imported_with_a_size_limit(http_folder: tuple[str, Path]) -> None:
    base, folder = http_folder
    (folder / "small.xml.gz").write_bytes(gzip.compress(activity_xml(ONE)))
    filler = "".join(
        f"<iati-activity><iati-identifier>XM-BIG-{i}</iati-identifier>"
        f"<title><narrative>{'x' * 500}</narrative></title></iati-activity>"
        for i in range(3000)
    )
    (folder / "big.xml").write_bytes(activity_xml(filler))  # about 1.7 MB
    code, out, err = _import(
        f"{base}/small.xml.gz", f"{base}/big.xml", f"{base}/missing.xml", "--max-source-mb", "1"
    )
    assert code == 1
    summary_line = out.strip().splitlines()[-1]
    assert "(2 failed)" in summary_line
    assert Activity.objects.filter(iati_identifier="XM-CLI-1").exists()
    assert not Activity.objects.filter(iati_identifier__startswith="XM-BIG").exists()
    assert "larger than the limit of 1 MB" in err
    assert "could not download" in err and "404" in err


def test_gzip_bomb_from_a_url_stops_at_the_limit(http_folder: tuple[str, Path]) -> None:
    base, folder = http_folder
    filler = "<!--" + "x" * (3 * 1024 * 1024) + "-->"
    bomb = activity_xml(ONE).replace(b"</iati-activities>", filler.encode() + b"</iati-activities>")
    (folder / "bomb.gz").write_bytes(gzip.compress(bomb))  # a few kB that unpack to 3 MB
    code, _out, err = _import(f"{base}/bomb.gz", "--max-source-mb", "1")
    assert code == 1 and "larger than the limit of 1 MB" in err


def test_export_command_writes_a_valid_file(
    tmp_path: Path,
    hq_user: object,
    activity_data: Callable[..., dict],
    activity_schema: object,
) -> None:
    from lxml import etree

    from bali.activities.actions import do_create_activity

    do_create_activity(hq_user, activity_data())  # type: ignore[arg-type]
    do_create_activity(
        hq_user,  # type: ignore[arg-type]
        activity_data(iati_identifier="XM-DAC-41116-TEST-0002", countries=[{"code": "TZ"}]),
    )
    output = tmp_path / "out.xml"
    call_command("export_iati", "-o", str(output), "--country", "KE", verbosity=0)
    document = etree.parse(str(output))
    assert activity_schema.validate(document), activity_schema.error_log  # type: ignore[attr-defined]
    identifiers = document.xpath("//iati-identifier/text()")
    assert identifiers == ["XM-DAC-41116-TEST-0001"]
    with pytest.raises(CommandError) as caught:
        call_command("export_iati", "-o", str(output), "--country", "XX")
    assert caught.value.returncode == 2 and "--country" in str(caught.value)


def test_a_stopped_run_is_carried_out_again_with_run(write_xml: Callable[..., Path]) -> None:
    path = write_xml(activity_xml(ONE))
    run = ImportRun.objects.create(
        origin="command", label=str(path), sources=[str(path)], status="crashed"
    )
    code, _out, _err = _import("--run", str(run.pk))
    run.refresh_from_db()
    assert code == 0 and (run.status, run.created) == ("finished", 1)
    with pytest.raises(CommandError) as caught:
        call_command("import_iati", "--run", "999999")
    assert caught.value.returncode == 2


def test_progress_bar_line() -> None:
    from bali.iati.progress import TerminalProgress
    from bali.iati.service import ImportReport
    from bali.iati.sources import Source

    stream = io.StringIO()
    bar = TerminalProgress(stream, total_bytes=1000)
    bar.file_started(0, 3, Source(label="/data/publisher.xml"))
    report = ImportReport()
    report.totals.activities = 1234
    bar.draw(report.totals.activities, 500, force=True)
    line = stream.getvalue()
    assert line.startswith("\r[##########----------]")
    assert "files 0/3" in line and "1234 activities" in line and "publisher.xml" in line
