"""Benchmark of the IATI import: activities per second and peak memory, cold and unchanged.

    .venv/bin/python bench/import.py --activities 100000 [--database sqlite|postgresql|both]

Builds the real samples repeated with new identifiers up to N activities (`import_data.py`),
then for each database: an empty database (migrated, reference data loaded), a cold import of
every file, and the same import again (nothing changed, so nothing is written). Each import is
`bali import-iati FOLDER --json` in its own process; the time is the process's wall time and the
memory its peak resident set (RSS high-water mark, from wait4). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from import_data import build  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG_SERVER = os.environ.get("BALI_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
PG_DATABASE = "bali_bench_import"


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """(wall seconds, CPU seconds, peak RSS in MB, stdout) of a child process."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    output = process.stdout.read().decode()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed with status {status}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, output


def _fresh_database(kind: str, workdir: Path) -> dict[str, str]:
    env = {**os.environ, "BALI_DATA_DIR": str(workdir / kind)}
    if kind == "postgresql":
        admin = f"{PG_SERVER}/postgres"
        for sql in (f"DROP DATABASE IF EXISTS {PG_DATABASE}", f"CREATE DATABASE {PG_DATABASE}"):
            subprocess.run(["psql", admin, "-q", "-c", sql], check=True, capture_output=True)
        env["BALI_DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
    else:
        env.pop("BALI_DATABASE_URL", None)
    for command in (["migrate", "-v", "0"], ["load-reference"]):
        subprocess.run([PYTHON, "-m", "bali", *command], env=env, check=True, capture_output=True)
    return env


def _measure(label: str, folder: Path, env: dict[str, str], expected: int) -> dict[str, Any]:
    seconds, cpu, peak_mb, output = _run(
        [PYTHON, "-m", "bali", "import-iati", str(folder), "--json", "-v", "0"], env
    )
    summary = json.loads(output)
    return {
        "run": label,
        "activities": summary["activities"],
        "created": summary["created"],
        "updated": summary["updated"],
        "unchanged": summary["unchanged"],
        "skipped": summary["skipped"],
        "seconds": round(seconds, 2),
        "activities_per_second": round(summary["activities"] / seconds),
        "cpu_seconds": round(cpu, 2),
        "activities_per_cpu_second": round(summary["activities"] / cpu),
        "peak_rss_mb": peak_mb,
        "complete": summary["activities"] == expected,
    }


def bench_database(kind: str, folder: Path, workdir: Path, count: int) -> dict[str, Any]:
    env = _fresh_database(kind, workdir)
    return {
        "database": kind,
        "runs": [
            _measure("cold import", folder, env, count),
            _measure("unchanged re-import", folder, env, count),
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    with tempfile.TemporaryDirectory(prefix="bali-bench-import-") as scratch:
        workdir = Path(scratch)
        folder = workdir / "files"
        written = build(folder, args.activities)
        size = sum(p.stat().st_size for p in folder.iterdir())
        files = len(list(folder.iterdir()))
        results = [bench_database(kind, folder, workdir, written) for kind in kinds]
    print(
        json.dumps(
            {
                "benchmark": "iati-import",
                "activities": written,
                "files": files,
                "megabytes": round(size / 1e6, 1),
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
