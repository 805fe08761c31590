"""Readable names for IRIs in the reader's language, from the store's own labels."""

from __future__ import annotations

import pyoxigraph
from pyoxigraph import NamedNode
from rdflib.namespace import FOAF, OWL, PROV, RDF, RDFS, SKOS

from kaltim_kg.graph.jsonld import compact_iri
from kaltim_kg.namespaces import KKG, SCHEMA

LANGUAGES = ("id", "en")
_LABEL_PREDICATES = tuple(
    NamedNode(str(p)) for p in (SKOS.prefLabel, RDFS.label, FOAF.name, SCHEMA.name)
)
# Terms of other vocabularies our pages use a lot; anything else falls back to a prefixed name.
_COMMON: dict[str, dict[str, str]] = {
    str(RDF.type): {"en": "type", "id": "jenis"},
    str(RDFS.label): {"en": "label", "id": "label"},
    str(RDFS.comment): {"en": "description", "id": "keterangan"},
    str(OWL.sameAs): {"en": "same as", "id": "sama dengan"},
    str(SKOS.prefLabel): {"en": "preferred label", "id": "label utama"},
    str(SKOS.altLabel): {"en": "alternative label", "id": "label lain"},
    str(SKOS.exactMatch): {"en": "exact match", "id": "padanan tepat"},
    str(SKOS.broadMatch): {"en": "broader match", "id": "padanan lebih luas"},
    str(SKOS.relatedMatch): {"en": "related match", "id": "padanan terkait"},
    str(SKOS.scopeNote): {"en": "scope note", "id": "catatan cakupan"},
    str(PROV.wasDerivedFrom): {"en": "derived from", "id": "bersumber dari"},
}


class Labeller:
    """Labels for one request in one language, looked up once per IRI."""

    def __init__(self, store: pyoxigraph.Store, lang: str) -> None:
        self.store = store
        self.lang = lang
        self._cache: dict[str, str | None] = {}

    def label(self, iri: str) -> str | None:
        """The best stored label: the reader's language, then any other, then none."""
        if iri not in self._cache:
            self._cache[iri] = self._lookup(iri)
        return self._cache[iri]

    def _lookup(self, iri: str) -> str | None:
        common = _COMMON.get(iri)
        if common:
            return common[self.lang]
        node = NamedNode(iri)
        ranked: list[tuple[int, str]] = []
        for rank, predicate in enumerate(_LABEL_PREDICATES):
            for quad in self.store.quads_for_pattern(node, predicate, None, None):
                term = quad.object
                if not isinstance(term, pyoxigraph.Literal):
                    continue
                language = term.language or ""
                score = 0 if language == self.lang else 1 if not language else 2
                ranked.append((score * 10 + rank, term.value))
        if ranked:
            return min(ranked)[1]
        return self._flow_label(node)

    def _flow_label(self, node: NamedNode) -> str | None:
        """Export flows carry no label of their own: name them 'commodity → country'."""
        ends = []
        for predicate in (KKG.commodity, KKG.destination):
            quad = next(self.store.quads_for_pattern(node, NamedNode(str(predicate)), None), None)
            if quad is None or not isinstance(quad.object, NamedNode):
                return None
            ends.append(self.label(quad.object.value) or compact_iri(quad.object.value))
        return " → ".join(ends)

    def name(self, iri: str) -> str:
        """A label, or the prefixed name when the store has none."""
        return self.label(iri) or compact_iri(iri)
