"""The `bali` command: Django's commands and the project's own, hyphenated names."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from bali.activities.models import Activity


def _bali(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("BALI_", "DJANGO_"))}
    environ["BALI_DATA_DIR"] = str(cwd)
    return subprocess.run(
        [sys.executable, "-m", "bali", *args],
        env=environ,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_runs_django_and_own_commands_with_hyphens(tmp_path: Path) -> None:
    assert _bali("migrate", "--noinput", cwd=tmp_path).returncode == 0
    loaded = _bali("load-reference", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert "countries: 249 created" in loaded.stdout
    again = _bali("load_reference", cwd=tmp_path)
    assert "countries: 0 created, 0 updated, 249 unchanged" in again.stdout
    created = _bali(
        "create-user", "hq@example.org", "--role", "hq_coordinator", "--token", cwd=tmp_path
    )
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip().splitlines()[-1].startswith("bali_")
    bad = _bali("create-user", "x@example.org", "--role", "nobody", cwd=tmp_path)
    assert bad.returncode != 0 and "invalid choice" in bad.stderr
    help_text = _bali("serve", "--help", cwd=tmp_path)
    assert "--prod" in help_text.stdout


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "bali"
    assert script.exists()
    result = subprocess.run([str(script), "help"], capture_output=True, text=True, timeout=120)
    assert "load_reference" in result.stdout and "demo" in result.stdout


@pytest.mark.django_db
def test_demo_is_deterministic_and_idempotent() -> None:
    import random

    from bali.activities.demo import activity_data

    first = activity_data(7, random.Random("seed"))
    second = activity_data(7, random.Random("seed"))
    assert first == second
    call_command("demo", stdout=StringIO())
    count = Activity.objects.count()
    assert count == 320
    regions = set(Activity.objects.values_list("countries__country__unep_region_id", flat=True))
    assert {"AFR", "ASP", "EUR", "LAC", "WAS"} <= regions
    themes = set(Activity.objects.values_list("themes__theme_id", flat=True))
    assert len(themes - {None}) == 32
    languages = {
        lang for title in Activity.objects.values_list("title", flat=True) for lang in title
    }
    assert languages == {"ar", "zh", "en", "fr", "ru", "es"}
    call_command("demo", stdout=StringIO())
    assert Activity.objects.count() == count
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "not loaded" in out.getvalue()


def test_serve_prod_runs_gunicorn(tmp_path: Path) -> None:
    """`bali serve --prod` serves through gunicorn (the production path, not runserver)."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("BALI_", "DJANGO_"))}
    environ.update(
        BALI_DATA_DIR=str(tmp_path), BALI_SECURE_SSL_REDIRECT="0", BALI_SECRET_KEY="x" * 60
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "bali", "serve", f"127.0.0.1:{port}", "--prod", "--workers", "1"],
        env=environ,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = ""
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read().decode()
                    server_header = r.headers.get("Server", "")
                break
            except OSError:
                time.sleep(0.1)
        assert body == '{"status": "ok"}'
        assert "gunicorn" in server_header
    finally:
        server.terminate()
        server.wait(timeout=20)
