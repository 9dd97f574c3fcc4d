"""HTTP measurements for the search benchmark: latency percentiles of a fixed set of requests,
export throughput, and the memory of the server's worker processes."""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any


def fetch(base: str, path: str, timeout: float = 300.0) -> tuple[int, bytes, float]:
    """(status, body, milliseconds) of one GET."""
    started = time.perf_counter()
    request = urllib.request.Request(base + path, headers={"Accept-Language": "en"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    return status, body, (time.perf_counter() - started) * 1000


def wait_until_up(base: str, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if fetch(base, "/healthz", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server at {base} did not start")


def warm_up(base: str, path: str, workers: int) -> list[float]:
    """Concurrent requests so that every worker process loads its index; their latencies."""
    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        results = list(pool.map(lambda _: fetch(base, path), range(workers * 4)))
    return [round(ms, 1) for _status, _body, ms in results]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

    return {
        "n": len(ordered),
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "mean_ms": round(statistics.fmean(ordered), 1),
        "max_ms": round(ordered[-1], 1),
    }


def measure(base: str, variants: list[str], repeat: int) -> dict[str, Any]:
    """Latency of `repeat` requests cycling through the variants (each variant's first request
    is also reported apart: nothing of it was cached yet in the process that answered)."""
    samples: list[float] = []
    first: list[float] = []
    statuses: dict[int, int] = {}
    seen: set[str] = set()
    for i in range(repeat):
        path = variants[i % len(variants)]
        status, _body, ms = fetch(base, path)
        statuses[status] = statuses.get(status, 0) + 1
        samples.append(ms)
        if path not in seen:
            seen.add(path)
            first.append(ms)
    return {
        **percentiles(samples),
        "first_request_of_each_variant": percentiles(first),
        "variants": len(variants),
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
    }


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class MemoryWatch:
    """Samples the resident memory of the server's workers while something runs."""

    def __init__(self, master: int) -> None:
        self.master = master
        self.peak: dict[int, float] = {}
        self.before = {pid: rss_mb(pid) for pid in worker_pids(master)}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in worker_pids(self.master):
                self.peak[pid] = max(self.peak.get(pid, 0.0), rss_mb(pid))
            time.sleep(0.2)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def report(self) -> dict[str, Any]:
        growth = [self.peak.get(pid, 0.0) - rss for pid, rss in self.before.items()]
        return {
            "workers_rss_before_mb": [round(v) for v in self.before.values()],
            "workers_rss_peak_mb": [round(self.peak.get(pid, 0.0)) for pid in self.before],
            "largest_growth_mb": round(max(growth, default=0.0)),
        }


def export(
    base: str, path: str, master: int, progress: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """Stream an export to nowhere, counting rows, with the workers' memory watched."""
    request = urllib.request.Request(base + path, headers={"Accept-Language": "en"})
    rows = size = 0
    status, error = 0, None
    with MemoryWatch(master) as watch:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=3600) as response:
                status = response.status
                while chunk := response.read(1 << 20):
                    size += len(chunk)
                    rows += chunk.count(b"\n")
                    if progress:
                        progress(rows)
        except (OSError, http.client.HTTPException) as exc:  # e.g. the worker was killed
            error = f"{type(exc).__name__} after {rows} lines"
        seconds = time.perf_counter() - started
    return {
        "path": path,
        "status": status,
        "error": error,
        "seconds": round(seconds, 1),
        "lines": rows,
        "megabytes": round(size / 1e6, 1),
        "lines_per_second": round(rows / seconds) if seconds else None,
        **watch.report(),
    }


def first_json(base: str, path: str) -> dict[str, Any]:
    status, body, _ms = fetch(base, path)
    if status != 200:
        return {}
    return json.loads(body)
