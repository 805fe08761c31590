"""Dataset statistics for VoID, computed once at build time from the staged store.

Counts are true counts over the data as published: per named graph, and for the whole
dataset as the endpoint's default graph (the union, each distinct triple once). An *entity*
is an IRI that is the subject of an `rdf:type` triple (blank nodes
are not entities); a class is any object of `rdf:type`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pyoxigraph
from pyoxigraph import NamedNode, Variable

from kaltim_kg.namespaces import GEONAMES, WD

# Link targets VoID describes as linksets: name → namespace of the target dataset's IRIs.
LINK_TARGETS = {"wikidata": str(WD), "geonames": str(GEONAMES)}

_PER_GRAPH = """
SELECT ?g (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?distinctSubjects)
       (COUNT(DISTINCT ?p) AS ?properties) (COUNT(DISTINCT ?o) AS ?distinctObjects)
WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g
"""
_TYPES_PER_GRAPH = """
SELECT ?g (COUNT(DISTINCT ?c) AS ?classes) (COUNT(DISTINCT ?e) AS ?entities)
WHERE { GRAPH ?g { ?s a ?c BIND(IF(isIRI(?s), ?s, 1/0) AS ?e) } } GROUP BY ?g
"""
_UNION = """
SELECT (COUNT(DISTINCT ?s) AS ?distinctSubjects) (COUNT(DISTINCT ?o) AS ?distinctObjects)
WHERE { ?s ?p ?o }
"""
_UNION_TYPES = """
SELECT (COUNT(DISTINCT ?c) AS ?classes) (COUNT(DISTINCT ?e) AS ?entities)
WHERE { ?s a ?c BIND(IF(isIRI(?s), ?s, 1/0) AS ?e) }
"""
_CLASS_PARTITIONS = """
SELECT ?c (COUNT(DISTINCT ?s) AS ?entities) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c
"""
_PER_GRAPH_PROPERTY = """
SELECT ?g ?p (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ?p
"""
# A triple stated in several graphs counts once in the union. Rank the largest graph first,
# then the rest by IRI, and count, per smaller graph, the quads whose triple an earlier graph
# already holds. Only the small graphs are scanned, each quad with one index lookup, so the
# cost stays flat when one graph holds millions of triples (a DISTINCT would hash them all).
_REPEATS = """
SELECT ?g ?largest ?p (COUNT(*) AS ?repeats) WHERE {
  GRAPH ?g { ?s ?p ?o }
  FILTER EXISTS { GRAPH ?h { ?s ?p ?o } FILTER(?h = ?largest || STR(?h) < STR(?g)) }
} GROUP BY ?g ?largest ?p
"""

# The namespaces are our own constants (LINK_TARGETS), not request input.
_TARGETS = " ".join(f'"{namespace}"' for namespace in LINK_TARGETS.values())
_LINKS = f"""
SELECT ?namespace (COUNT(*) AS ?links) WHERE {{
  VALUES ?namespace {{ {_TARGETS} }}
  {{ SELECT DISTINCT ?s ?o WHERE {{ ?s <http://www.w3.org/2002/07/owl#sameAs> ?o }} }}
  FILTER(STRSTARTS(STR(?o), ?namespace))
}} GROUP BY ?namespace
"""

# The commodity → country pairs the home page draws: at 10M triples this query takes
# seconds, so it runs once per generation here, not per request. Each pattern is its own
# subquery so the engine scans the three and hash-joins them; as one group it looks up two
# triples per flow in the database (1M triples: 0.9 s instead of 3.2 s; 10M: 7.5 s, 13.5 s).
_FLOW_PAIRS = """
PREFIX kkg: <https://w3id.org/kaltim-kg/ontology#>
SELECT ?commodity ?country (COUNT(?flow) AS ?flows) (SAMPLE(?flow) AS ?example) WHERE {
  { SELECT ?flow WHERE { ?flow a kkg:ExportFlow } }
  { SELECT ?flow ?commodity WHERE { ?flow kkg:commodity ?commodity } }
  { SELECT ?flow ?country WHERE { ?flow kkg:destination ?country } }
} GROUP BY ?commodity ?country ORDER BY DESC(?flows) ?commodity ?country LIMIT 150
"""

COUNTS = ("triples", "entities", "classes", "properties", "distinctSubjects", "distinctObjects")


class StatisticsCancelled(Exception):
    """The caller gave up waiting (Ctrl-C during a build or load): no further query starts."""


class _Queries:
    """Runs the statistics queries one after another, checking before each whether to stop.

    The engine cannot stop a query, but at 10M triples the statistics are a dozen queries of
    a few seconds each: checking between them lets Ctrl-C end a load within one query.
    """

    def __init__(self, store: pyoxigraph.Store, cancelled: Callable[[], bool]) -> None:
        self.store = store
        self.cancelled = cancelled

    def __call__(
        self, query: str, union: bool = False, substitutions: dict[Any, Any] | None = None
    ) -> list[Any]:
        if self.cancelled():
            raise StatisticsCancelled
        results = self.store.query(
            query, use_default_graph_as_union=union, substitutions=substitutions
        )
        return list(results)


def _int(row: pyoxigraph.QuerySolution, name: str) -> int:
    term = row[name]
    return int(term.value) if term is not None else 0


def namespace_of(iri: str) -> str:
    """The vocabulary namespace of a term: everything up to its last `#` or `/`."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def _union_property_counts(query: _Queries, graphs: dict[str, dict[str, int]]) -> dict[str, int]:
    """Triples per property in the union graph, each distinct triple once."""
    counts: Counter[str] = Counter()
    for row in query(_PER_GRAPH_PROPERTY):
        counts[row["p"].value] += _int(row, "triples")
    if len(graphs) > 1:
        largest = max(graphs, key=lambda g: graphs[g]["triples"])
        for graph in graphs:
            if graph == largest:
                continue
            bindings = {Variable("g"): NamedNode(graph), Variable("largest"): NamedNode(largest)}
            for row in query(_REPEATS, substitutions=bindings):
                counts[row["p"].value] -= _int(row, "repeats")
    return {p: n for p, n in counts.items() if n > 0}


def _flow_pairs(query: _Queries) -> list[list[str | None]]:
    """The busiest commodity → country pairs: [the flow if it is the only one, commodity, country]."""
    return [
        [
            r["example"].value if _int(r, "flows") == 1 else None,
            r["commodity"].value,
            r["country"].value,
        ]
        for r in query(_FLOW_PAIRS, union=True)
    ]


def _never() -> bool:
    return False


def compute_statistics(
    store: pyoxigraph.Store, cancelled: Callable[[], bool] = _never
) -> dict[str, Any]:
    """All VoID numbers for the manifest (plain JSON types).

    Raises StatisticsCancelled, between two queries, once `cancelled()` is true.
    """
    query = _Queries(store, cancelled)
    graphs: dict[str, dict[str, int]] = {}
    for row in query(_PER_GRAPH):
        graphs[row["g"].value] = {
            name: _int(row, name)
            for name in ("triples", "distinctSubjects", "properties", "distinctObjects")
        } | {"classes": 0, "entities": 0}
    for row in query(_TYPES_PER_GRAPH):
        graphs[row["g"].value].update(classes=_int(row, "classes"), entities=_int(row, "entities"))
    (whole,) = query(_UNION, union=True)
    (types,) = query(_UNION_TYPES, union=True)
    classes = {
        row["c"].value: _int(row, "entities") for row in query(_CLASS_PARTITIONS, union=True)
    }
    properties = _union_property_counts(query, graphs)
    dataset = {
        "triples": sum(properties.values()),
        "distinctSubjects": _int(whole, "distinctSubjects"),
        "properties": len(properties),
        "distinctObjects": _int(whole, "distinctObjects"),
        "classes": _int(types, "classes"),
        "entities": _int(types, "entities"),
    }
    found = {row["namespace"].value: _int(row, "links") for row in query(_LINKS, union=True)}
    links = {name: found.get(namespace, 0) for name, namespace in LINK_TARGETS.items()}
    vocabularies = sorted({namespace_of(iri) for iri in [*classes, *properties]})
    return {
        "dataset": dataset,
        "graphs": dict(sorted(graphs.items())),
        "class_partitions": dict(sorted(classes.items())),
        "property_partitions": dict(sorted(properties.items())),
        "linksets": links,
        "vocabularies": vocabularies,
        "flow_pairs": _flow_pairs(query),
    }
