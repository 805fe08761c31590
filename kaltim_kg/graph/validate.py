"""The SHACL gate around pyshacl: validate a dataset, and say where each problem was written."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from kaltim_kg.config import resource_dir
from kaltim_kg.errors import ShapesError
from kaltim_kg.facts.fields import Where
from kaltim_kg.lifetime import die_with_parent
from kaltim_kg.namespaces import PREFIXES, SH


@dataclass(frozen=True)
class Report:
    """Outcome of one SHACL run, in the shape of pySHACL's `(conforms, graph, text)`."""

    conforms: bool
    graph: Graph
    text: str
    lines: list[str]
    focus_nodes: int = 0  # how many nodes the batched gate checked (0: not counted)
    seconds: float = 0.0  # how long pySHACL took (0: not measured)


def shapes_graph(path: Path | None = None) -> Graph:
    return Graph().parse(path or resource_dir("shapes") / "kaltim-shapes.ttl", format="turtle")


def _short(node: object) -> str:
    """Compact an IRI for a message: a prefixed name, or the path under /id/."""
    text = str(node)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    if "/id/" in text:
        return "id/" + text.split("/id/", 1)[1]
    return text


def explain(results: Graph, origins: Mapping[URIRef, Where] | None = None) -> list[str]:
    """One `file:line: reason` line per violation, sorted, for humans and the CLI."""
    origins = origins or {}
    lines = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage) or "constraint violated"
        severity = results.value(result, SH.resultSeverity)
        where = origins.get(focus)  # type: ignore[arg-type]
        prefix = f"{where}: " if where else ""
        level = str(severity).rsplit("#", 1)[-1].lower()
        sev = "" if severity == SH.Violation else f"[{level}] "
        on = f" ({_short(path)})" if path is not None else ""
        lines.append(f"{prefix}{sev}{_short(focus)}{on}: {message}")
    return sorted(set(lines))


def _classes_of(ontology: Graph) -> Graph:
    """What the gate needs from the ontology: the class hierarchy and the types of its
    individuals (kkg:Export a kkg:TradeType). pySHACL copies the ontology into the data
    node by node, following every link; the concept schemes' links (skos:inScheme one way,
    skos:hasTopConcept back) made that copy take minutes once the schemes grew."""
    kept = Graph()
    for predicate in (RDFS.subClassOf, RDF.type):
        for triple in ontology.triples((None, predicate, None)):
            kept.add(triple)
    return kept


def validate_graph(
    data: Graph,
    ontology: Graph | None = None,
    shapes: Graph | None = None,
    origins: Mapping[URIRef, Where] | None = None,
) -> Report:
    """Validate data (+ ontology for the class hierarchy) against the shapes.

    The shapes' property shapes are hoisted (`hoist_property_shapes`: same results): with
    the reference vocabularies (HS 2022's 6,957 concepts) the build's gate took 15 s
    before and 5 s after.
    """
    started = time.perf_counter()
    conforms, results, text = shacl_validate(
        data,
        shacl_graph=hoist_property_shapes(shapes if shapes is not None else shapes_graph()),
        ont_graph=_classes_of(ontology) if ontology is not None else None,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=False,
    )
    seconds = time.perf_counter() - started
    return Report(bool(conforms), results, str(text), explain(results, origins), seconds=seconds)


# ---- the gate at scale: a store of millions of triples, validated in focus-node batches
#
# SHACL results only ever concern focus nodes, and every constraint in our shapes looks at
# most one hop from its focus node (sh:class reads the rdf:type of a value; sh:node reads a
# value's own triples). So a batch of focus nodes plus everything one hop away is a graph in
# which pySHACL reaches the same verdict on those nodes as on the whole store. Batches are
# small rdflib graphs, so memory stays flat, and they run in worker processes on every core.

