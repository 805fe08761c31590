"""The HTTP benchmark: our endpoint against raw pyoxigraph and naive rdflib, same data, same run.

    python bench/run.py --triples 100000 [--clients 1,8] [--seconds 5]

1. generates synthetic statistics (`kaltim_kg.graph.synth`), builds the article into a fresh store
   in a temporary folder and loads the statistics beside it (`kaltim_kg.store.publish.load`);
2. starts each target on a free loopback port: (a) ours, `python -m kaltim_kg serve`, skipped
   with a message when this checkout has no `serve` command yet; (b) raw pyoxigraph, the
   store's N-Quads dump in memory, behind a threaded wsgiref server; (c) Flask + rdflib;
3. runs the mix for `--warmup` seconds (ours copies the store into memory meanwhile), checks
   every query's result count against the raw pyoxigraph baseline, then measures each
   query alone and the whole mix for `--seconds` at each client count (threads, keep-alive);
4. last, sends the runaway query (a triple cross product) and measures a point lookup while
   it runs, then stops the server (baselines never stop a runaway query on their own);
5. prints req/s, p50/p95, errors, peak server RSS, and ours ÷ baseline ratios, as Markdown.

Our server runs cold (`KALTIM_KG_CACHE_ENTRIES=0`) and then warm (cache on, mix only).
Loopback only; every loop is bounded by time and every request by `--timeout`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kaltim_kg.config import load_settings  # noqa: E402
from kaltim_kg.graph.synth import synthesize  # noqa: E402
from kaltim_kg.store.publish import build, load  # noqa: E402

PREFIXES = """PREFIX kkg: <https://w3id.org/kaltim-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"


def queries(flow: str, base: str) -> dict[str, tuple[str, str]]:
    """The query mix: name → (SPARQL, Accept)."""
    jp = f"<{base}id/country/JP>"
    return {
        "point lookup": (f"SELECT ?p ?o WHERE {{ <{flow}> ?p ?o }}", JSON),
        "aggregation": (
            "SELECT ?country (SUM(?v) AS ?total) (COUNT(?f) AS ?flows) WHERE "
            "{ ?f kkg:destination ?country ; kkg:valueIdr ?v } GROUP BY ?country",
            JSON,
        ),
        "4-pattern join": (
            f"SELECT ?f ?code WHERE {{ ?f kkg:destination {jp} ; "
            '  kkg:month "2010-03"^^xsd:gYearMonth ; kkg:commodity ?c . ?c kkg:hsCode ?code }',
            JSON,
        ),
        "FILTER range": (
            "SELECT ?f ?v WHERE { ?f kkg:valueIdr ?v FILTER(?v >= 49000000000) }",
            JSON,
        ),
        "OPTIONAL": (
            "SELECT ?c ?code ?pref WHERE { ?c a kkg:Commodity ; kkg:hsCode ?code "
            'OPTIONAL { ?c skos:prefLabel ?pref FILTER(lang(?pref) = "en") } }',
            JSON,
        ),
        "DESCRIBE": (f"DESCRIBE <{flow}>", NTRIPLES),
        "COUNT": ("SELECT (COUNT(*) AS ?n) WHERE { ?f a kkg:ExportFlow }", JSON),
        "CONSTRUCT ~1000": (
            "CONSTRUCT { ?f kkg:valueIdr ?v ; kkg:netWeightKg ?w } WHERE { "
            '?f kkg:month "2010-01"^^xsd:gYearMonth ; kkg:valueIdr ?v ; kkg:netWeightKg ?w } '
            "LIMIT 500",
            NTRIPLES,
        ),
    }


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen | None = None
    peak_rss_mb: float = 0.0

    def start(self, ready_timeout: float, log: Path) -> None:
        self.port = free_port()
        command = [c.replace("{port}", str(self.port)) for c in self.command]
        env = {**os.environ, "PYTHONPATH": str(ROOT), **self.env}
        # Our server writes an access log line per request: to a file, not to our report.
        with open(log, "ab") as sink:
            self.process = subprocess.Popen(
                command, env=env, start_new_session=True, stdout=sink, stderr=sink
            )
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name}: server exited with {self.process.returncode}")
            try:
                status, _ = request(self.port, "ASK {}", JSON, timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name}: not ready after {ready_timeout:.0f} s")

    def sample_rss(self) -> None:
        if self.process is not None:
            self.peak_rss_mb = max(self.peak_rss_mb, tree_rss_mb(self.process.pid))

    def stop(self) -> None:
        if self.process is None:
            return
        self.sample_rss()
        try:
            os.killpg(
                self.process.pid, signal.SIGTERM
            )  # our own session: the server and its workers
            self.process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None


_TICKS = os.sysconf("SC_CLK_TCK")


