"""Keep-alive load test: N clients for S seconds against `kaltim-kg serve`, errors must be 0.

    python bench/loadtest.py [--clients 32] [--seconds 60] [--store DIR]

Builds the shipped facts into a temporary store (or serves `--store`), starts the server with
its defaults on a free loopback port, and runs N client threads, each on its own keep-alive
HTTP/1.1 connection from its own loopback address (127.0.0.x: a client is a remote address,
as the per-client query bound sees it). Each client cycles through a cheap mix: /health, an
ASK, a SELECT with a new text each time (never from the cache), a resource document, the
home page. Prints requests, req/s, p50/p99/max latency, errors by kind, and the server's
peak and final RSS (every process of it, query processes included), as Markdown.

Loopback only; the run is bounded by `--seconds` and every request by `--timeout`.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PATHS = (
    "/health",
    "/sparql?query=" + quote("ASK { ?s ?p ?o }"),
    None,  # a SELECT made new for each request
    "/id/country/JP.ttl",
    "/",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of `pid` and every process below it (Linux /proc), in MB."""
    total, frontier, seen = 0, [pid], set()
    while frontier:
        current = frontier.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for children in Path(f"/proc/{current}/task").glob("*/children"):
                frontier.extend(int(c) for c in children.read_text().split())
        except OSError:
            continue
    return total / 1024


def start_server(store: Path, port: int, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KALTIM_KG_")}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "kaltim_kg", "serve", "--store", str(store)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with open(log, "ab") as sink:
        process = subprocess.Popen(
            command, env=env, stdout=sink, stderr=sink, start_new_session=True
        )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}; see {log}")
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return process
        time.sleep(0.5)
    stop_server(process)
    raise RuntimeError("server not healthy after 300 s")


def stop_server(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class Client(threading.Thread):
    """One keep-alive connection from its own loopback address, requests back to back."""

    def __init__(self, index: int, port: int, until: float, timeout: float) -> None:
        super().__init__(daemon=True)
        self.index, self.port, self.until, self.timeout = index, port, until, timeout
        self.source = f"127.0.0.{10 + index}"
        self.latencies: list[float] = []
        self.errors: Counter[str] = Counter()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=self.timeout, source_address=(self.source, 0)
        )

    def run(self) -> None:
        conn = self._connect()
        turn = self.index
        while time.monotonic() < self.until:
            path = PATHS[turn % len(PATHS)]
            if path is None:
                query = f"SELECT ?s WHERE {{ ?s a ?type }} LIMIT {1 + turn % 50} # {self.index}"
                path = "/sparql?query=" + quote(query)
            turn += 1
            started = time.monotonic()
            try:
                conn.request("GET", path, headers={"Accept": "*/*"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    self.errors[f"HTTP {response.status}"] += 1
                    continue
                self.latencies.append(time.monotonic() - started)
            except (OSError, http.client.HTTPException) as exc:
                self.errors[type(exc).__name__] += 1
                conn.close()
                conn = self._connect()
        conn.close()


def run(store: Path, clients: int, seconds: float, timeout: float, log: Path) -> dict:
    port = free_port()
    server = start_server(store, port, log)
    try:
        for _ in range(20):  # warm every route once (templates, the in-memory copy starts)
            for path in PATHS:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                conn.request("GET", path or "/sparql?query=" + quote("ASK {}"))
                conn.getresponse().read()
                conn.close()
        until = time.monotonic() + seconds
        threads = [Client(i, port, until, timeout) for i in range(clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        peak = 0.0
        while any(t.is_alive() for t in threads):
            peak = max(peak, tree_rss_mb(server.pid))
            time.sleep(1)
        elapsed = time.monotonic() - started
        final = tree_rss_mb(server.pid)
    finally:
        stop_server(server)
    latencies = sorted(x for t in threads for x in t.latencies)
    errors: Counter[str] = Counter()
    for thread in threads:
        errors.update(thread.errors)
    return {
        "requests": len(latencies),
        "rate": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p99": latencies[int(len(latencies) * 0.99)] * 1000 if latencies else float("nan"),
        "max": latencies[-1] * 1000 if latencies else float("nan"),
        "errors": errors,
        "peak_rss": max(peak, final),
        "final_rss": final,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, seconds")
    parser.add_argument("--store", type=Path, help="serve this store (default: build one)")
    args = parser.parse_args()
    if not 1 <= args.clients <= 200:
        parser.error("--clients must be between 1 and 200 (127.0.0.10-209)")
    with tempfile.TemporaryDirectory(prefix="kkg-load-") as tmp:
        store = args.store
        if store is None:
            from kaltim_kg.config import load_settings
            from kaltim_kg.store.publish import build

            store = Path(tmp) / "store"
            build(load_settings(env={}, store_dir=store))
        result = run(store, args.clients, args.seconds, args.timeout, Path(tmp) / "server.log")
    errors = sum(result["errors"].values())
    kinds = ", ".join(f"{k}: {n}" for k, n in sorted(result["errors"].items())) or "none"
    print(
        "| clients | seconds | requests | req/s | p50 ms | p99 ms | max ms | errors | RSS MB peak / end |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.clients} | {args.seconds:g} | {result['requests']} | {result['rate']:.1f} | "
        f"{result['p50']:.1f} | {result['p99']:.1f} | {result['max']:.1f} | {errors} ({kinds}) | "
        f"{result['peak_rss']:.0f} / {result['final_rss']:.0f} |"
    )
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
