"""Benchmark of the IATI import: activities per second and peak memory, cold and unchanged.

    .venv/bin/python bench/import.py --activities 100000 [--database sqlite|postgresql|both]
                                     [--jobs N] [--batch-size N] [--data DIR] [--one-file]

Builds the real samples repeated with new identifiers up to N activities, one file per sample
(`import_data.py`; `--one-file`: all in one file; `--data DIR` keeps them for later runs), then
for each database: an empty database (migrated, reference data loaded), a cold import of every
file, and the same import again (nothing changed, so nothing is written). Each import is
`bali import-iati FOLDER --json --jobs N` in its own process. Measured: wall time from start to
exit (Django start-up included), CPU time of the importing process and of its reader processes
(sampled from /proc every 50 ms, so the last ~50 ms of a process may be missed), the peak of
their summed proportional resident memory (PSS: pages a forked reader shares with its parent
count once; sampled every second), the sampler's own CPU time, and the machine's load average
before and after (the cores are shared: with a load above the number of cores the wall time is
longer than the CPU time alone explains).
Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from import_data import build, build_one_file  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG_SERVER = os.environ.get("BALI_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
PG_DATABASE = "bali_bench_import"
TICK = os.sysconf("SC_CLK_TCK")
# The sampler shares the machine's cores with the import it measures: CPU times are read every
# 50 ms (cheap), memory every second, the list of server processes every 500 ms. Reading a
# process's PSS walks its page tables under its memory lock: read every 200 ms it slowed a
# PostgreSQL first import by ~7 % (36.6 s instead of 34.0 s) for the same peak (214-218 MB);
# every second, 33.8 s and 216 MB. Its own CPU time is reported (`sampler_cpu_seconds`).
TICK_SECONDS = 0.05
MEMORY_EVERY = 20
SERVER_EVERY = 10


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _stat(pid: int, memory: bool = True) -> tuple[float, int] | None:
    """(CPU seconds, proportional resident bytes or 0 when `memory` is false) of a live
    process. PSS, not RSS: a forked reader shares its parent's pages, which RSS would count
    twice. Reading PSS walks the process's page tables (~2 ms for an importing process), so
    it is read less often than the CPU time."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text() if memory else ""
    except OSError:
        return None
    pss = next((line.split()[1] for line in rollup.splitlines() if line.startswith("Pss:")), "0")
    return (int(fields[11]) + int(fields[12])) / TICK, int(pss) * 1024


def _server_pids(database_url: str | None) -> Callable[[], list[int]]:
    """A function listing the PostgreSQL server processes that serve the benchmark database
    (their CPU is the import's too), or none for SQLite."""
    if not database_url or not database_url.startswith("postgres"):
        return lambda: []
    import psycopg

    watcher = psycopg.connect(database_url, autocommit=True)

    def pids() -> list[int]:
        rows = watcher.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchall()
        return [row[0] for row in rows]

    return pids


class TreeSampler(threading.Thread):
    """Samples a process and its children (CPU seconds per process, peak summed PSS), and the
    database server processes working for them (CPU seconds)."""

    def __init__(self, pid: int, server_pids: Callable[[], list[int]]) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.server_pids = server_pids
        self.cpu: dict[int, float] = {}
        self.server_cpu: dict[int, float] = {}
        self.server_start: dict[int, float] = {}
        self.peak_rss = 0
        self.own_cpu = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        tick = 0
        servers: list[int] = []
        first: set[int] | None = None
        while not self.done.is_set():
            if tick % SERVER_EVERY == 0:
                servers = self.server_pids()
                if first is None:
                    first = set(servers)
                for pid in servers:  # one started since (the indexing thread's): all its CPU
                    if pid not in first:
                        self.server_start.setdefault(pid, 0.0)
            memory = tick % MEMORY_EVERY == 0
            total = 0
            for pid in (self.pid, *_children(self.pid)):
                found = _stat(pid, memory)
                if found is not None:
                    self.cpu[pid] = found[0]
                    total += found[1]
            for pid in servers:
                found = _stat(pid, False)
                if found is not None:
                    self.server_cpu[pid] = found[0] - self.server_start.setdefault(pid, found[0])
            self.peak_rss = max(self.peak_rss, total)
            self.own_cpu = time.thread_time()
            tick += 1
            time.sleep(TICK_SECONDS)


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _run(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    load_before = _load()
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    sampler = TreeSampler(process.pid, _server_pids(env.get("BALI_DATABASE_URL")))
    sampler.start()
    assert process.stdout is not None
    output = process.stdout.read().decode()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    sampler.done.set()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed with status {status}")
    own = sampler.cpu.get(process.pid, 0.0)
    readers = [round(cpu, 2) for pid, cpu in sampler.cpu.items() if pid != process.pid]
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,  # the process and its readers (wait4)
        "writer_cpu_seconds": round(own, 2),
        "reader_cpu_seconds": readers,
        # PostgreSQL: CPU of the server processes serving the import (sampled: lower bound).
        "server_cpu_seconds": round(sum(sampler.server_cpu.values()), 2),
        "peak_memory_mb": round(sampler.peak_rss / 2**20),  # summed PSS of all processes
        "peak_rss_mb": usage.ru_maxrss // 1024,  # RSS of the largest process (wait4)
        "load_before": load_before,
        "load_after": _load(),
        "sampler_cpu_seconds": round(sampler.own_cpu, 2),
        "output": output,
    }


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


