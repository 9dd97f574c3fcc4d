"""In headless Chromium: an HQ coordinator uploads an IATI file and watches the run's page
update itself (htmx polling) while the import runs outside the request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from tests.iati.conftest import activity_xml

from bali.iati import actions
from bali.iati.models import ImportRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_and_follow_the_run(
    transactional_db: None,
    browser_page: Any,
    make_user: Any,
    tmp_path: Path,
    upload_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queued: list[ImportRun] = []
    monkeypatch.setattr(actions, "launcher", queued.append)  # started below, by the test
    make_user("hq_coordinator", email="hq@example.org")
    upload = tmp_path / "publisher.xml"
    upload.write_bytes(
        activity_xml(
            "<iati-identifier>XM-BROWSER-1</iati-identifier>"
            "<title><narrative>Seen in the browser</narrative></title>",
            attrs='xml:lang="en"',
        )
    )
    page = browser_page
    try:
        page.goto(f"{page.base}/en/accounts/login/")
        page.fill("#id_username", "hq@example.org")
        page.fill("#id_password", "secret-pass-1")
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        page.click("nav.main-nav >> text=IATI import")
        page.set_input_files("#id_file", str(upload))
        page.click("text=Upload and import")
        page.wait_for_load_state()
        assert page.locator("#run-progress").inner_text().startswith("Waiting to start")
        assert len(queued) == 1
        call_command("import_iati", run=queued[0].pk, verbosity=0)  # the detached process
        page.wait_for_function(
            "document.querySelector('#run-progress').innerText.includes('Finished')",
            timeout=10000,
        )
        assert "Activities read\n1" in page.locator("#run-progress").inner_text()
    finally:
        connections.close_all()
