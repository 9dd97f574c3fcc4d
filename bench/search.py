"""Benchmark of the search engine, the pages and the exports at scale, over HTTP.

    .venv/bin/python bench/search.py --activities 1000000 [--database sqlite|postgresql|both]
        [--out FILE] [--workers 2] [--repeat 60] [--reuse] [--no-export]

For each database: an empty database (migrated, reference data loaded), N realistic activities
written straight into the tables (`search_data.py`), `bali search-index --rebuild`, then
`bali serve --prod` (gunicorn) on loopback and, from one client, the latency of a fixed set of
requests to the search page and to `/api/v1/activities` (empty query with all facets, one word,
a phrase, a CJK word, country + theme filters, a deep page) and to activity pages; then a CSV
export of every activity (rows per second, and the workers' memory while it streams); and the
database's size on disk. Prints JSON (and writes it to --out).

--reuse keeps a database built before for the same N (in bench/out/) instead of building again.
PostgreSQL: `BALI_BENCH_POSTGRES` (default postgresql://postgres@127.0.0.1:5432), database
`bali_bench_search`, dropped and created.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import search_http  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG_SERVER = os.environ.get("BALI_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
PG_DATABASE = "bali_bench_search"

WORDS = [
    "climate", "ozone", "biodiversity", "wetlands", "mercury", "training", "drought", "solar",
    "customs", "biosafety", "mangroves", "pesticides", "recycling", "aquifer", "cookstoves",
    "indigenous", "certification", "satellite", "landfill", "geothermal",
]  # fmt: skip
PHRASES = [
    '"climate change"', '"customs officers"', '"early warning"', '"protected areas"',
    '"national biosafety framework"', '"land degradation"', '"river basin"', '"solar panels"',
]  # fmt: skip
CJK = ["气候", "臭氧", "生物", "培训", "评估", "土地", "框架", "湿地", "干旱", "海关"]
PLACES = [("KE", "TH02"), ("CN", "TH12"), ("PE", "TH07"), ("IN", "CC04"), ("SN", "TH03"),
          ("EG", "TH04"), ("KZ", "CC07"), ("BR", "TH01")]  # fmt: skip
DEEP_SHARES = (0.05, 0.25, 0.5, 0.9)  # deep pages: this far into all activities (20 a page)


def _environment(kind: str, workdir: Path) -> dict[str, str]:
    url = f"sqlite:///{workdir}/bench.sqlite3"
    if kind == "postgresql":
        url = f"{PG_SERVER}/{PG_DATABASE}"
    return {
        **os.environ,
        "BALI_DATA_DIR": str(workdir),
        "BALI_DATABASE_URL": url,
        "BALI_SECRET_KEY": "bench-not-secret",
        "BALI_DEBUG": "0",
        "BALI_SECURE_SSL_REDIRECT": "0",
        "BALI_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BALI_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    }


def _timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
    return round(time.perf_counter() - started, 1)


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def _fresh(kind: str, workdir: Path) -> None:
    if kind == "postgresql":
        _psql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        _psql(f"CREATE DATABASE {PG_DATABASE}")
    else:
        for path in workdir.glob("bench.sqlite3*"):
            path.unlink()
    for path in (workdir / "search").glob("*"):
        subprocess.run(["rm", "-rf", str(path)], check=True)


def build(kind: str, count: int, workdir: Path, reuse: bool) -> dict[str, Any]:
    """The database with `count` activities, indexed; timings of each step."""
    env = _environment(kind, workdir)
    marker = workdir / "built.json"
    if reuse and marker.exists() and json.loads(marker.read_text()).get("activities") == count:
        # the code may have changed since: bring the index and its snapshot up to date
        snapshot_s = _timed([PYTHON, "-m", "bali", "search-index", "--snapshot"], env)
        return {**json.loads(marker.read_text()), "reused": True, "snapshot_s": snapshot_s}
    workdir.mkdir(parents=True, exist_ok=True)
    _fresh(kind, workdir)
    bali = [PYTHON, "-m", "bali"]
    writer = [PYTHON, str(ROOT / "bench" / "search_data.py"), str(count)]
    timings = {
        "activities": count,
        "migrate_s": _timed([*bali, "migrate", "--noinput"], env),
        "load_reference_s": _timed([*bali, "load-reference"], env),
        "write_activities_s": _timed(writer, env),
        "search_index_rebuild_s": _timed([*bali, "search-index", "--rebuild"], env),
    }
    marker.write_text(json.dumps(timings))
    return timings


def database_megabytes(kind: str, workdir: Path) -> float:
    if kind == "postgresql":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/{PG_DATABASE}") as connection:
            size = connection.execute(f"SELECT pg_database_size('{PG_DATABASE}')").fetchone()
        return round(size[0] / 1e6, 1)
    files = list(workdir.glob("bench.sqlite3*"))
    return round(sum(path.stat().st_size for path in files) / 1e6, 1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _encode(query: str) -> str:
    """`?q=气候&page=2` with its values percent-encoded."""
    parts = (part.partition("=") for part in query[1:].split("&"))
    return "?" + "&".join(f"{key}={quote(value)}" for key, _, value in parts if key)


def request_sets(base: str, count: int) -> dict[str, dict[str, list[str]]]:
    rng = random.Random(7)
    pages = max(1, count // 20)
    deep = sorted({max(2, int(pages * share)) for share in DEEP_SHARES})
    cursor_page = f"/api/v1/activities?page={max(2, min(500, pages // 2))}"
    api_cursor = search_http.first_json(base, cursor_page).get("next_cursor")
    sets = {
        "empty_query_all_facets": ["?"],
        "one_word": [f"?q={w}" for w in WORDS],
        "phrase": [f"?q={p}" for p in PHRASES],
        "cjk_word": [f"?q={w}" for w in CJK],
        "country_and_theme": [f"?country={c}&theme={t}" for c, t in PLACES],
        "deep_page": [f"?page={p}" for p in deep],
    }
    page = {name: [f"/en/activities/{_encode(q)}" for q in qs] for name, qs in sets.items()}
    api = {name: [f"/api/v1/activities{_encode(q)}" for q in qs] for name, qs in sets.items()}
    if api_cursor:
        api["deep_page_by_cursor"] = [f"/api/v1/activities?cursor={quote(api_cursor)}"]
    ids = [rng.randint(1, count) for _ in range(200)]
    return {
        "search_page": page,
        "api": api,
        "activity_page": {"activity_page": [f"/en/activities/{pk}/" for pk in ids]},
    }


@contextmanager
def served(env: dict[str, str], workers: int) -> Iterator[tuple[str, int]]:
    """`bali serve --prod` on a free loopback port for the length of the block: (base URL,
    the server's pid), once it answers; the whole process group is stopped afterwards."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [PYTHON, "-m", "bali", "serve", f"127.0.0.1:{port}", "--prod"]
    server = subprocess.Popen(
        [*command, "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        search_http.wait_until_up(base)
        yield base, server.pid
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def serve_and_measure(kind: str, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    with served(_environment(kind, workdir), args.workers) as (base, server_pid):
        result: dict[str, Any] = {
            "workers": args.workers,
            "first_requests_ms": search_http.warm_up(base, "/en/activities/", args.workers),
        }
        search_http.warm_up(base, "/api/v1/activities", args.workers)
        result["workers_rss_after_warm_up_mb"] = [
            round(search_http.rss_mb(pid)) for pid in search_http.worker_pids(server_pid)
        ]
        for group, sets in request_sets(base, args.activities).items():
            result[group] = {}
            for name, variants in sets.items():
                before = os.getloadavg()[0]
                figures = search_http.measure(base, variants, args.repeat)
                figures["load_average_1min"] = [round(before, 2), round(os.getloadavg()[0], 2)]
                result[group][name] = figures
        if not args.no_export:
            before = os.getloadavg()[0]
            result["csv_export_all"] = search_http.export(
                base, "/en/activities/export.csv", server_pid
            )
            result["csv_export_all"]["load_average_1min"] = [
                round(before, 2),
                round(os.getloadavg()[0], 2),
            ]
        return result


def run(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    workdir = ROOT / "bench" / "out" / f"search-{kind}"
    built = build(kind, args.activities, workdir, args.reuse)
    return {
        "build": built,
        "database_mb": database_megabytes(kind, workdir),
        "load_average_before": os.getloadavg(),
        **serve_and_measure(kind, workdir, args),
    }


def write_report(report: dict[str, Any], out: Path | None) -> None:
    """Print the benchmark's JSON, and write it to `out` when given."""
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if out:
        out.write_text(text + "\n")
    print(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=60, help="requests per kind of request")
    parser.add_argument("--reuse", action="store_true", help="keep a database built before")
    parser.add_argument("--no-export", action="store_true", help="skip the CSV export")
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    report = {
        "benchmark": "search",
        "activities": args.activities,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        **{kind: run(kind, args) for kind in kinds},
    }
    write_report(report, args.out)


if __name__ == "__main__":
    main()
