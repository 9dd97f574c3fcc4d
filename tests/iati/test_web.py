"""The import page and the import API: HQ coordinators and administrators upload a file, the
work runs outside the request, and the run's progress and warnings are shown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.iati.conftest import activity_xml

from bali.activities.models import Activity
from bali.iati import actions
from bali.iati.models import ImportRun

pytestmark = pytest.mark.django_db

GOOD = activity_xml(
    "<iati-identifier>XM-WEB-1</iati-identifier><title><narrative>Web</narrative></title>"
    '<activity-date type="1" iso-date="2024-1-5"/>',
    attrs='xml:lang="en"',
)


def _upload(content: bytes = GOOD, name: str = "publisher.xml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/xml")


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/en/iati/imports/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_hq_and_administrators_may_import(
    client: Client, make_user: Callable[..., Any], upload_dir: Path, inline_runs: list
) -> None:
    focal = make_user("national_focal_point", country="KE")
    client.force_login(focal)
    assert client.get("/en/iati/imports/").status_code == 403
    response = client.post("/en/iati/imports/", {"file": _upload()})
    assert response.status_code == 403
    assert not ImportRun.objects.exists() and inline_runs == []
    admin = make_user("admin")
    client.force_login(admin)
    page = client.get("/en/iati/imports/")
    assert page.status_code == 200
    assert 'href="/en/iati/imports/"' in page.content.decode()  # the menu entry


def test_upload_runs_outside_the_request_and_the_page_shows_the_result(
    client: Client, hq_user: Any, upload_dir: Path, inline_runs: list
) -> None:
    client.force_login(hq_user)
    response = client.post("/en/iati/imports/", {"file": _upload(), "publisher": "my-registry"})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/iati/imports/{run.pk}/"
    assert inline_runs == [run]
    run.refresh_from_db()
    assert (run.status, run.created, run.warnings, run.created_by) == ("finished", 1, 1, hq_user)
    activity = Activity.objects.get(iati_identifier="XM-WEB-1")
    assert (activity.source_file, activity.source_publisher) == ("publisher.xml", "my-registry")
    change = activity.changes.get()
    assert change.actor == hq_user and change.actor_label == f"IATI import #{run.pk}: publisher.xml"
    assert list(upload_dir.glob("*.xml")) == []  # the uploaded copy is removed once imported
    page = client.get(f"/en/iati/imports/{run.pk}/").content.decode()
    assert "publisher.xml:3" in page and "2024-1-5" in page and "2024-01-05" in page
    french = client.get(f"/fr/iati/imports/{run.pk}/").content.decode()
    assert "la date 2024-1-5 a été lue comme 2024-01-05" in french


def test_a_file_that_is_not_iati_is_reported_on_the_run_page(
    client: Client, hq_user: Any, upload_dir: Path, inline_runs: list
) -> None:
    client.force_login(hq_user)
    client.post("/en/iati/imports/", {"file": _upload(b"<html><body>hello</body></html>")})
    run = ImportRun.objects.get()
    assert (run.status, run.files_failed) == ("failed", 1)
    page = client.get(f"/en/iati/imports/{run.pk}/").content.decode()
    assert "not an IATI activity file" in page


def test_upload_size_limit_and_empty_file(
    client: Client, hq_user: Any, upload_dir: Path, inline_runs: list, settings: Any
) -> None:
    settings.MAX_UPLOAD_MB = 1
    client.force_login(hq_user)
    big = _upload(GOOD + b" " * (1024 * 1024 + 1))
    response = client.post("/en/iati/imports/", {"file": big})
    assert response.status_code == 400
    assert "larger than the limit of 1 MB" in response.content.decode()
    response = client.post("/en/iati/imports/", {})
    assert response.status_code == 400
    assert not ImportRun.objects.exists()


def test_progress_fragment_polls_while_the_run_is_active(client: Client, hq_user: Any) -> None:
    run = ImportRun.objects.create(origin="upload", label="x.xml", status="running", files_total=2)
    client.force_login(hq_user)
    fragment = client.get(f"/en/iati/imports/{run.pk}/progress/").content.decode()
    assert 'hx-get="/en/iati/imports/' in fragment and 'hx-trigger="every 2s"' in fragment
    page = client.get(f"/en/iati/imports/{run.pk}/").content.decode()
    assert "htmx.min.js" in page and 'http-equiv="refresh"' in page  # without JavaScript too
    ImportRun.objects.filter(pk=run.pk).update(status="finished")
    fragment = client.get(f"/en/iati/imports/{run.pk}/progress/").content.decode()
    assert "hx-get" not in fragment


def test_figures_are_written_the_language_s_way(client: Client, hq_user: Any) -> None:
    run = ImportRun.objects.create(
        origin="upload", label="big.xml", status="finished", activities=123456, created=100000
    )
    client.force_login(hq_user)
    english = client.get(f"/en/iati/imports/{run.pk}/").content.decode()
    assert "123,456" in english and "100,000" in english
    french = client.get(f"/fr/iati/imports/{run.pk}/").content.decode()
    assert "123\u202f456" in french and "100\u202f000" in french
    listing = client.get("/fr/iati/imports/").content.decode()
    assert "123\u202f456" in listing and " UTC" in listing


def test_runs_list_query_count_does_not_grow(client: Client, hq_user: Any) -> None:
    client.force_login(hq_user)
    ImportRun.objects.create(origin="upload", label="a.xml", created_by=hq_user)
    with CaptureQueriesContext(connection) as few:
        client.get("/en/iati/imports/")
    for n in range(10):
        ImportRun.objects.create(origin="upload", label=f"{n}.xml", created_by=hq_user)
    with CaptureQueriesContext(connection) as many:
        client.get("/en/iati/imports/")
    assert len(many) == len(few)


def test_api_upload_and_follow(
    client: Client,
    hq_user: Any,
    make_user: Callable[..., Any],
    api_headers: Callable[..., dict],
    upload_dir: Path,
    inline_runs: list,
) -> None:
    response = client.post(
        "/api/v1/iati/imports", {"file": _upload()}, headers=api_headers(hq_user)
    )
    assert response.status_code == 202, response.content
    run_id = response.json()["id"]
    detail = client.get(f"/api/v1/iati/imports/{run_id}", headers=api_headers(hq_user)).json()
    assert (detail["status"], detail["created"], detail["origin"]) == ("finished", 1, "api")
    assert detail["messages"][0]["line"] == 3 and detail["messages"][0]["identifier"] == "XM-WEB-1"
    listing = client.get("/api/v1/iati/imports", headers=api_headers(hq_user)).json()
    assert [run["id"] for run in listing["results"]] == [run_id]
    partner = make_user("partner_editor", org="XM-DAC-41116")
    denied = client.post("/api/v1/iati/imports", {"file": _upload()}, headers=api_headers(partner))
    assert denied.status_code == 403
    assert client.get("/api/v1/iati/imports").status_code == 401


def test_the_detached_process_is_started_with_the_run(
    hq_user: Any, upload_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []

    class FakeProcess:
        pid = 4242

    def fake_popen(args: list[str], **kwargs: Any) -> FakeProcess:
        calls.append({"args": args, **kwargs})
        return FakeProcess()

    monkeypatch.setattr("bali.iati.runs.subprocess.Popen", fake_popen)
    run = actions.do_start_import(hq_user, _upload())
    assert calls[0]["args"][-5:] == ["import-iati", "--run", str(run.pk), "-v", "0"]
    assert calls[0]["start_new_session"] is True
    run.refresh_from_db()
    assert (run.status, run.pid) == ("queued", 4242)
