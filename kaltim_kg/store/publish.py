"""Build + SHACL gate + atomic swap into the store: what `build` and `load` run."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import Graph

from kaltim_kg import __version__
from kaltim_kg.config import Settings
from kaltim_kg.errors import LoadError, StoreError, ValidationFailed
from kaltim_kg.facts.reader import Facts, data_files, read_facts
from kaltim_kg.graph.build import BuiltGraph, build_dataset, ontology_graph
from kaltim_kg.graph.validate import Report, validate_graph, validate_store
from kaltim_kg.namespaces import mint_iri
from kaltim_kg.store.authority import borrowed_authority
from kaltim_kg.store.dumps import write_dumps
from kaltim_kg.store.generations import Generation, Staging, StoreDir
from kaltim_kg.store.loader import BytesProgress, keep_each_triple_once, load_file, plan_sources
from kaltim_kg.store.statistics import compute_statistics

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
    staging: Staging,
    store: pyoxigraph.Store,
    base_uri: str,
    built_graphs: list[str],
    progress: Progress,
    loaded_graphs: dict[str, dict[str, Any]] | None = None,
    counts: dict[str, int] | None = None,
) -> None:
    """Compact the staged database, write dumps from it, and the manifest."""
    store.flush()
    # A bulk load leaves many overlapping RocksDB files; compacting them once here makes
    # every later read cheaper (scans and joins ~25 % faster at 100k triples).
    progress("compacting the database")
    store.optimize()
    counts = counts if counts is not None else graph_counts(store)
    # The statistics are queries (the engine releases the GIL) and the dumps mostly other
    # processes, so the two overlap; at 1M triples that hides the statistics' ~3 s.
    # On any failure or Ctrl-C the statistics stop at their next query, so leaving the `with`
    # (which waits for the thread) takes one query at most, not all of them.
    given_up = threading.Event()
    with ThreadPoolExecutor(1) as beside:
        statistics = beside.submit(compute_statistics, store, given_up.is_set)
        try:
            dumps = write_dumps(store, staging.dumps_dir, progress=progress)
            progress("waiting for the VoID statistics")
            computed = statistics.result()
        except BaseException:
            given_up.set()
            raise
    staging.write_manifest(
        {
            "software": f"kaltim-kg {__version__}",
            "base_uri": base_uri,  # every IRI in the store is minted under it
            "graphs": counts,
            "built_graphs": sorted(built_graphs),
            # Graphs added by `load`: kept by later builds, listed for VoID and the catalog.
            "loaded_graphs": {g: info for g, info in (loaded_graphs or {}).items() if g in counts},
            "quads": sum(counts.values()),
            "dumps": dumps,
            "statistics": computed,
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

        loaded = previous.manifest.get("loaded_graphs", {}) if previous is not None else {}
        kept = {g: info for g, info in loaded.items() if g not in new_graphs}

        def fill(store: pyoxigraph.Store) -> None:
            for graph in sorted(replaced):
                store.remove_graph(pyoxigraph.NamedNode(graph))
            progress(f"loading {len(built.dataset)} quads")
            store.bulk_load(nquads, format=pyoxigraph.RdfFormat.N_QUADS)
            _finish(staging, store, settings.base_uri, new_graphs, progress, kept)

        staging.fill_database(fill)
    generation = store_dir.require_current()
    counts = generation.manifest["graphs"]
    return BuildResult(generation, sum(counts.values()), counts)


def with_store_base(settings: Settings, explicit: bool) -> Settings:
    """`settings` with the base IRI the store was built with.

    Every IRI in a store is minted under one base, so a store keeps it: a later `build`,
    `load` or `serve` without a base of its own uses the store's, and one that names a
    different base is refused rather than mixing two (or serving pages that 404).
    """
    generation = StoreDir(settings.store_dir).current()
    recorded = generation.manifest.get("base_uri") if generation is not None else None
    if recorded is None or recorded == settings.base_uri:
        return settings
    if explicit:
        raise StoreError(
            f"{settings.store_dir}: its IRIs are under {recorded}, not {settings.base_uri}; "
            "build into a new --store to publish under another base"
        )
    return settings.with_overrides(base_uri=recorded)


def ensure_built(settings: Settings, progress: Progress = _quiet) -> Generation:
    """The current generation, building first if the store is empty."""
    current = StoreDir(settings.store_dir).current()
    return current if current is not None else build(settings, progress).generation


@dataclass(frozen=True)
class LoadResult:
    generation: Generation
    loaded: dict[str, int]  # graph → triples it holds now, for the graphs this load changed
    validated: int  # focus nodes the SHACL gate checked (0 when validation was off)


def load(
    settings: Settings,
    paths: Iterable[Path],
    graph: str | None = None,
    format_name: str | None = None,
    validate: bool = True,
    replace: bool = False,
    progress: Progress = _quiet,
    bytes_progress: BytesProgress | None = None,
    about: Mapping[str, Mapping[str, str]] | None = None,
    licence: str | None = None,
    data_source: str | None = None,
) -> LoadResult:
    """Stream RDF files into a new generation beside the article's graphs, published atomically.

    Triples go into `graph` (default `{base}graph/{file stem}`); quads keep their graphs.
    Loading adds to a graph (an RDF merge) unless `replace` clears the target graphs first.
    The graphs `build` owns cannot be written. With `validate`, the SHACL gate checks every
    focus node the loaded graphs mention, against the whole store; a violation aborts.
    """
    sources = plan_sources(paths, settings.base_uri, graph, format_name)
    ensure_built(settings, progress)
    texts = curated_texts(settings)
    store_dir = StoreDir(settings.store_dir)
    outcome: dict[str, Any] = {}
    with store_dir.lock(), store_dir.staging() as staging:
        previous = store_dir.require_current()
        manifest = previous.manifest
        owned = set(manifest.get("built_graphs", []))
        for source in sources:
            if source.graph in owned:
                raise LoadError(f"{source.path}: graph {source.graph} is written by `build` only")
        progress("copying the current generation")
        previous.open().backup(str(staging.database_dir))

        def fill(store: pyoxigraph.Store) -> None:
            if replace:
                for target in sorted({s.graph for s in sources}):
                    store.remove_graph(pyoxigraph.NamedNode(target))
            for source in sources:
                progress(f"loading {source.path}")
                load_file(store, source, bytes_progress)
            store.flush()  # waits for RocksDB to finish with the loaded files: part of loading
            progress("counting triples per graph")
            counts = graph_counts(store)
            before: dict[str, int] = manifest.get("graphs", {})
            for built_graph in owned:
                if counts.get(built_graph) != before.get(built_graph):
                    raise LoadError(f"the files write into graph {built_graph}, which `build` owns")
            written = sorted({g for g, n in counts.items() if before.get(g) != n})
            if written:
                progress("keeping each triple in one graph")
                keep_each_triple_once(store, written, counts)
                counts = graph_counts(store)
            changed = sorted({g for g, n in counts.items() if before.get(g) != n})
            changed += [s.graph for s in sources if s.graph in counts and s.graph not in changed]
            # Always, even without --validate: loaded data cannot speak for an article.
            progress("checking what the loaded graphs quote from the curated sources")
            borrowed = borrowed_authority(store, changed, texts)
            if borrowed:
                raise ValidationFailed(borrowed, "\n".join(borrowed))
            checked = 0
            if validate:
                progress(f"validating {len(changed)} graph(s) against SHACL shapes")
                report = validate_store(store, changed, ontology=ontology_graph())
                if not report.conforms:
                    raise ValidationFailed(report.lines, report.text)
                checked = report.focus_nodes
            files = [s.path.name for s in sources]
            loaded = dict(manifest.get("loaded_graphs", {}))
            when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            for name in changed:
                before_info = loaded.get(name, {})
                earlier = before_info.get("files", [])
                info = {
                    **before_info,
                    "files": [*earlier, *(f for f in files if f not in earlier)],
                    "loaded": when,
                }
                # its own licence and source, as given (never a default licence), and what
                # the loader knows of the graph (an imported table's title, licence, source)
                given = {"licence": licence, "source": data_source}
                info.update({k: v for k, v in given.items() if v})
                info.update((about or {}).get(name, {}))
                loaded[name] = info
            _finish(staging, store, settings.base_uri, sorted(owned), progress, loaded, counts)
            outcome.update(loaded={g: counts[g] for g in changed}, validated=checked)

        staging.fill_database(fill)
    return LoadResult(store_dir.require_current(), outcome["loaded"], outcome["validated"])


@dataclass(frozen=True)
class GraphInfo:
    """One named graph of the current generation, for `kaltim-kg graphs`."""

    iri: str
    triples: int
    origin: str  # "build" or "load"
    source: str | None  # where a loaded graph's data comes from (IRI or text)
    licence: str | None
    loaded: str | None  # when it was (last) loaded, ISO 8601 UTC
    files: tuple[str, ...]


def list_graphs(settings: Settings) -> list[GraphInfo]:
    """Every named graph of the current generation, built or loaded, with its provenance."""
    manifest = StoreDir(settings.store_dir).require_current().manifest
    loaded = manifest.get("loaded_graphs", {})
    built = set(manifest.get("built_graphs", []))
    graphs = []
    for iri, triples in sorted(manifest.get("graphs", {}).items()):
        info = loaded.get(iri, {})
        graphs.append(
            GraphInfo(
                iri=iri,
                triples=int(triples),
                origin="build" if iri in built else "load",
                source=info.get("source"),
                licence=info.get("licence"),
                loaded=info.get("loaded"),
                files=tuple(info.get("files", ())),
            )
        )
    return graphs


def drop_graph(settings: Settings, graph: str, progress: Progress = _quiet) -> Generation:
    """Remove one loaded graph in a new generation, published atomically like `load`."""
    store_dir = StoreDir(settings.store_dir)
    with store_dir.lock(), store_dir.staging() as staging:
        previous = store_dir.require_current()
        manifest = previous.manifest
        owned = set(manifest.get("built_graphs", []))
        if graph in owned:
            raise LoadError(f"graph {graph} is written by `build`: change the data files instead")
        if graph not in manifest.get("graphs", {}):
            raise LoadError(f"no graph {graph} in {settings.store_dir}")
        progress("copying the current generation")
        previous.open().backup(str(staging.database_dir))

        def fill(store: pyoxigraph.Store) -> None:
            store.remove_graph(pyoxigraph.NamedNode(graph))
            kept = {g: i for g, i in manifest.get("loaded_graphs", {}).items() if g != graph}
            _finish(staging, store, settings.base_uri, sorted(owned), progress, kept)

        staging.fill_database(fill)
    return store_dir.require_current()


def curated_texts(settings: Settings, facts: Facts | None = None) -> dict[str, str]:
    """The text of every curated source, by the source's IRI (what loaded data may quote)."""
    facts = facts if facts is not None else read_facts(data_files(settings.facts_dir))
    return {
        str(mint_iri("source", s.source.key, settings.base_uri)): s.source.text
        for s in facts.sources
    }


