"""Benchmark of the streamed exports over HTTP: CSV with one row per activity, per activity ×
country and per activity × sector, and the JSON export, of every activity.

    .venv/bin/python bench/export.py --activities 1000000 --workdir /tmp/bench-export \\
        [--reuse] [--kinds activity,country,sector,json] [--workers 2] [--lang en]

Builds an SQLite database of N activities in WORKDIR with the search benchmark's builder
(`bench/search.py`: `search_data.py`, then `bali search-index --rebuild`; `--reuse` keeps one
built before for the same N), serves it with gunicorn (`bali serve --prod`) on loopback and
streams each export once from one client, counting lines and bytes while the workers' memory is
watched. Prints JSON: lines per second, megabytes, the workers' resident memory before and at
peak, and the load average before and after each export. The machine is shared (two cores):
read every rate together with its load average.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import search_http  # noqa: E402

import search  # noqa: E402

PATHS = {
    "activity": "/{lang}/activities/export.csv",
    "country": "/{lang}/activities/export.csv?rows=country",
    "sector": "/{lang}/activities/export.csv?rows=sector",
    "json": "/{lang}/activities/export.json",
}


def _load() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def measure(workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Serve the database and stream each export kind once."""
    with search.served(search._environment("sqlite", workdir), args.workers) as (base, pid):
        search_http.warm_up(base, f"/{args.lang}/activities/", args.workers)
        results: dict[str, Any] = {}
        for kind in args.kinds.split(","):
            before = _load()
            result = search_http.export(base, PATHS[kind].format(lang=args.lang), pid)
            results[kind] = {**result, "load_average_before": before, "load_average_after": _load()}
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "export-sqlite")
    parser.add_argument("--reuse", action="store_true", help="keep a database built before")
    parser.add_argument("--kinds", default="activity,country,sector,json")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    unknown = set(args.kinds.split(",")) - set(PATHS)
    if unknown:
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
    built = search.build("sqlite", args.activities, args.workdir, args.reuse)
    report = {
        "benchmark": "export",
        "activities": args.activities,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "build": built,
        "database_mb": search.database_megabytes("sqlite", args.workdir),
        "workers": args.workers,
        "exports": measure(args.workdir, args),
    }
    search.write_report(report, args.out)


if __name__ == "__main__":
    main()
