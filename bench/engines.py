"""The front end over remote engines against each engine's own endpoint, same data, same run.

    python bench/engines.py --triples 100000 [--clients 1,8] [--seconds 4] [--repeats 9]

1. generates synthetic statistics and builds them with the article into a fresh store
   (`bench/run.py`'s `prepare`), in a temporary folder;
2. starts Virtuoso 7 and Oxigraph server on loopback (`tests/engine_servers.py`) and
   pushes the store to both (`kaltim-kg push`);
3. for each engine: its own endpoint (the baseline; Oxigraph server's asked with the push's
   union graph as its default graph, the same data our front end asks it for), then `kaltim-kg serve --engine URL`
   cold (`KALTIM_KG_CACHE_ENTRIES=0`) and warm (cache on); and the embedded `serve` over the
   same store; the mix of `bench/run.py` for `--seconds` at each client count, after a
   check that every query gives the same result count everywhere;
4. prints req/s and ours ÷ the engine's own, and each query's median time (1 client,
   cold), as Markdown.

Loopback only; every loop is bounded by time and every request by `--timeout`.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

import run as mix_bench  # noqa: E402  (bench/run.py)
from engine_servers import EngineServer, start_oxigraph, start_virtuoso  # noqa: E402

from kaltim_kg.config import load_settings  # noqa: E402
from kaltim_kg.engines.address import parse_engine_url  # noqa: E402
from kaltim_kg.engines.protocol import EngineClient  # noqa: E402
from kaltim_kg.store.push import push_current  # noqa: E402


class Endpoint:
    """Something that answers the SPARQL protocol at `path` on a loopback port."""

    def __init__(self, name: str, port: int, path: str, default_graph: str | None = None) -> None:
        self.name, self.port, self.path = name, port, path
        self.default_graph = default_graph  # sent as default-graph-uri with each query

    def get(self, query: str, accept: str, timeout: float, conn=None) -> tuple[int, bytes]:
        own = conn is None
        conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            fields = {"query": mix_bench.PREFIXES + query}
            if self.default_graph:
                fields["default-graph-uri"] = self.default_graph
            target = f"{self.path}?{urlencode(fields, quote_via=quote)}"
            conn.request("GET", target, headers={"Accept": accept})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            if own:
                conn.close()


def window(
    endpoint: Endpoint, mix: list[tuple[str, str]], clients: int, seconds: float, timeout: float
):
    done: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=timeout)
        i = offset
        while time.monotonic() < stop_at:
            query, accept = mix[i % len(mix)]
            i += 1
            started = time.perf_counter()
            try:
                ok = endpoint.get(query, accept, timeout, conn)[0] == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            with lock:
                if ok:
                    done.append(time.perf_counter() - started)
                else:
                    errors[0] += 1
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(done) / (time.monotonic() - started), errors[0]


def latencies(
    endpoint: Endpoint, mix: dict[str, tuple[str, str]], repeats: int, timeout: float
) -> dict[str, float]:
    """Each query's median time in ms, one client on one kept-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=timeout)
    out: dict[str, float] = {}
    try:
        for name, (query, accept) in mix.items():
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                endpoint.get(query, accept, timeout, conn)
                times.append((time.perf_counter() - started) * 1000)
            out[name] = statistics.median(times)
    finally:
        conn.close()
    return out


def counts(
    endpoint: Endpoint, mix: dict[str, tuple[str, str]], timeout: float
) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, (query, accept) in mix.items():
        status, body = endpoint.get(query, accept, timeout)
        out[name] = mix_bench.result_count(body, accept) if status == 200 else f"HTTP {status}"
    return out


def settle(pid: int, limit: float = 90.0) -> float:
    """Wait until a just-started server has done its start-up work (each server process
    builds the search and list index from the store, ~2-3 s of CPU each), so that the
    windows measure queries, not that: until its processes use under 5% of a core over a
    second. Returns the seconds waited."""
    started = time.monotonic()
    before = sum(mix_bench.tree_cpu_seconds(pid).values())
    while time.monotonic() - started < limit:
        time.sleep(1.0)
        now = sum(mix_bench.tree_cpu_seconds(pid).values())
        if now - before < 0.05:
            break
        before = now
    return time.monotonic() - started


