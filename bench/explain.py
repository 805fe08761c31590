"""The engine's own query plans for the benchmark mix: Oxigraph's EXPLAIN, with statistics.

    python bench/explain.py STORE_DIR [--oxigraph PATH]

pyoxigraph has no EXPLAIN; the `oxigraph` command-line tool has: the same engine, on PyPI as
`oxigraph` (install the version of the pyoxigraph in use, e.g. `pip install oxigraph==0.5.13`).
Its `query --explain-file --stats` needs the database to itself, so this copies the store's
current generation to a temporary folder, runs each query of the `bench/run.py` mix over the
union default graph (as our endpoint does) and prints each plan as an indented tree: the
operator, the rows it produced and its time. The times are from RocksDB with the statistics
switched on, so slower than an in-memory copy; the operators are what the engine chose.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pyoxigraph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from engine import first_flow  # noqa: E402
from run import PREFIXES, queries  # noqa: E402

from kaltim_kg.store.generations import StoreDir  # noqa: E402

SHORT = {
    "https://w3id.org/kaltim-kg/ontology#": "kkg:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
}
IRI = re.compile(r"<([^<>]*[#/])([^<>#/]*)>")


def shorten(name: str) -> str:
    """`<https://w3id.org/kaltim-kg/ontology#month>` → `kkg:month`, for reading."""
    return IRI.sub(lambda m: SHORT[m[1]] + m[2] if m[1] in SHORT else m[0], name)


def plan_lines(node: dict[str, Any], depth: int = 0) -> list[str]:
    line = (
        f"{'  ' * depth}{shorten(node['name'])}  "
        f"[{node['number of results']} rows, {node['duration in seconds'] * 1000:.1f} ms]"
    )
    lines = [line]
    for child in node.get("children", []):
        lines += plan_lines(child, depth + 1)
    return lines


def explain(oxigraph: str, database: Path, query: str, accept: str, out: Path) -> dict[str, Any]:
    subprocess.run(
        [oxigraph, "query", "--location", str(database), "--union-default-graph",
         "--results-format", accept, "--explain-file", str(out), "--stats", "--query", query],
        check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("store", type=Path)
    parser.add_argument("--oxigraph", default="oxigraph", help="the oxigraph command")
    parser.add_argument("--base", default="https://w3id.org/kaltim-kg/")
    args = parser.parse_args()
    oxigraph = shutil.which(args.oxigraph)
    if oxigraph is None:
        raise SystemExit(
            f"{args.oxigraph}: not found; pip install oxigraph=={pyoxigraph.__version__}"
        )
    version = subprocess.run([oxigraph, "--version"], capture_output=True, text=True).stdout
    if pyoxigraph.__version__ not in version:
        print(f"note: {version.strip()} explains, pyoxigraph {pyoxigraph.__version__} serves")
    mix = queries(first_flow(args.store), args.base)
    generation = StoreDir(args.store).require_current()
    with tempfile.TemporaryDirectory() as work:
        database = Path(work) / "oxigraph"
        shutil.copytree(generation.database_dir, database)
        for name, (query, accept) in mix.items():
            plan = Path(work) / "plan.json"
            explanation = explain(oxigraph, database, PREFIXES + query, accept, plan)
            print(f"#### {name}\n\n```text")
            print("\n".join(plan_lines(explanation["plan"])))
            print("```\n")


if __name__ == "__main__":
    main()
