"""The IRIs VoID, DCAT and the service description name, dereferenced: `/dataset`, every
`/graph/{name}`, and `/sparql/service` (the service description for people).

Each answers directly (200, like /ontology) with a page for browsers and RDF by Accept or
`?format=`; a graph this generation does not hold is a 404. A graph page says what the graph
holds (counts, classes with how many of each, a few example resources), where it comes from,
its licence, when it was built or loaded, and how to download it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from urllib.parse import urlencode

import pyoxigraph
from flask import Blueprint, Response, url_for
from pyoxigraph import NamedNode, Variable
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS

from kaltim_kg.catalog.records import GraphFacts, dataset_record, graph_record
from kaltim_kg.catalog.void import void_graph
from kaltim_kg.graph.describe import exists
from kaltim_kg.namespaces import normalise_base
from kaltim_kg.web import current
from kaltim_kg.web.catalog import OFFERS, answer, links, presenter, release, site
from kaltim_kg.web.catalog_views import (
    counts_of,
    graph_heading,
    link_to,
    overview,
    service_view,
)
from kaltim_kg.web.negotiation import HTML, TURTLE, choose_format, plain
from kaltim_kg.web.service_description import service_graph
from kaltim_kg.web.texts import request_language

bp = Blueprint("datasets", __name__)

EXAMPLES = 5  # example resources a graph page shows
_CLASSES_PER_GRAPH = """
SELECT ?g ?class (COUNT(DISTINCT ?s) AS ?entities)
WHERE { GRAPH ?g { ?s a ?class } FILTER(isIRI(?class) && isIRI(?s)) } GROUP BY ?g ?class
"""


class GraphClasses:
    """Classes with entity counts per named graph, counted once per generation and graph
    (a generation never changes) and kept for the few most recently asked."""

    def __init__(self, size: int = 64) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, str], dict[str, int]] = OrderedDict()
        self.size = size

    def get(self, generation: str, store: pyoxigraph.Store, graph: str) -> dict[str, int]:
        key = (generation, graph)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        rows = store.query(_CLASSES_PER_GRAPH, substitutions={Variable("g"): NamedNode(graph)})
        counts = {row["class"].value: int(row["entities"].value) for row in rows}
        with self._lock:
            self._entries[key] = counts
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return counts


_CLASSES = GraphClasses()


def _examples(
    store: pyoxigraph.Store, graph: str, classes: dict[str, int], base_uri: str
) -> list[str]:
    """One of our resources of each of the graph's most common classes, up to EXAMPLES
    (each found with one index lookup, no scan)."""
    found: list[str] = []
    prefix = f"{base_uri}id/"
    kind = NamedNode(str(RDF.type))
    for cls in sorted(classes, key=lambda c: (-classes[c], c)):
        for quad in store.quads_for_pattern(None, kind, NamedNode(cls), NamedNode(graph)):
            subject = quad.subject
            if isinstance(subject, NamedNode) and subject.value.startswith(prefix):
                thing = subject.value.partition("#")[0]
                if thing not in found:
                    found.append(thing)
                    break
        if len(found) >= EXAMPLES:
            break
    return found


@bp.route("/dataset")
def dataset() -> Response:
    """The dataset: its VoID and DCAT descriptions (RDF), or the overview page."""
    fmt = choose_format(OFFERS, default=TURTLE)
    about, here = release(), site()
    page = {}
    if fmt is HTML:
        page["view"] = overview(
            void_graph(here, about), here.dataset, presenter(request_language()), about
        )
    graph = dataset_record(here, about) if fmt is not HTML else Graph()
    return answer(graph, fmt, "ld_void.html", links("datasets.dataset"), document="dataset", **page)


@bp.route("/graph/<path:name>")
def named_graph(name: str) -> Response:
    """One named graph of the current generation; 404 for any other name."""
    base = normalise_base(current.settings().base_uri)
    iri = f"{base}graph/{name}"
    about = release()
    stats = about.statistics.get("graphs", {})
    if not isinstance(stats, dict) or iri not in stats:
        return plain(404, f"Not Found: no named graph {iri} in this generation")
    fmt = choose_format(OFFERS, default=TURTLE)
    opened = current.store()
    settings = current.settings()
    source = f"{base}id/source/{name}"
    triples = int(stats[iri].get("triples", 0))
    facts = GraphFacts(
        iri=iri,
        classes=_CLASSES.get(opened.generation.id, opened.store, iri),
        source=source if exists(opened.store, source) else None,
        dump_url=_construct_url(iri, "turtle") if triples <= settings.max_result_rows else None,
    )
    graph = graph_record(site(), about, facts)
    page = {}
    if fmt is HTML:
        show = presenter(request_language())
        page["named"] = {
            "iri": iri,
            "title": graph_heading(show, about, iri),
            "counts": counts_of(stats[iri]),
            "classes": sorted(
                ((show.iri_value(c), n) for c, n in facts.classes.items()),
                key=lambda pair: (-pair[1], pair[0].text),
            ),
            "examples": [
                show.iri_value(e) for e in _examples(opened.store, iri, dict(facts.classes), base)
            ],
            "source": show.iri_value(facts.source) if facts.source else None,
            "source_url": _article_url(opened.store, facts.source),
            "loaded": about.loaded_graphs.get(iri, {}),
            "licence": link_to(show, str(graph.value(URIRef(iri), DCTERMS.license))),
            "modified": str(graph.value(URIRef(iri), DCTERMS.modified)),
            "dumps": {
                "turtle": _construct_url(iri, "turtle"),
                "ntriples": _construct_url(iri, "ntriples"),
            },
            "fits": facts.dump_url is not None,
            "max_rows": settings.max_result_rows,
        }
    return answer(graph, fmt, "ld_graph.html", links("datasets.named_graph", name=name), **page)


@bp.route("/sparql/service")
def service() -> Response:
    """The SPARQL service description, for people (HTML) and by Accept for machines."""
    fmt = choose_format(OFFERS, default=TURTLE)
    endpoint = url_for("sparql.endpoint", _external=True)
    generation = current.store().generation
    graph = service_graph(endpoint, generation.manifest, current.settings())
    page = {}
    if fmt is HTML:
        page["view"] = service_view(graph, presenter(request_language()), release())
    return answer(graph, fmt, "ld_service.html", links("datasets.service"), **page)


def _construct_url(graph: str, fmt: str) -> str:
    """The graph's triples from the endpoint (bounded like every query there). `graph` is a
    name from the generation's manifest, never request text."""
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return (
        url_for("sparql.endpoint", _external=True)
        + "?"
        + urlencode({"query": query, "format": fmt})
    )


def _article_url(store: pyoxigraph.Store, source: str | None) -> str | None:
    """The curated article's own web address (schema:url), to link out to."""
    if source is None:
        return None
    quad = next(
        store.quads_for_pattern(NamedNode(source), NamedNode("https://schema.org/url"), None),
        None,
    )
    value = quad.object.value if quad is not None else None
    return value if value and value.startswith(("http://", "https://")) else None