def front_end(name: str, store: Path, engine: str | None, cache: bool) -> mix_bench.Server:
    command = [
        sys.executable,
        "-m",
        "kaltim_kg",
        "serve",
        "--store",
        str(store),
        "--port",
        "{port}",
    ]
    command += ["--engine", engine] if engine else []
    # Every bench client comes from 127.0.0.1: no per-client bound on queries (without this,
    # 8 clients got 429s for all but one query at a time, counted as errors).
    env = {"KALTIM_KG_CLIENT_QUERIES": "0"}
    env.update({} if cache else {"KALTIM_KG_CACHE_ENTRIES": "0"})
    return mix_bench.Server(name, command, env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--clients", default="1,8")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--repeats", type=int, default=9, help="runs of each query, per target")
    parser.add_argument("--targets", default="embedded,virtuoso,oxigraph")
    parser.add_argument(
        "--virtuoso-buffers",
        type=int,
        default=0,
        help="Virtuoso's NumberOfBuffers (8 KB each); default: one per 6 triples, at least "
        "20,000 (with the tests' 20,000 a 1M push timed out counting its staged graph)",
    )
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    kinds = set(args.targets.split(","))
    rows: list[tuple[str, str, dict[int, float], dict[int, int]]] = []
    per_query: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="kkg-bench-engines-") as tmp:
        work = Path(tmp)
        store, _, flow, base = mix_bench.prepare(args.triples, work, validate=False)
        mix = mix_bench.queries(flow, base)
        engines: list[EngineServer] = []
        if "virtuoso" in kinds:
            buffers = args.virtuoso_buffers or max(20_000, args.triples // 6)
            engines.append(start_virtuoso(work / "virtuoso", buffers=buffers))
        if "oxigraph" in kinds:
            engines.append(start_oxigraph(work / "oxigraph", timeout_s=int(args.timeout)))
        settings = load_settings(env={}, store_dir=store)
        reference: dict[str, object] | None = None
        try:
            for engine in engines:
                started = time.monotonic()
                push_current(settings, [engine.url], env=engine.credentials, retire_after=0)
                print(
                    f"pushed to {engine.kind} in {time.monotonic() - started:.1f} s",
                    file=sys.stderr,
                )
            targets: list[tuple[str, str, object]] = (
                [("embedded", "ours cold", front_end("embedded", store, None, False))]
                if "embedded" in kinds
                else []
            )
            for engine in engines:
                port = int(engine.sparql.split(":")[2].split("/")[0])
                path = "/" + engine.sparql.split("/", 3)[3]
                # The engine's own endpoint over the same data: on Oxigraph server the union
                # graph the push wrote, which our front end queries too, as its default graph
                # (its own would hold every triple twice); Virtuoso's own default graph (ours
                # and its system graphs, which hold nothing the mix matches).
                client = EngineClient(parse_engine_url(engine.url, engine.credentials))
                record = client.publication()
                assert record is not None
                own = Endpoint(engine.kind, port, path, record.union)
                targets.append((engine.kind, "engine's own", own))
                targets.append(
                    (engine.kind, "ours cold", front_end(engine.kind, store, engine.url, False))
                )
                targets.append(
                    (engine.kind, "ours warm", front_end(engine.kind, store, engine.url, True))
                )
            for kind, label, target in targets:
                server = target if isinstance(target, mix_bench.Server) else None
                if server is not None:
                    server.start(120, work / f"{kind}-{label}.log".replace(" ", "-"))
                    assert server.process is not None
                    waited = settle(server.process.pid)
                    print(f"  {kind} {label}: settled after {waited:.0f} s", file=sys.stderr)
                    endpoint = Endpoint(kind, server.port, "/sparql")
                else:
                    endpoint = target  # type: ignore[assignment]
                try:
                    found = counts(endpoint, mix, args.timeout)
                    if reference is None:
                        reference = found
                    elif found != reference:
                        print(
                            f"  {kind} {label}: counts differ: {found} vs {reference}",
                            file=sys.stderr,
                        )
                    if label != "ours warm":
                        per_query[f"{kind} {label}"] = latencies(
                            endpoint, mix, args.repeats, args.timeout
                        )
                    rates, errors = {}, {}
                    for n in clients:
                        window(endpoint, list(mix.values()), n, 1.0, args.timeout)  # warm up
                        rates[n], errors[n] = window(
                            endpoint, list(mix.values()), n, args.seconds, args.timeout
                        )
                        print(
                            f"  {kind} {label}: {n} client(s) {rates[n]:.1f} req/s", file=sys.stderr
                        )
                    rows.append((kind, label, rates, errors))
                finally:
                    if server is not None:
                        server.stop()
                        print(
                            f"  {kind} {label}: peak RSS {server.peak_rss_mb:.0f} MB",
                            file=sys.stderr,
                        )
        finally:
            for engine in engines:
                rss = mix_bench.tree_rss_mb(engine.process.pid)
                print(f"{engine.kind}: RSS {rss:.0f} MB at the end", file=sys.stderr)
                engine.stop()
    own = {kind: rates for kind, label, rates, _ in rows if label == "engine's own"}
    header = " | ".join(f"{n} client{'s' if n > 1 else ''} req/s | ÷ engine" for n in clients)
    print(f"\n| engine | target | {header} | errors |")
    print("|---|---|" + "---|---|" * len(clients) + "---|")
    for kind, label, rates, errors in rows:
        cells = []
        for n in clients:
            base_rate = own.get(kind, {}).get(n)
            ratio = f"{rates[n] / base_rate:.2f}x" if base_rate else "-"
            cells.append(f"{rates[n]:.1f} | {ratio}")
        print(f"| {kind} | {label} | {' | '.join(cells)} | {sum(errors.values())} |")
    names = list(next(iter(per_query.values()), {}))
    print("\nMedian ms per query, 1 client, cold:\n")
    print("| target | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for target, times in per_query.items():
        print(f"| {target} | " + " | ".join(f"{times[n]:.1f}" for n in names) + " |")


if __name__ == "__main__":
    main()
