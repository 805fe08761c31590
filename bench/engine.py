"""Engine alone: each query of the mix timed in-process, to separate engine from HTTP cost.

    python bench/engine.py STORE_DIR [--seconds 2]

Runs the `bench/run.py` mix against (a) the store's current generation on disk, opened
read-only the way our query workers open it, and run the way they run it (`run_job`:
union default graph, native serialisation, row cap), and (b) the same quads in an
in-memory pyoxigraph store, as the raw baseline holds them. Prints ms per query (median)
for each, so `bench/run.py`'s HTTP figures can be split into engine time and the rest;
then the point lookup (a) once more through one of our query processes (`QueryPool.run`):
the difference is what isolating a query costs.
For the engine's own query plans (Oxigraph's EXPLAIN), see `bench/explain.py`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from functools import partial
from pathlib import Path

import pyoxigraph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import JSON, PREFIXES, queries  # noqa: E402

from kaltim_kg.query.pool import QueryPool  # noqa: E402
from kaltim_kg.query.worker import Job, run_job  # noqa: E402
from kaltim_kg.store.generations import StoreDir  # noqa: E402

FIRST_FLOW = (
    "SELECT ?f WHERE { ?f a <https://w3id.org/kaltim-kg/ontology#ExportFlow> } ORDER BY ?f LIMIT 1"
)


def first_flow(store_dir: Path) -> str:
    """The IRI of the store's first export flow: the mix's point lookup and DESCRIBE target."""
    store = StoreDir(store_dir).require_current().open()
    return next(iter(store.query(FIRST_FLOW, use_default_graph_as_union=True)))[0].value


def time_calls(call, seconds: float) -> float:
    """Median seconds of `call()` repeated for about `seconds` (at least 3 times)."""
    took: list[float] = []
    stop = time.monotonic() + seconds
    while time.monotonic() < stop or len(took) < 3:
        started = time.perf_counter()
        call()
        took.append(time.perf_counter() - started)
    return statistics.median(took)


def raw_query(store: pyoxigraph.Store, text: str, fmt: str) -> bytes:
    """What the raw baseline does per request: union default graph, native serialisation."""
    result = store.query(text, use_default_graph_as_union=True)
    if fmt == "json":
        return result.serialize(format=pyoxigraph.QueryResultsFormat.JSON)
    return result.serialize(format=pyoxigraph.RdfFormat.N_TRIPLES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("store", type=Path)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--base", default="https://w3id.org/kaltim-kg/")
    args = parser.parse_args()
    generation = StoreDir(args.store).require_current()
    on_disk = generation.open()
    in_memory = pyoxigraph.Store()
    in_memory.bulk_extend(on_disk.quads_for_pattern(None, None, None, None))
    flow = next(iter(on_disk.query(FIRST_FLOW, use_default_graph_as_union=True)))[0].value
    print("| query | on disk, as our worker runs it (ms) | in memory, as raw baseline (ms) |")
    print("|---|---|---|")
    mix = queries(flow, args.base)
    for name, (query, accept) in mix.items():
        text = PREFIXES + query
        fmt = "json" if accept == JSON else "ntriples"
        job = Job(text, fmt, 100_000)
        ours = time_calls(partial(run_job, on_disk, job), args.seconds)
        raw = time_calls(partial(raw_query, in_memory, text, fmt), args.seconds)
        print(f"| {name} | {ours * 1000:.2f} | {raw * 1000:.2f} |")
    print_hop(args.store, on_disk, PREFIXES + mix["point lookup"][0], args.seconds)


def print_hop(store_dir: Path, on_disk: pyoxigraph.Store, query: str, seconds: float) -> None:
    """What isolating a query costs: the point lookup here and through one query process
    reading the same database (the hop there and back; constant, so timed on a cheap query)."""
    job = Job(query, "json", 100_000)
    pool = QueryPool(store_dir.resolve(), size=1, memory_quads=0)
    try:
        pool.run(job, 60.0)  # the process has started and opened the store
        here = time_calls(partial(run_job, on_disk, job), seconds)
        isolated = time_calls(partial(pool.run, job, 60.0), seconds)
    finally:
        pool.close()
    print(
        f"\nisolation: a point lookup takes {here * 1000:.3f} ms in this process and "
        f"{isolated * 1000:.3f} ms through a query process: the hop costs "
        f"{(isolated - here) * 1000:.3f} ms a query"
    )


if __name__ == "__main__":
    main()