# The graph `validate FILE…` puts the files in, beside a fresh build of the curated data.
CHECKED_FILES_GRAPH = "urn:kaltim-kg:validate:files"


def check_rdf(settings: Settings, graph: Graph) -> Report:
    """Validate RDF as `load` would: beside a fresh build of the curated facts.

    The same gate over the same context: each node the files mention is checked against the
    whole dataset (a flow may name our countries and commodities without describing them),
    and the files may not claim an article's authority without quoting it.
    """
    facts = read_facts(data_files(settings.facts_dir))
    ontology = ontology_graph()
    built = build_dataset(facts, settings.base_uri, ontology)
    store = pyoxigraph.Store()
    store.load(
        built.dataset.serialize(format="nquads", encoding="utf-8"), pyoxigraph.RdfFormat.N_QUADS
    )
    store.load(
        graph.serialize(format="nt", encoding="utf-8"),
        pyoxigraph.RdfFormat.N_TRIPLES,
        to_graph=pyoxigraph.NamedNode(CHECKED_FILES_GRAPH),
    )
    borrowed = borrowed_authority(store, [CHECKED_FILES_GRAPH], curated_texts(settings, facts))
    report = validate_store(store, [CHECKED_FILES_GRAPH], ontology=ontology)
    if not borrowed:
        return report
    lines = sorted({*report.lines, *borrowed})
    return Report(False, report.graph, "\n".join(lines), lines, report.focus_nodes)
