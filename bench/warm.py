"""First-visit latency after a build, with and without warming the result cache.

    python bench/warm.py --triples 100000 [--settle 5] [--visits 3]

1. generates synthetic statistics and builds them with the article into a fresh store
   (`bench/run.py`'s `prepare`), in a temporary folder;
2. for warming off (`KALTIM_KG_WARM_QUERIES=0`), then on (the default), in one run:
   starts `kaltim-kg serve` on it; asks `bench/run.py`'s mix `--visits` times (the traffic
   of the generation before); rebuilds the store (a new generation, same data) and waits
   until `/health` names it, then `--settle` seconds (a visitor comes a little after a
   publish); then the first visit: each published example as the query page sends it
   (POST, YASGUI's Accept) and each query of the mix, once, one after another;
3. prints each first request's latency and whether the cache answered it, the totals and
   off ÷ on, as Markdown.

Loopback only; every wait is bounded and every request has `--timeout`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import run as mix_bench  # noqa: E402  (bench/run.py)

from kaltim_kg.config import load_settings  # noqa: E402
from kaltim_kg.query.examples import EXAMPLES  # noqa: E402
from kaltim_kg.store.publish import build  # noqa: E402

YASGUI_ACCEPT = "application/sparql-results+json,*/*;q=0.9"


def post(port: int, query: str, accept: str, timeout: float) -> tuple[int, str, float]:
    """POST a form as the query page does; (status, X-Cache, seconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        started = time.perf_counter()
        body = urlencode({"query": query})
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        conn.request("POST", "/sparql", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("X-Cache", "-"), time.perf_counter() - started
    finally:
        conn.close()


def get(port: int, query: str, accept: str, timeout: float) -> tuple[int, str, float]:
    """GET as the mix's clients do (bench/run.py's request); (status, X-Cache, seconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        started = time.perf_counter()
        target = "/sparql?query=" + quote(mix_bench.PREFIXES + query)
        conn.request("GET", target, headers={"Accept": accept})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("X-Cache", "-"), time.perf_counter() - started
    finally:
        conn.close()


def health_generation(port: int) -> str | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/health")
        return json.loads(conn.getresponse().read()).get("generation")
    except (OSError, ValueError):
        return None
    finally:
        conn.close()


def first_visit(
    server: mix_bench.Server, store_dir: Path, mix: dict, args: argparse.Namespace
) -> dict[str, tuple[int, str, float]]:
    for _ in range(args.visits):  # the previous generation's traffic
        for query, accept in mix.values():
            get(server.port, query, accept, args.timeout)
    before = health_generation(server.port)
    build(load_settings(env={}, store_dir=store_dir))  # a new generation
    deadline = time.monotonic() + 120
    while health_generation(server.port) in (before, None):
        if time.monotonic() > deadline:
            raise RuntimeError("the server never served the new generation")
        time.sleep(0.2)
    time.sleep(args.settle)
    visit: dict[str, tuple[int, str, float]] = {}
    for example in EXAMPLES:
        visit[f"example: {example.title}"] = post(
            server.port, example.query, YASGUI_ACCEPT, args.timeout
        )
    for name, (query, accept) in mix.items():
        visit[f"mix: {name}"] = get(server.port, query, accept, args.timeout)
    return visit


def report(results: dict[str, dict[str, tuple[int, str, float]]]) -> str:
    off, on = results["warming off"], results["warming on"]
    lines = [
        "| first request after the build | off: ms (cache) | on: ms (cache) | off ÷ on |",
        "|---|---|---|---|",
    ]
    for name in off:
        (s1, c1, t1), (s2, c2, t2) = off[name], on[name]
        status = "" if s1 == s2 == 200 else f" (HTTP {s1}/{s2})"
        lines.append(
            f"| {name}{status} | {t1 * 1000:.1f} ({c1}) | {t2 * 1000:.1f} ({c2}) | {t1 / t2:.1f}x |"
        )
    total_off = sum(t for _, _, t in off.values())
    total_on = sum(t for _, _, t in on.values())
    med_off = statistics.median(t for _, _, t in off.values())
    med_on = statistics.median(t for _, _, t in on.values())
    hits = sum(c == "hit" for _, c, _ in on.values())
    lines.append(
        f"| **all {len(off)}, one after another** | {total_off * 1000:.0f} | "
        f"{total_on * 1000:.0f} | {total_off / total_on:.1f}x |"
    )
    lines.append(
        f"| median | {med_off * 1000:.1f} | {med_on * 1000:.1f} | {med_off / med_on:.1f}x |"
    )
    lines.append(f"\nWith warming on, {hits} of {len(on)} first requests were cache hits.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--settle", type=float, default=5.0, help="seconds after the publish")
    parser.add_argument("--visits", type=int, default=3, help="times the mix is asked before")
    parser.add_argument("--timeout", type=float, default=60.0, help="per request")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kaltim-kg-bench-warm-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        store_dir, _, flow, base = mix_bench.prepare(args.triples, work, validate=False)
        mix = mix_bench.queries(flow, base)
        command = [sys.executable, "-m", "kaltim_kg", "serve", "--store", str(store_dir)]
        command += ["--host", "127.0.0.1", "--port", "{port}"]
        results = {}
        for name, env in (
            ("warming off", {"KALTIM_KG_WARM_QUERIES": "0"}),
            ("warming on", {}),
        ):
            server = mix_bench.Server(name, command, {"KALTIM_KG_CLIENT_QUERIES": "0", **env})
            print(f"{name}: starting", file=sys.stderr)
            server.start(ready_timeout=600, log=work / "serve.log")
            try:
                results[name] = first_visit(server, store_dir, mix, args)
            finally:
                server.stop()
        print(f"\n{args.triples} synthetic triples, settle {args.settle:g} s\n")
        print(report(results))


if __name__ == "__main__":
    main()