def _process_tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants (Linux /proc), in MB."""
    total = 0
    for member in _process_tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def tree_cpu_seconds(pid: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by a server's processes: query processes
    (ours: `kaltim_kg.query.worker`) apart from the rest (HTTP, protocol, the hop)."""
    used = {"server": 0.0, "query processes": 0.0}
    for member in _process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            command = Path(f"/proc/{member}/cmdline").read_bytes()
        except OSError:
            continue  # gone meanwhile
        kind = "query processes" if b"kaltim_kg.query.worker" in command else "server"
        used[kind] += (int(fields[11]) + int(fields[12])) / _TICKS
    return used


def machine_idle_ticks() -> tuple[int, int]:
    """(all, idle + iowait) jiffies of the whole machine so far, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return sum(values), values[3] + values[4]


@dataclass
class CpuMeter:
    """Where the CPU went during one window: ms per answered request for the server under
    test (split as above) and for this load generator, and the share of the machine idle."""

    pid: int
    server: dict[str, float] = field(default_factory=dict)
    client: float = 0.0
    machine: tuple[int, int] = (0, 0)
    idle_share: float = 0.0

    def __enter__(self) -> CpuMeter:
        self.server = tree_cpu_seconds(self.pid)
        times = os.times()
        self.client = times.user + times.system
        self.machine = machine_idle_ticks()
        return self

    def __exit__(self, *exc: object) -> None:
        server = tree_cpu_seconds(self.pid)
        times = os.times()
        machine = machine_idle_ticks()
        self.server = {k: server[k] - self.server[k] for k in server}
        self.client = times.user + times.system - self.client
        total, idle = (machine[0] - self.machine[0], machine[1] - self.machine[1])
        self.idle_share = idle / total if total else 0.0

    def per_request_ms(self, requests: int) -> dict[str, float]:
        if not requests:
            return {}
        spent = {**self.server, "load generator": self.client}
        return {k: v * 1000 / requests for k, v in spent.items()}


def has_serve_command() -> bool:
    probe = subprocess.run(
        [sys.executable, "-m", "kaltim_kg", "serve", "--help"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


# ---------------------------------------------------------------- client


def request(
    port: int,
    query: str,
    accept: str,
    timeout: float,
    connection: http.client.HTTPConnection | None = None,
) -> tuple[int, bytes]:
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/sparql?query=" + quote(PREFIXES + query), headers={"Accept": accept})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if connection is None:
            conn.close()


def result_count(body: bytes, accept: str) -> int:
    if accept == JSON:
        data = json.loads(body)
        return 1 if "boolean" in data else len(data["results"]["bindings"])
    return sum(1 for line in body.splitlines() if line.strip() and not line.startswith(b"#"))


@dataclass
class Window:
    """What clients saw during one timed run."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0
    cpu_ms: dict[str, float] = field(default_factory=dict)  # per request, see CpuMeter
    idle_share: float = float("nan")

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0]
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(q) - 1]


def run_window(
    port: int, mix: list[tuple[str, str]], clients: int, seconds: float, timeout: float
) -> Window:
    """`clients` threads loop over `mix` (each from its own offset) until the time is up."""
    window = Window()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        i = offset
        while time.monotonic() < stop_at:
            query, accept = mix[i % len(mix)]
            i += 1
            started = time.perf_counter()
            try:
                status, _ = request(port, query, accept, timeout, conn)
                ok = status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            took = time.perf_counter() - started
            with lock:
                if ok:
                    window.latencies.append(took)
                else:
                    window.errors += 1
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    window.elapsed = time.monotonic() - started
    return window


# ---------------------------------------------------------------- the run


def prepare(triples: int, work: Path, validate: bool) -> tuple[Path, Path, str, str]:
    """Synthetic data loaded beside the article; returns (store dir, nq dump, a flow, base)."""
    data = work / "synthetic.nt.gz"
    stats = synthesize(data, triples, seed=1)
    settings = load_settings(env={}, store_dir=work / "store")
    build(settings)
    started = time.perf_counter()
    result = load(settings, [data], validate=validate)
    print(
        f"data: {stats.triples} synthetic triples + the article, loaded in "
        f"{time.perf_counter() - started:.1f} s (gate {'on' if validate else 'off'})",
        file=sys.stderr,
    )
    store = result.generation.open()
    first = "SELECT ?f WHERE { ?f a <https://w3id.org/kaltim-kg/ontology#ExportFlow> } ORDER BY ?f LIMIT 1"
    flow = next(iter(store.query(first, use_default_graph_as_union=True)))[0].value
    dump = result.generation.dumps_dir / "kaltim-kg.nq.gz"
    return settings.store_dir, dump, flow, settings.base_uri