BATCH_NODES = 2_000
MAX_REPORTED = 1_000  # violations kept in full; beyond that they are counted, not listed
_TARGET_KINDS = (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def target_classes(shapes: Graph, ontology: Graph | None) -> list[str]:
    """Every class whose instances a shape targets, subclasses included (via the ontology)."""
    unsupported = [k for k in _TARGET_KINDS if next(shapes.triples((None, k, None)), None)]
    if unsupported:
        raise ShapesError(
            f"shapes use {', '.join(_short(k) for k in unsupported)}: "
            "the batched gate only handles sh:targetClass"
        )
    wanted = set(shapes.objects(None, SH.targetClass))
    hierarchy = ontology if ontology is not None else Graph()
    frontier = list(wanted)
    while frontier:
        for sub in hierarchy.subjects(RDFS.subClassOf, frontier.pop()):
            if sub not in wanted:
                wanted.add(sub)
                frontier.append(sub)
    return sorted(str(c) for c in wanted)


def hoist_property_shapes(shapes: Graph) -> Graph:
    """The same shapes, with each targeted node shape's `sh:property` shapes given its targets.

    pySHACL validates a node shape's property shapes one focus node at a time, reading the
    shape and building its constraint components again for every node; a property shape
    with targets of its own is validated once for all its focus nodes. The results are the
    same (same focus nodes, paths, values, source shapes, messages, severities): the
    property shape's constraints apply to the same nodes either way. A batch of 2,000 flows
    took 2.0 s before and 0.7 s after. Node shapes that other shapes use (`sh:node`,
    `sh:and`, ...), that are deactivated or closed, or that are classes themselves (implicit
    targets) are left as they are.
    """
    hoisted = Graph()
    for triple in shapes:
        hoisted.add(triple)
    used = {*shapes.objects(None, SH.node), *shapes.objects(None, SH.qualifiedValueShape)}
    used.update(shapes.objects(None, SH["not"]))
    for combination in (SH["and"], SH["or"], SH.xone):
        for members in shapes.objects(None, combination):
            used.update(Collection(shapes, members))
    targeted = {s for kind in (SH.targetClass, *_TARGET_KINDS) for s in shapes.subjects(kind)}
    for shape in targeted - used:
        if (
            (shape, SH.path, None) in shapes
            or (shape, SH.deactivated, None) in shapes
            or (shape, SH.closed, None) in shapes  # sh:closed reads the sh:property paths
            or (shape, RDF.type, RDFS.Class) in shapes
            or (shape, RDF.type, OWL.Class) in shapes
        ):
            continue
        targets = [
            (kind, target)
            for kind in (SH.targetClass, *_TARGET_KINDS)
            for target in shapes.objects(shape, kind)
        ]
        for prop in list(shapes.objects(shape, SH.property)):
            for kind, target in targets:
                hoisted.add((prop, kind, target))
            hoisted.remove((shape, SH.property, prop))
    return hoisted


def _focus_nodes(store: pyoxigraph.Store, graphs: Sequence[str], classes: list[str]) -> Iterator:
    """Nodes that have triples in `graphs` and a targeted type anywhere in the store."""
    if not graphs:
        return
    in_classes = " ".join(f"<{c}>" for c in classes)
    in_graphs = " ".join(f"<{g}>" for g in graphs)
    query = (
        f"SELECT DISTINCT ?s WHERE {{ VALUES ?c {{ {in_classes} }} ?s a ?c . "
        f"FILTER EXISTS {{ VALUES ?g {{ {in_graphs} }} GRAPH ?g {{ ?s ?p ?o }} }} }}"
    )
    for row in store.query(query, use_default_graph_as_union=True):
        yield row[0]


def _closure(store: pyoxigraph.Store, nodes: list[Any]) -> bytes:
    """N-Triples of the nodes' triples plus the triples of every node they point at."""
    triples = set()
    seen = set(nodes)
    hops = []
    for node in nodes:
        for quad in store.quads_for_pattern(node, None, None, None):
            triples.add(quad.triple)
            value = quad.object
            if not isinstance(value, pyoxigraph.Literal) and value not in seen:
                seen.add(value)
                hops.append(value)
    for node in hops:
        for quad in store.quads_for_pattern(node, None, None, None):
            triples.add(quad.triple)
    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""


def _batches(
    store: pyoxigraph.Store, graphs: Sequence[str], classes: list[str], size: int
) -> Iterator[tuple[list[str], bytes]]:
    batch: list[Any] = []
    for node in _focus_nodes(store, graphs, classes):
        batch.append(node)
        if len(batch) == size:
            yield [n.value for n in batch], _closure(store, batch)
            batch = []
    if batch:
        yield [n.value for n in batch], _closure(store, batch)


_WORKER: dict[str, Any] = {}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _init_pool_worker(shapes_nt: bytes, ontology_nt: bytes | None) -> None:
    die_with_parent()
    _init_worker(shapes_nt, ontology_nt)


def _init_worker(shapes_nt: bytes, ontology_nt: bytes | None) -> None:
    _WORKER["shapes"] = Graph().parse(data=shapes_nt, format="nt")
    ontology = Graph().parse(data=ontology_nt, format="nt") if ontology_nt else Graph()
    # sh:class only needs the class hierarchy; adding these few triples to each batch is far
    # cheaper than letting pySHACL mix the whole ontology into every batch graph.
    _WORKER["hierarchy"] = list(ontology.triples((None, RDFS.subClassOf, None)))


def _rdflib_graph(data: bytes) -> Graph:
    """Parse N-Triples with Oxigraph's parser into an rdflib Graph (faster than rdflib's)."""
    graph = Graph()
    iris: dict[str, URIRef] = {}

    def term(node: Any) -> Any:
        if isinstance(node, pyoxigraph.NamedNode):
            iri = iris.get(node.value)
            if iri is None:
                iri = iris[node.value] = URIRef(node.value)
            return iri
        if isinstance(node, pyoxigraph.Literal):
            if node.language:
                return Literal(node.value, lang=node.language)
            datatype = node.datatype.value
            return Literal(node.value, datatype=None if datatype == _XSD_STRING else datatype)
        return BNode(node.value)

    add = graph.add
    for triple in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES):
        add((term(triple.subject), term(triple.predicate), term(triple.object)))
    return graph


