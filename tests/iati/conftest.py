"""Fixtures of the IATI exchange tests: the real sample files, the XML schemas, an in-process
importer, and small hand-made IATI files."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from lxml import etree

from bali.iati import actions, runs
from bali.iati.models import ImportRun
from bali.iati.service import ImportOptions, ImportReport, import_sources
from bali.iati.sources import expand_sources

REPO = Path(__file__).resolve().parents[2]
# The shared data sits beside the checkout (`../shared`); a clone elsewhere finds it through
# BALI_SHARED_DIR or at the workplace's fixed location.
SHARED_CANDIDATES = [Path(p) for p in (os.environ.get("BALI_SHARED_DIR", ""), "/work/shared") if p]
SAMPLES = next(
    (
        (base / "iati" / "samples").resolve()
        for base in [REPO / ".." / "shared", *SHARED_CANDIDATES]
        if (base / "iati" / "samples").is_dir()
    ),
    (REPO / ".." / "shared" / "iati" / "samples").resolve(),
)
SCHEMAS = REPO / "src" / "bali" / "iati" / "data" / "schemas"


@pytest.fixture(scope="session")
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.fail(f"the real IATI samples are missing: {SAMPLES} (../shared/iati/samples)")
    return SAMPLES


@pytest.fixture(scope="session")
def activity_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "iati-activities-schema.xsd")))


@pytest.fixture(scope="session")
def organisation_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "iati-organisations-schema.xsd")))


def remove_imported() -> None:
    """Delete what imports created (activities, their history, organisations, runs)."""
    from bali.activities.models import Activity, ActivityChange
    from bali.organisations.models import Organisation

    ActivityChange.objects.all().delete()
    Activity.objects.all().delete()
    Organisation.objects.all().delete()
    ImportRun.objects.all().delete()


@pytest.fixture
def import_paths(db: None) -> Callable[..., ImportReport]:
    """Import files or folders in this process, as `bali import-iati` does."""

    def run(*paths: Path | str, **options: Any) -> ImportReport:
        sources = expand_sources([str(p) for p in paths])
        return import_sources(sources, ImportOptions(**options))

    return run


def activity_xml(body: str, *, attrs: str = "", root: str = 'version="2.03"') -> bytes:
    """A small IATI file with one activity (or several: pass whole elements in `body`)."""
    if "<iati-activity" not in body:
        body = f"<iati-activity {attrs}>{body}</iati-activity>"
    head = "<?xml version='1.0' encoding='UTF-8'?>"
    return f"{head}\n<iati-activities {root}>\n{body}\n</iati-activities>\n".encode()


@pytest.fixture
def write_xml(tmp_path: Path) -> Callable[..., Path]:
    counter = {"n": 0}

    def write(content: bytes | str, name: str | None = None) -> Path:
        counter["n"] += 1
        path = tmp_path / (name or f"file{counter['n']}.xml")
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return write


@pytest.fixture
def inline_runs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ImportRun]]:
    """Web and API uploads run in this process (the test database is not visible to a child
    process) through the same command the detached process runs."""
    started: list[ImportRun] = []

    def launch(run: ImportRun) -> None:
        from django.core.management import call_command

        started.append(run)
        try:
            call_command("import_iati", run=run.pk, verbosity=0)
        except SystemExit as exit:  # exit code 1: a file failed, recorded in the run
            assert exit.code == 1

    monkeypatch.setattr(actions, "launcher", launch)
    yield started


@pytest.fixture
def upload_dir(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return runs.upload_dir()


@pytest.fixture(autouse=True)
def _leave_no_process_state() -> Iterator[None]:
    """These tests write and roll back many activities, and ask the API for other languages:
    leave neither the search engine's process-level index nor an active language behind for
    the tests that follow."""
    yield
    from django.utils import translation

    translation.deactivate()
    try:
        from bali.search import engine
    except ImportError:  # the engine has no process state to forget
        return
    engine.reset()


@dataclass
class ExternalDatabase:
    """A database a `bali` subprocess can use, and a way to read it from the test."""

    env: dict[str, str]
    path: Path | None  # the SQLite file; None: the PostgreSQL test database itself

    def scalar(self, sql: str) -> Any:
        if self.path is not None:
            with closing(sqlite3.connect(self.path, timeout=20)) as database:
                return database.execute(sql).fetchone()[0]
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    def bali(self, *args: str, **kwargs: Any) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "bali", *args]
        return subprocess.Popen(command, env=self.env, cwd=REPO, **kwargs)


@pytest.fixture
def external_database(transactional_db: None, tmp_path: Path) -> ExternalDatabase:
    """The test database's schema and reference data, for commands run as real processes.

    SQLite: a file copy of the test database (which may live in memory, out of another
    process's reach). PostgreSQL: the test database itself, which this test commits to
    (`transactional_db` empties it afterwards).
    """
    from django.db import connection

    env = {**os.environ, "BALI_DATA_DIR": str(tmp_path / "data")}
    env.pop("BALI_TEST_DB_NAME", None)
    if connection.vendor == "sqlite":
        path = tmp_path / "external.sqlite3"
        connection.ensure_connection()
        with closing(sqlite3.connect(path)) as target:
            connection.connection.backup(target)
        env["BALI_DATABASE_URL"] = f"sqlite:///{path}"
        return ExternalDatabase(env, path)
    settings = connection.settings_dict
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    env["BALI_DATABASE_URL"] = (
        f"postgresql://{quote(settings['USER'])}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    return ExternalDatabase(env, None)