def counts(server: Server, mix: dict[str, tuple[str, str]], args: argparse.Namespace) -> dict:
    """Each query's result count (or what went wrong), to compare with the reference."""
    out: dict = {}
    for name, (query, accept) in mix.items():
        try:
            status, body = request(server.port, query, accept, args.timeout)
            out[name] = result_count(body, accept) if status == 200 else f"HTTP {status}"
        except (OSError, ValueError, KeyError) as exc:
            out[name] = f"error: {type(exc).__name__}"
    return out


def measure(server: Server, mix: dict[str, tuple[str, str]], args: argparse.Namespace) -> dict:
    out: dict = {"queries": {}, "mix": {}, "counts": counts(server, mix, args)}
    for clients in args.clients:
        for name, pair in mix.items():
            window = run_window(server.port, [pair], clients, args.seconds, args.timeout)
            out["queries"].setdefault(name, {})[clients] = window
            server.sample_rss()
        assert server.process is not None
        with CpuMeter(server.process.pid) as meter:
            window = run_window(
                server.port, list(mix.values()), clients, args.seconds * 2, args.timeout
            )
        window.cpu_ms = meter.per_request_ms(len(window.latencies))
        window.idle_share = meter.idle_share
        out["mix"][clients] = window
        server.sample_rss()
        print(
            f"  {server.name}: {clients} client(s) done, mix {window.rate:.1f} req/s",
            file=sys.stderr,
        )
    return out


def runaway_probe(server: Server, point: tuple[str, str], args: argparse.Namespace) -> dict:
    """Send the runaway query, and time point lookups while it runs."""
    outcome: dict = {}

    def send() -> None:
        started = time.perf_counter()
        try:
            status, _ = request(server.port, RUNAWAY, JSON, args.runaway_timeout)
            outcome["runaway"] = f"HTTP {status} after {time.perf_counter() - started:.1f} s"
        except (OSError, http.client.HTTPException):
            outcome["runaway"] = f"client gave up after {time.perf_counter() - started:.1f} s"

    thread = threading.Thread(target=send)
    thread.start()
    time.sleep(0.5)
    outcome["point_during"] = run_window(server.port, [point], 1, args.seconds, args.timeout)
    server.sample_rss()
    thread.join()
    return outcome


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}" if seconds == seconds else "-"


