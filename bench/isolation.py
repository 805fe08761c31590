"""What the query isolation costs, measured directly: our server against itself without it.

    python bench/isolation.py STORE_DIR [--rounds 5] [--seconds 4] [--clients 1,8]

Starts `kaltim-kg serve` and `bench/baselines/ours_in_process.py` (the same server, app and
settings, but every query runs in the server thread that received it) on the same store,
both with the result cache off, then times the cheap queries of the `bench/run.py` mix on
each in turn, and then the whole mix, round after round, so that both see the same phases
of the machine. Prints the median req/s of each and the share of throughput isolation
costs (negative: the isolated server was faster). STORE_DIR: a store with synthetic data,
such as DIR/store after `bench/run.py --workdir DIR`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from engine import first_flow  # noqa: E402
from run import Server, queries, request, result_count, run_window  # noqa: E402

CHEAP = ("point lookup", "DESCRIBE", "OPTIONAL", "4-pattern join")


def check_same_answers(servers: list[Server], mix: dict[str, tuple[str, str]]) -> None:
    """Both servers give each query of the mix the same number of results, or we stop."""
    for name, (query, accept) in mix.items():
        counts = set()
        for server in servers:
            status, body = request(server.port, query, accept, 30)
            if status != 200:
                raise SystemExit(f"{server.name}: {name}: HTTP {status}")
            counts.add(result_count(body, accept))
        if len(counts) != 1:
            raise SystemExit(f"{name}: the servers disagree on the result count: {sorted(counts)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("store", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--clients", default="1,8")
    parser.add_argument("--base", default="https://w3id.org/kaltim-kg/")
    args = parser.parse_args()
    store = args.store.resolve()
    mix = queries(first_flow(store), args.base)
    clients = [int(c) for c in args.clients.split(",")]
    # Every client comes from 127.0.0.1: no per-client bound on queries.
    env = {
        "KALTIM_KG_CACHE_ENTRIES": "0",
        "KALTIM_KG_QUERY_TIMEOUT": "5",
        "KALTIM_KG_CLIENT_QUERIES": "0",
    }
    ours = [
        sys.executable,
        "-m",
        "kaltim_kg",
        "serve",
        "--store",
        str(store),
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
    ]
    bare = [sys.executable, str(ROOT / "bench/baselines/ours_in_process.py"), str(store), "{port}"]
    servers = [Server("isolated", ours, env), Server("in-process", bare, env)]
    rates: dict[tuple[str, str, int], list[float]] = {}
    with tempfile.TemporaryDirectory() as logs:
        try:
            for server in servers:
                server.start(600, Path(logs) / f"{server.name}.log")
                run_window(server.port, list(mix.values()), 1, 10, 30)  # copies made, caches warm
            check_same_answers(servers, mix)
            for _ in range(args.rounds):
                for server in servers:
                    for name in (*CHEAP, "mix"):
                        load = list(mix.values()) if name == "mix" else [mix[name]]
                        for n in clients:
                            window = run_window(server.port, load, n, args.seconds, 30)
                            if window.errors:
                                raise SystemExit(f"{server.name}: {name}: {window.errors} errors")
                            rates.setdefault((server.name, name, n), []).append(window.rate)
        finally:
            for server in servers:
                server.stop()
    print(f"median of {args.rounds} rounds of {args.seconds:g} s, result cache off\n")
    print("| query | clients | isolated (req/s) | in-process (req/s) | isolation costs |")
    print("|---|---|---|---|---|")
    for name in (*CHEAP, "mix"):
        for n in clients:
            isolated = statistics.median(rates[("isolated", name, n)])
            in_process = statistics.median(rates[("in-process", name, n)])
            cost = 1 - isolated / in_process
            print(f"| {name} | {n} | {isolated:.1f} | {in_process:.1f} | {cost:+.1%} |")


if __name__ == "__main__":
    main()
