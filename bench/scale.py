"""Scale figures for load, the SHACL gate and dumps: `python bench/scale.py --triples 1000000`.

Generates synthetic statistics, builds the article into a fresh temporary store, loads the
file (timing each phase from the publisher's progress messages), then runs the batched SHACL
gate over the loaded graph. Prints throughput per phase and the peak RSS of this process and
of the validation workers.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kaltim_kg.config import load_settings
from kaltim_kg.graph.build import ontology_graph
from kaltim_kg.graph.synth import synthesize
from kaltim_kg.graph.validate import validate_store
from kaltim_kg.store.publish import build, load


class Phases:
    """Turns the publisher's progress messages into phase durations."""

    def __init__(self) -> None:
        self.marks: list[tuple[float, str]] = []

    def __call__(self, message: str) -> None:
        self.marks.append((time.perf_counter(), message))

    def durations(self, end: float) -> list[tuple[str, float]]:
        stamps = [*self.marks, (end, "end")]
        return [(m, stamps[i + 1][0] - t) for i, (t, m) in enumerate(self.marks)]


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def current_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep files here instead of a temp dir")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kaltim-kg-scale-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        data = work / "synthetic.nt.gz"
        started = time.perf_counter()
        stats = synthesize(data, args.triples, args.seed)
        took = time.perf_counter() - started
        print(f"synth: {stats.triples} triples in {took:.1f} s ({stats.triples / took:,.0f}/s)")
        settings = load_settings(env={}, store_dir=work / "store")
        build(settings)
        phases = Phases()
        started = time.perf_counter()
        result = load(settings, [data], validate=False, progress=phases)
        end = time.perf_counter()
        print(
            f"load (no gate): {end - started:.1f} s total, peak RSS {peak_mb(resource.RUSAGE_SELF):.0f} MB"
        )
        for message, seconds in phases.durations(end):
            rate = f" ({stats.triples / seconds:,.0f} triples/s)" if seconds > 0 else ""
            print(f"  {message}: {seconds:.1f} s{rate}")
        store = result.generation.open()
        started = time.perf_counter()
        report = validate_store(store, list(result.loaded), ontology_graph())
        took = time.perf_counter() - started
        # Peak RSS of the workers is not measurable with getrusage (a spawned child is
        # briefly a fork of this process); sample them with `ps` while this runs instead.
        print(
            f"SHACL gate: {report.focus_nodes} focus nodes, conforms={report.conforms}, "
            f"{took:.1f} s ({stats.triples / took:,.0f} triples/s); RSS now {current_mb():.0f} MB"
        )
        sizes = {p.name: p.stat().st_size for p in result.generation.dumps_dir.iterdir()}
        print("dumps:", ", ".join(f"{n} {s / 1e6:.1f} MB" for n, s in sorted(sizes.items())))


if __name__ == "__main__":
    main()