def report(results: dict[str, dict], clients: list[int], names: list[str]) -> str:
    lines = []
    engines = list(results)
    for level in clients:
        lines.append(f"\n### {level} client(s): req/s (p50 ms / p95 ms, errors)\n")
        header = "| query | " + " | ".join(engines)
        ratios = [e for e in engines if e.startswith("ours")]
        for baseline in ("pyoxigraph", "rdflib"):
            if baseline in engines:
                header += "".join(f" | {o} ÷ {baseline}" for o in ratios)
        lines.append(header + " |")
        lines.append("|" + "---|" * (header.count("|")))
        rows = [*names, "mix"]
        for row in rows:
            cells = []
            rates = {}
            for engine in engines:
                data = results[engine]
                window = (
                    data["mix"].get(level)
                    if row == "mix"
                    else data["queries"].get(row, {}).get(level)
                )
                if window is None:
                    cells.append("-")
                    continue
                rates[engine] = window.rate
                cells.append(
                    f"{window.rate:.1f} ({fmt_ms(window.percentile(50))} / "
                    f"{fmt_ms(window.percentile(95))}, {window.errors})"
                )
            for baseline in ("pyoxigraph", "rdflib"):
                if baseline in engines:
                    for ours in ratios:
                        if rates.get(baseline) and ours in rates:
                            cells.append(f"{rates[ours] / rates[baseline]:.2f}")
                        else:
                            cells.append("-")
            lines.append(f"| {'**mix**' if row == 'mix' else row} | " + " | ".join(cells) + " |")
    lines.append("\n### correctness (result counts) and runaway query\n")
    lines.append("| query | " + " | ".join(engines) + " |")
    lines.append("|---|" + "---|" * len(engines))
    reference = results.get("pyoxigraph", {}).get("counts", {})
    for name in names:
        cells = []
        for engine in engines:
            count = results[engine]["counts"].get(name, "-")
            flag = "" if not reference or count == reference.get(name) else " ✗"
            cells.append(f"{count}{flag}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    runaway = [results[e].get("runaway", {}).get("runaway", "-") for e in engines]
    lines.append("| runaway query | " + " | ".join(runaway) + " |")
    during = []
    for engine in engines:
        window = results[engine].get("runaway", {}).get("point_during")
        during.append(
            f"{window.rate:.1f} req/s, p50 {fmt_ms(window.percentile(50))} ms" if window else "-"
        )
    lines.append("| point lookup during runaway | " + " | ".join(during) + " |")
    rss = [f"{results[e]['rss']:.0f}" for e in engines]
    lines.append("| peak server RSS (MB) | " + " | ".join(rss) + " |")
    lines.append(
        "\n### CPU per request in the mix (cold)\n\nms of CPU per answered request, by "
        "process; idle: the share of the machine's cores unused during the window.\n"
    )
    lines.append("| server | clients | req/s | server | query processes | load generator | idle |")
    lines.append("|---|---|---|---|---|---|---|")
    for engine in engines:
        for level in clients:
            window = results[engine]["mix"].get(level)
            if window is None or not window.cpu_ms:
                continue
            cpu = window.cpu_ms
            query = f"{cpu['query processes']:.2f}" if cpu["query processes"] else "-"
            lines.append(
                f"| {engine} | {level} | {window.rate:.1f} | {cpu['server']:.2f} | {query} | "
                f"{cpu['load generator']:.2f} | {window.idle_share:.0%} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--clients", default="1,8", help="comma-separated client counts")
    parser.add_argument("--seconds", type=float, default=5.0, help="per query and level")
    parser.add_argument(
        "--warmup", type=float, default=15.0, help="seconds of the mix before measuring"
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="per request")
    parser.add_argument("--query-timeout", type=float, default=5.0, help="our server's limit")
    parser.add_argument("--runaway-timeout", type=float, default=15.0)
    parser.add_argument("--workers", type=int, help="our server processes (default: serve's)")
    parser.add_argument("--threads", type=int, help="threads per server process")
    parser.add_argument("--query-workers", type=int, help="query processes per server process")
    parser.add_argument("--skip", default="", help="comma-separated: ours,pyoxigraph,rdflib")
    parser.add_argument("--no-validate", action="store_true", help="load without the SHACL gate")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    args.clients = [int(c) for c in args.clients.split(",")]
    skip = set(filter(None, args.skip.split(",")))
    with tempfile.TemporaryDirectory(prefix="kaltim-kg-bench-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        store_dir, dump, flow, base = prepare(args.triples, work, not args.no_validate)
        mix = queries(flow, base)
        servers: list[tuple[Server, bool]] = []
        if "ours" not in skip:
            if has_serve_command():
                ours = [sys.executable, "-m", "kaltim_kg", "serve", "--store", str(store_dir)]
                ours += ["--host", "127.0.0.1", "--port", "{port}"]
                ours += ["--query-timeout", str(args.query_timeout)]
                for option in ("workers", "threads", "query_workers"):
                    if getattr(args, option) is not None:
                        ours += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
                # Every bench client comes from 127.0.0.1: no per-client bound on queries.
                unbounded = {"KALTIM_KG_CLIENT_QUERIES": "0"}
                cold = {**unbounded, "KALTIM_KG_CACHE_ENTRIES": "0"}
                servers.append((Server("ours (cold)", ours, cold), True))
                servers.append((Server("ours (warm)", ours, unbounded), False))
            else:
                print(
                    "ours: skipped, this checkout has no `kaltim-kg serve` command yet",
                    file=sys.stderr,
                )
        baselines = ROOT / "bench" / "baselines"
        if "pyoxigraph" not in skip:
            command = [sys.executable, str(baselines / "oxigraph_wsgi.py"), str(dump), "{port}"]
            servers.append((Server("pyoxigraph", command), True))
        if "rdflib" not in skip:
            command = [sys.executable, str(baselines / "rdflib_flask.py"), str(dump), "{port}"]
            servers.append((Server("rdflib", command), True))
        results: dict[str, dict] = {}
        for server, full in servers:
            print(f"{server.name}: starting", file=sys.stderr)
            try:
                log = work / f"{server.name.split()[0]}.log"
                server.start(ready_timeout=600, log=log)
                # Steady state, not start-up: ours answers from disk while its query
                # processes copy the store into memory (~10 s per million quads).
                run_window(server.port, list(mix.values()), 1, args.warmup, args.timeout)
                if full:
                    outcome = measure(server, mix, args)
                    outcome["runaway"] = runaway_probe(server, mix["point lookup"], args)
                else:  # warm cache: the mix only, after one pass to fill the cache
                    run_window(server.port, list(mix.values()), 1, args.seconds, args.timeout)
                    outcome = {"queries": {}, "counts": counts(server, mix, args), "mix": {}}
                    for clients in args.clients:
                        outcome["mix"][clients] = run_window(
                            server.port, list(mix.values()), clients, args.seconds * 2, args.timeout
                        )
                        server.sample_rss()
            finally:
                server.stop()
            outcome["rss"] = server.peak_rss_mb
            results[server.name] = outcome
        print(
            f"# {args.triples} synthetic triples, clients {args.clients}, {args.seconds:.0f} s per cell\n"
        )
        print(report(results, args.clients, list(mix)))


if __name__ == "__main__":
    main()