def _measure(
    label: str, folder: Path, env: dict[str, str], expected: int, jobs: int, batch_size: int
) -> dict[str, Any]:
    command = [PYTHON, "-m", "bali", "import-iati", str(folder), "--json", "-v", "0"]
    measured = _run([*command, "--jobs", str(jobs), "--batch-size", str(batch_size)], env)
    summary = json.loads(measured.pop("output"))
    seconds = measured.pop("seconds")
    busiest = max([measured["writer_cpu_seconds"], *measured["reader_cpu_seconds"]])
    return {
        "run": label,
        "activities": summary["activities"],
        "created": summary["created"],
        "updated": summary["updated"],
        "unchanged": summary["unchanged"],
        "skipped": summary["skipped"],
        "seconds": round(seconds, 2),
        "activities_per_second": round(summary["activities"] / seconds),
        **measured,
        "cpu_seconds": round(measured["cpu_seconds"], 2),
        "activities_per_cpu_second": round(summary["activities"] / measured["cpu_seconds"]),
        # What the wall time would be with a free core for each process: the busiest one.
        "activities_per_busiest_cpu_second": round(summary["activities"] / busiest)
        if busiest
        else None,
        "complete": summary["activities"] == expected,
    }


def bench_database(
    kind: str, folder: Path, workdir: Path, count: int, jobs: int, batch_size: int
) -> dict[str, Any]:
    env = _fresh_database(kind, workdir)
    return {
        "database": kind,
        "jobs": jobs,
        "batch_size": batch_size,
        "runs": [
            _measure("cold import", folder, env, count, jobs, batch_size),
            _measure("unchanged re-import", folder, env, count, jobs, batch_size),
        ],
    }


def _input(folder: Path, count: int, one_file: bool) -> int:
    """Build the input, or reuse it when `folder` already holds it."""
    marker = folder / "activities.txt"
    wanted = f"{count} {'one file' if one_file else 'one file per sample'}"
    if marker.exists() and marker.read_text().strip() == wanted:
        return count
    for old in folder.glob("*.xml"):
        old.unlink()
    written = build_one_file(folder, count) if one_file else build(folder, count)
    marker.write_text(wanted)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--jobs", type=int, default=2, help="bali import-iati --jobs (default 2)")
    parser.add_argument(
        "--batch-size", type=int, default=500, help="bali import-iati --batch-size (default 500)"
    )
    parser.add_argument("--data", type=Path, help="folder for the input files, kept between runs")
    parser.add_argument(
        "--one-file",
        action="store_true",
        help="all activities in a single file (the IATI 2.0x samples), to show that memory "
        "does not grow with the size of a file",
    )
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    with tempfile.TemporaryDirectory(prefix="bali-bench-import-") as scratch:
        workdir = Path(scratch)
        folder = args.data or workdir / "files"
        folder.mkdir(parents=True, exist_ok=True)
        written = _input(folder, args.activities, args.one_file)
        files = sorted(folder.glob("*.xml"))
        size = sum(p.stat().st_size for p in files)
        results = [
            bench_database(k, folder, workdir, written, args.jobs, args.batch_size) for k in kinds
        ]
    print(
        json.dumps(
            {
                "benchmark": "iati-import",
                "activities": written,
                "files": len(files),
                "one_file": args.one_file,
                "megabytes": round(size / 1e6, 1),
                "cores": os.cpu_count(),
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
