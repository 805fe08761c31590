"""Turn RDF terms and descriptions into plain view models for the HTML templates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph
from pyoxigraph import NamedNode
from rdflib.namespace import PROV, RDF

from kaltim_kg.graph.describe import Description
from kaltim_kg.graph.jsonld import compact_iri
from kaltim_kg.namespaces import KKG, SCHEMA
from kaltim_kg.web.addresses import local_path
from kaltim_kg.web.labels import Labeller
from kaltim_kg.web.numbers import format_literal

# Datasets we link out to, by IRI prefix, named so readers know where a link goes.
EXTERNAL_SOURCES = (
    ("http://www.wikidata.org/entity/", "Wikidata"),
    ("http://sws.geonames.org/", "GeoNames"),
    ("http://aims.fao.org/aos/agrovoc/", "AGROVOC"),
    ("http://publications.europa.eu/resource/authority/", "EU Publications Office"),
)
EVIDENCE = str(KKG.evidence)
DERIVED_FROM = str(PROV.wasDerivedFrom)
TYPE = str(RDF.type)


def safe_href(iri: str) -> str | None:
    """Only web links become clickable: never `javascript:` or other schemes from data."""
    return iri if iri.startswith(("http://", "https://")) else None


@dataclass(frozen=True)
class Value:
    """One term as shown on a page."""

    text: str
    href: str | None = None  # where a click goes (local path or external IRI)
    iri: str | None = None
    external: str | None = None  # the name of the external dataset, if any
    lang: str | None = None
    datatype: str | None = None
    exact: str | None = None  # a number's lexical form, when `text` is it formatted for reading


@dataclass
class Row:
    prop: Value
    values: list[Value] = field(default_factory=list)


@dataclass
class Source:
    link: Value
    url: str | None


@dataclass
class Page:
    """The view model of one resource page."""

    iri: str
    title: str
    types: list[Value]
    rows: list[Row]
    children: list[tuple[str, str, list[Row]]]  # (fragment, title, rows)
    used_by: list[Row]
    used_by_truncated: bool
    evidence: list[Value]
    sources: list[Source]


class Presenter:
    """Builds values and pages with one labeller (one language, one request)."""

    def __init__(self, store: pyoxigraph.Store, labeller: Labeller, base_uri: str) -> None:
        self.store = store
        self.labels = labeller
        self.base_uri = base_uri

    def iri_value(self, iri: str) -> Value:
        local = local_path(self.base_uri, iri)
        if local is not None:
            text = self.labels.label(iri) or iri.removeprefix(f"{self.base_uri}id/")
            return Value(text, href=local, iri=iri)
        for prefix, name in EXTERNAL_SOURCES:
            if iri.startswith(prefix):
                text = self.labels.label(iri) or f"{name} {iri[len(prefix) :].strip('/')}"
                return Value(text, href=iri, iri=iri, external=name)
        label = self.labels.label(iri)
        return Value(label or compact_iri(iri), href=safe_href(iri), iri=iri)

    def value(self, term: object) -> Value:
        if isinstance(term, NamedNode):
            return self.iri_value(term.value)
        if isinstance(term, pyoxigraph.Literal):
            datatype = term.datatype.value if not term.language else None
            shown = compact_iri(datatype) if datatype else None
            if shown == "xsd:string":
                shown = None
            readable = format_literal(term.value, datatype, self.labels.lang)
            if readable is not None and readable != term.value:
                return Value(readable, datatype=shown, exact=term.value)
            return Value(term.value, lang=term.language, datatype=shown)
        return Value(str(term))

    def rows(self, triples: Iterable[pyoxigraph.Triple], skip: frozenset[str]) -> list[Row]:
        grouped: dict[str, list[Value]] = defaultdict(list)
        for triple in triples:
            if triple.predicate.value not in skip:
                grouped[triple.predicate.value].append(self.value(triple.object))
        rows = [
            Row(self.iri_value(p), sorted(values, key=lambda v: (v.lang or "", v.text)))
            for p, values in grouped.items()
        ]
        return sorted(rows, key=lambda r: (r.prop.iri != TYPE, r.prop.text.lower()))

    def used_by(self, triples: Iterable[pyoxigraph.Triple]) -> list[Row]:
        grouped: dict[str, list[Value]] = defaultdict(list)
        for triple in triples:
            grouped[triple.predicate.value].append(self.value(triple.subject))
        rows = [Row(self.iri_value(p), sorted(v, key=lambda x: x.text)) for p, v in grouped.items()]
        return sorted(rows, key=lambda r: r.prop.text.lower())

    def source(self, iri: str) -> Source:
        urls = self.store.quads_for_pattern(NamedNode(iri), NamedNode(str(SCHEMA.url)), None)
        url = next((q.object.value for q in urls), None)
        return Source(self.iri_value(iri), safe_href(url) if url else None)

    def page(self, description: Description) -> Page:
        own = [t for t in description.triples if t.subject.value == description.iri]
        types = [self.value(t.object) for t in own if t.predicate.value == TYPE]
        evidence = [self.value(t.object) for t in own if t.predicate.value == EVIDENCE]
        sources = sorted({t.object.value for t in own if t.predicate.value == DERIVED_FROM})
        children = []
        for child in description.children:
            triples = [t for t in description.triples if t.subject.value == child]
            fragment = child.partition("#")[2]
            children.append((fragment, self.labels.name(child), self.rows(triples, frozenset())))
        return Page(
            iri=description.iri,
            title=self.labels.name(description.iri),
            types=types,
            rows=self.rows(own, frozenset({EVIDENCE})),
            children=children,
            used_by=self.used_by(description.incoming),
            used_by_truncated=description.incoming_truncated,
            evidence=evidence,
            sources=[self.source(s) for s in sources],
        )
