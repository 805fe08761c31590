"""Where the export flows went: flows per destination, read once per store generation.

A destination is a country, a UN M49 world region (when the source names only a region,
"beberapa negara Eropa") or an Indonesian province. The figures are counts of the flow
records in the graph, never amounts: most flows have no stated value, and adding up the
values of those that do would make a total no source states.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph

from kaltim_kg.namespaces import KKG

PREFIXES = f"""
PREFIX kkg: <{KKG}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

# Every destination with its number of flows, and how many of them state a value.
FLOWS_PER_DESTINATION = (
    PREFIXES
    + """
SELECT ?destination (COUNT(DISTINCT ?flow) AS ?flows) (COUNT(DISTINCT ?valued) AS ?valued)
WHERE {
  ?flow a kkg:ExportFlow ; kkg:destination ?destination .
  OPTIONAL { ?flow kkg:tradeValue ?amount BIND(?flow AS ?valued) }
} GROUP BY ?destination
"""
)

KINDS = (
    ("country", KKG.Country),
    ("world-region", KKG.WorldRegion),
    ("region", KKG.Region),
)

# A country is in a world region when the reference graph puts it in that UN M49 area or in
# one of the area's sub-regions (`kkg:worldRegion` names the most specific area).
MEMBERSHIP = (
    PREFIXES
    + """
SELECT DISTINCT ?region ?numeric WHERE {
  VALUES ?region { %s }
  ?country a kkg:Country ; kkg:isoNumeric ?numeric ; kkg:worldRegion/skos:broader* ?region .
}
"""
)


@dataclass(frozen=True)
class Destination:
    """One destination of flows, as the graph has it."""

    iri: str
    kind: str  # "country", "world-region", "region" or "other"
    flows: int
    valued: int  # flows with at least one stated value
    numeric: str | None = None  # ISO 3166-1 numeric, countries only
    as_stated: tuple[str, ...] = ()  # the sources' own words for a vague destination
    members: frozenset[str] = field(default_factory=frozenset)  # ISO numeric codes, regions


def _kind(store: pyoxigraph.Store, node: pyoxigraph.NamedNode) -> str:
    for kind, cls in KINDS:
        pattern = store.quads_for_pattern(node, _RDF_TYPE, pyoxigraph.NamedNode(str(cls)))
        if next(iter(pattern), None) is not None:
            return kind
    return "other"


_RDF_TYPE = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_ISO_NUMERIC = pyoxigraph.NamedNode(str(KKG.isoNumeric))
_DESTINATION = pyoxigraph.NamedNode(str(KKG.destination))
_AS_STATED = pyoxigraph.NamedNode(str(KKG.destinationAsStated))


def _first_value(store: pyoxigraph.Store, node: pyoxigraph.NamedNode, predicate) -> str | None:
    quad = next(iter(store.quads_for_pattern(node, predicate, None)), None)
    return quad.object.value if quad is not None else None


def _as_stated(store: pyoxigraph.Store, node: pyoxigraph.NamedNode) -> tuple[str, ...]:
    words = set()
    for flow in store.quads_for_pattern(None, _DESTINATION, node):
        for quad in store.quads_for_pattern(flow.subject, _AS_STATED, None):
            words.add(quad.object.value)
    return tuple(sorted(words))


def _members(store: pyoxigraph.Store, regions: list[str]) -> dict[str, frozenset[str]]:
    if not regions:
        return {}
    values = " ".join(f"<{iri}>" for iri in regions)
    found: dict[str, set[str]] = defaultdict(set)
    for row in store.query(MEMBERSHIP % values, use_default_graph_as_union=True):
        found[row["region"].value].add(row["numeric"].value.zfill(3))
    return {region: frozenset(codes) for region, codes in found.items()}


def read_destinations(store: pyoxigraph.Store) -> list[Destination]:
    """Every destination with its flow counts, most flows first."""
    rows = list(store.query(FLOWS_PER_DESTINATION, use_default_graph_as_union=True))
    found = []
    for row in rows:
        node = row["destination"]
        if not isinstance(node, pyoxigraph.NamedNode):
            continue
        kind = _kind(store, node)
        numeric = _first_value(store, node, _ISO_NUMERIC) if kind == "country" else None
        found.append(
            Destination(
                iri=node.value,
                kind=kind,
                flows=int(row["flows"].value),
                valued=int(row["valued"].value),
                numeric=numeric.zfill(3) if numeric else None,
                as_stated=_as_stated(store, node) if kind != "country" else (),
            )
        )
    members = _members(store, [d.iri for d in found if d.kind == "world-region"])
    found = [
        Destination(**{**d.__dict__, "members": members.get(d.iri, frozenset())})
        if d.kind == "world-region"
        else d
        for d in found
    ]
    return sorted(found, key=lambda d: (-d.flows, d.iri))


class PerGeneration:
    """Destinations of the current generation, computed once (generations never change)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._destinations: list[Destination] = []

    def get(self, generation: str, store: pyoxigraph.Store) -> list[Destination]:
        with self._lock:
            if self._generation != generation:
                self._destinations = read_destinations(store)
                self._generation = generation
            return self._destinations