def _results_about(results: Graph, focus: set[URIRef]) -> Graph:
    """The validation results whose focus node is one of `focus`, each with its own triples."""
    kept = Graph()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if results.value(result, SH.focusNode) in focus:
            for triple in results.triples((result, None, None)):
                kept.add(triple)
    return kept


def _check_batch(job: tuple[list[str], bytes]) -> tuple[bool, bytes, list[str]]:
    """Validate one batch in a worker; return (conforms, results as N-Triples, lines).

    The batch graph also holds the nodes one hop away, which pySHACL validates too, but their
    own references may lie outside the batch: only results about the batch's nodes count.
    (pySHACL's focus_nodes option would skip that work, but it miscounts qualified value
    shapes in 0.40, so it is not used.)
    """
    focus, data = job
    graph = _rdflib_graph(data)
    for triple in _WORKER["hierarchy"]:
        graph.add(triple)
    conforms, results, _ = shacl_validate(
        graph,
        shacl_graph=_WORKER["shapes"],
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        inplace=True,  # the batch graph is throwaway: skip pySHACL's defensive copy
    )
    if conforms:
        return True, b"", []
    kept = _results_about(results, {URIRef(n) for n in focus})
    if not len(kept):
        return True, b"", []
    return False, kept.serialize(format="nt", encoding="utf-8"), explain(kept)


Outcome = tuple[bool, bytes, list[str]]


def _outcomes(
    jobs: Iterator[tuple[list[str], bytes]], workers: int, init: tuple[bytes, bytes | None]
) -> Iterator[tuple[Outcome, int]]:
    """Check batches in worker processes (in this process when there is only one batch)."""
    head = list(itertools.islice(jobs, 2))
    if len(head) < 2 or workers == 1:
        _init_worker(*init)  # small loads: no process start-up cost
        for job in itertools.chain(head, jobs):
            yield _check_batch(job), len(job[0])
        return
    context = multiprocessing.get_context("spawn")  # never fork a process with RocksDB threads
    with ProcessPoolExecutor(workers, context, _init_pool_worker, init) as pool:
        pending: deque[tuple[Future[Outcome], int]] = deque()
        for job in itertools.chain(head, jobs):
            pending.append((pool.submit(_check_batch, job), len(job[0])))
            # A short queue keeps memory bounded: extraction waits for the workers.
            while len(pending) > 2 * workers:
                future, size = pending.popleft()
                yield future.result(), size
        for future, size in pending:
            yield future.result(), size


def validate_store(
    store: pyoxigraph.Store,
    graphs: Sequence[str],
    ontology: Graph | None = None,
    shapes: Graph | None = None,
    batch_nodes: int = BATCH_NODES,
    workers: int | None = None,
) -> Report:
    """Validate every focus node with triples in `graphs`, reading references from the store."""
    shapes = shapes if shapes is not None else shapes_graph()
    classes = target_classes(shapes, ontology)
    init = (
        hoist_property_shapes(shapes).serialize(format="nt", encoding="utf-8"),
        ontology.serialize(format="nt", encoding="utf-8") if ontology else None,
    )
    jobs = _batches(store, graphs, classes, batch_nodes)
    results = Graph()
    lines: set[str] = set()
    checked = unlisted = 0
    conforms = True
    for (ok, data, found), size in _outcomes(jobs, workers or min(2, os.cpu_count() or 1), init):
        checked += size
        if ok:
            continue
        conforms = False
        if len(lines) >= MAX_REPORTED:  # millions of results would not fit in memory
            unlisted += len(found)
            continue
        results.parse(data=data, format="nt")
        lines.update(found)
    ordered = sorted(lines)
    if unlisted:
        ordered.append(f"… and {unlisted} more violation(s) not listed")
    text = "Conforms: True\n" if conforms else "Conforms: False\n" + "\n".join(ordered) + "\n"
    return Report(conforms, results, text, ordered, checked)
