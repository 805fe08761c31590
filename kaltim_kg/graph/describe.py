"""What the store says about one resource: its own triples, its hash children, who links to it.

IRIs are always bound as terms (quad patterns or SPARQL substitutions), never pasted into
query text, so an IRI taken from a request cannot change what a query means.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph
from pyoxigraph import NamedNode, Triple, Variable

_ASK_SUBJECT = "ASK { ?s ?p ?o }"
# Hash IRIs like <…/cohort/x#trade-value> belong to the document of <…/cohort/x>.
_CHILDREN = """
SELECT DISTINCT ?s ?child WHERE {
  ?s ?p ?child .
  FILTER(isIRI(?child) && STRSTARTS(STR(?child), CONCAT(STR(?s), "#")))
}
"""


@dataclass(frozen=True)
class Description:
    """Everything a resource document shows."""

    iri: str
    triples: list[Triple]  # the resource's and its hash children's own triples, deduplicated
    children: list[str]
    incoming: list[Triple]  # links from other resources (for "used by"), capped
    incoming_truncated: bool


def _distinct(quads: Iterable[pyoxigraph.Quad]) -> list[Triple]:
    """The quads' triples, each once (a triple may sit in several named graphs)."""
    seen: dict[Triple, None] = {}
    for quad in quads:
        seen.setdefault(quad.triple, None)
    return list(seen)


def exists(store: pyoxigraph.Store, iri: str) -> bool:
    """True when the IRI is the subject of at least one triple in any graph."""
    return bool(
        store.query(
            _ASK_SUBJECT,
            substitutions={Variable("s"): NamedNode(iri)},
            use_default_graph_as_union=True,
        )
    )


def hash_children(store: pyoxigraph.Store, iri: str) -> list[str]:
    """IRIs `{iri}#…` that the resource links to."""
    rows = store.query(
        _CHILDREN, substitutions={Variable("s"): NamedNode(iri)}, use_default_graph_as_union=True
    )
    return sorted(row["child"].value for row in rows)


def describe(store: pyoxigraph.Store, iri: str, incoming_limit: int = 500) -> Description:
    """Collect the description of `iri` (call `exists` first for a 404)."""
    node = NamedNode(iri)
    children = hash_children(store, iri)
    triples = _distinct(store.quads_for_pattern(node, None, None, None))
    for child in children:
        triples += _distinct(store.quads_for_pattern(NamedNode(child), None, None, None))
    incoming: dict[Triple, None] = {}
    truncated = False
    for quad in store.quads_for_pattern(None, None, node, None):
        if len(incoming) >= incoming_limit:
            truncated = True
            break
        if not quad.subject.value.startswith(iri + "#"):
            incoming.setdefault(quad.triple, None)
    return Description(iri, triples, children, list(incoming), truncated)
