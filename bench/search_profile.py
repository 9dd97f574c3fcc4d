"""Where the time of a search request goes, in one process: SQL, the search engine (numpy and
Python), the page's template, the rest of the view.

    .venv/bin/python bench/search_profile.py [--database sqlite|postgresql] [--repeat 3]
        [--cold] [--profile FILE] [PATH ...]

Runs against the database `bench/search.py` built (bench/out/search-<database>/), through
Django's test client (no HTTP, no gunicorn), each path `--repeat` times. With `--cold` the
engine's per-process caches are emptied before every request, as for the first request of a
variant in the HTTP benchmark. Prints JSON: per path, the median and worst of each part in
milliseconds (wall clock; `cpu`: the process's CPU time, less disturbed by a loaded machine),
and the load average. `--profile FILE` also writes a cProfile of every request
(read it with `python -m pstats FILE`).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_PATHS = [
    "/en/activities/",
    "/en/activities/?q=climate",
    "/en/activities/?q=training",
    "/en/activities/?q=%22climate%20change%22",
    "/en/activities/?q=%E6%B0%94%E5%80%99",
    "/en/activities/?country=KE&theme=TH02",
    "/en/activities/?page=25000",
    "/api/v1/activities?q=climate",
    "/api/v1/activities?country=KE&theme=TH02",
    "/en/activities/123457/",
]


class Clock:
    """Milliseconds spent inside wrapped calls (outermost call only)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self._depth: dict[str, int] = {}

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            depth = self._depth.get(name, 0)
            self._depth[name] = depth + 1
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self._depth[name] = depth
                if depth == 0:
                    elapsed = (time.perf_counter() - started) * 1000
                    self.spent[name] = self.spent.get(name, 0.0) + elapsed

        return timed

    def sql(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            self.spent["sql"] = self.spent.get("sql", 0.0) + elapsed
            self.spent["sql_queries"] = self.spent.get("sql_queries", 0.0) + 1


def _setup(kind: str) -> None:
    import search as bench_search

    os.environ.update(bench_search._environment(kind, ROOT / "bench" / "out" / f"search-{kind}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bali.config.settings")
    import django

    django.setup()


def _instrument(clock: Clock) -> None:
    """Wrap the pieces whose time we split: the search service and its engine steps, and
    template rendering. Steps a version of the engine does not have are left out."""
    import importlib

    from django.template.backends.django import Template

    steps = [
        ("service", "search", "search"),
        ("service", "_load_results", "search.load_results"),
        ("engine", "current_index", "search.freshness"),
        ("engine", "text_matches", "search.text_matches"),
        ("matching", "text_matches", "search.text_matches"),
        ("matching", "term_fields", "search.term_fields"),
        ("matching", "text_rows", "search.text_rows"),
        ("service", "filter_masks", "search.filters"),
        ("service", "facet_counts", "search.facet_counts"),
        ("counting", "facet_counts", "search.facet_counts"),
        ("service", "_facet_values", "search.facet_labels"),
        ("relevance", "page", "search.relevance"),
        ("service", "_sorted_page", "search.sorted_page"),
    ]
    for module_name, name, label in steps:
        try:
            module = importlib.import_module(f"bali.search.{module_name}")
        except ImportError:
            continue
        if hasattr(module, name):
            setattr(module, name, clock.wrap(label, getattr(module, name)))
    Template.render = clock.wrap("template", Template.render)


def _forget_caches() -> None:
    from bali.search import engine

    for current in engine._STATES.values():
        current.forget_answers()


@contextmanager
def _maybe_profile(profiler: cProfile.Profile | None) -> Iterator[None]:
    if profiler is None:
        yield
        return
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()


def measure(
    paths: list[str], repeat: int, cold: bool, profiler: cProfile.Profile | None
) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    clock = Clock()
    _instrument(clock)
    client = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST="127.0.0.1")
    client.get("/en/activities/")  # load the index, warm the reference caches
    report: dict[str, Any] = {}
    for path in paths:
        runs: list[dict[str, float]] = []
        for _ in range(repeat):
            if cold:
                _forget_caches()
            clock.spent = {}
            started, cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(clock.sql), _maybe_profile(profiler):
                response = client.get(path)
            total = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu) * 1000
            runs.append({"total": total, "cpu": cpu, "status": response.status_code, **clock.spent})
        report[path] = _summary(runs)
    return report


def _summary(runs: list[dict[str, float]]) -> dict[str, Any]:
    keys = sorted({key for run in runs for key in run} - {"status"})
    result: dict[str, Any] = {"status": sorted({int(run["status"]) for run in runs})}
    for key in keys:
        values = [run.get(key, 0.0) for run in runs]
        result[key] = {"median": round(statistics.median(values), 1), "max": round(max(values), 1)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="empty the engine's caches first")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the requests")
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    args = parser.parse_args()
    _setup(args.database)
    profiler = cProfile.Profile() if args.profile else None
    load_before = os.getloadavg()
    report = measure(args.paths, args.repeat, args.cold, profiler)
    if profiler is not None:
        profiler.dump_stats(str(args.profile))
    output = {
        "database": args.database,
        "cold": args.cold,
        "repeat": args.repeat,
        "load_average": [list(load_before), list(os.getloadavg())],
        "paths": report,
    }
    print(json.dumps(output, indent=2))


if __name__ == "__main__":
    main()
