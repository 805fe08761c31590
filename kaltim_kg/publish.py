"""Build + SHACL gate + atomic swap into the store: what `build` and `load` run."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import Graph

from kaltim_kg import __version__
from kaltim_kg.build import BuiltGraph, build_dataset, ontology_graph
from kaltim_kg.config import Settings
from kaltim_kg.dumps import write_dumps
from kaltim_kg.errors import ValidationFailed
from kaltim_kg.facts import Facts, data_files, read_facts
from kaltim_kg.statistics import compute_statistics
from kaltim_kg.store import Generation, Staging, StoreDir
from kaltim_kg.validate import Report, validate_graph

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True)
class BuildResult:
    generation: Generation
    triples: int
    graphs: dict[str, int]


def union_graph(built: BuiltGraph) -> Graph:
    """All named graphs merged into one plain Graph, as pySHACL expects."""
    union = Graph()
    for triple in built.dataset.triples((None, None, None)):
        union.add(triple)
    return union


def check(
    settings: Settings, paths: Iterable[Path] | None = None
) -> tuple[Facts, BuiltGraph, Report]:
    """Read, build and validate without touching the store."""
    files = list(paths) if paths is not None else data_files(settings.facts_dir)
    facts = read_facts(files)
    ontology = ontology_graph()
    built = build_dataset(facts, settings.base_uri, ontology)
    report = validate_graph(union_graph(built), ontology=ontology, origins=built.origins)
    return facts, built, report


def graph_counts(store: pyoxigraph.Store) -> dict[str, int]:
    """Triples per named graph, by SPARQL so the engine does the counting."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    return {row["g"].value: int(row["n"].value) for row in store.query(query)}


def _finish(
    staging: Staging, store: pyoxigraph.Store, built_graphs: list[str], progress: Progress
) -> None:
    """Write dumps from the staged database, and the manifest."""
    store.flush()
    counts = graph_counts(store)
    dumps = write_dumps(store, staging.dumps_dir, progress=progress)
    progress("computing VoID statistics")
    staging.write_manifest(
        {
            "software": f"kaltim-kg {__version__}",
            "graphs": counts,
            "built_graphs": sorted(built_graphs),
            "quads": sum(counts.values()),
            "dumps": dumps,
            "statistics": compute_statistics(store),
        }
    )


def build(
    settings: Settings, progress: Progress = _quiet, paths: Iterable[Path] | None = None
) -> BuildResult:
    """facts → graph → SHACL gate → new store generation + dumps, published atomically.

    Graphs added with `load` are carried over; the graphs a build owns are replaced.
    """
    progress("reading facts")
    _, built, report = check(settings, paths)
    progress("validating against SHACL shapes")
    if not report.conforms:
        raise ValidationFailed(report.lines, report.text)
    store_dir = StoreDir(settings.store_dir)
    nquads = built.dataset.serialize(format="nquads", encoding="utf-8")
    new_graphs = [str(g.identifier) for g in built.dataset.graphs() if len(g)]
    with store_dir.lock(), store_dir.staging() as staging:
        previous = store_dir.current()
        if previous is not None:
            progress("copying the previous generation")
            previous.open().backup(str(staging.database_dir))
            replaced = set(previous.manifest.get("built_graphs", [])) | set(new_graphs)
        else:
            replaced = set()

        def fill(store: pyoxigraph.Store) -> None:
            for graph in sorted(replaced):
                store.remove_graph(pyoxigraph.NamedNode(graph))
            progress(f"loading {len(built.dataset)} quads")
            store.bulk_load(nquads, format=pyoxigraph.RdfFormat.N_QUADS)
            _finish(staging, store, new_graphs, progress)

        staging.fill_database(fill)
    generation = store_dir.require_current()
    counts = generation.manifest["graphs"]
    return BuildResult(generation, sum(counts.values()), counts)


def ensure_built(settings: Settings, progress: Progress = _quiet) -> Generation:
    """The current generation, building first if the store is empty."""
    current = StoreDir(settings.store_dir).current()
    return current if current is not None else build(settings, progress).generation
