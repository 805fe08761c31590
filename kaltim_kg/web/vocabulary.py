"""View models of the ontology and the SHACL shapes for their HTML documentation."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph
from pyoxigraph import NamedNode
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kaltim_kg.graph.build import ONTOLOGY_GRAPH
from kaltim_kg.graph.jsonld import compact_iri
from kaltim_kg.namespaces import KKG, SH, graph_iri
from kaltim_kg.web.presentation import Presenter, Value


def ontology_from_store(store: pyoxigraph.Store, base_uri: str) -> Graph:
    """The ontology named graph as published (the store is the one source of truth)."""
    name = NamedNode(str(graph_iri(ONTOLOGY_GRAPH, base_uri)))
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, name)]
    data = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
    return Graph().parse(data=data, format="nt")


@dataclass
class Term:
    """A class, property or concept of the ontology, in both languages."""

    anchor: str
    iri: str
    labels: dict[str, str]
    comments: dict[str, str]
    kinds: list[Value] = field(default_factory=list)
    parents: list[Value] = field(default_factory=list)
    domains: list[Value] = field(default_factory=list)
    ranges: list[Value] = field(default_factory=list)
    example: Value | None = None


def _by_language(graph: Graph, subject: URIRef, *predicates: URIRef) -> dict[str, str]:
    found: dict[str, str] = {}
    for predicate in predicates:
        for literal in graph.objects(subject, predicate):
            found.setdefault(getattr(literal, "language", None) or "", str(literal))
    return found


def _term(graph: Graph, iri: URIRef, presenter: Presenter) -> Term:
    def values(predicate: URIRef) -> list[Value]:
        objects = sorted(o for o in graph.objects(iri, predicate) if isinstance(o, URIRef))
        return [presenter.iri_value(str(o)) for o in objects]

    return Term(
        anchor=str(iri)[len(str(KKG)) :],
        iri=str(iri),
        labels=_by_language(graph, iri, RDFS.label, SKOS.prefLabel),
        comments=_by_language(graph, iri, RDFS.comment, SKOS.definition),
        kinds=values(RDF.type),
        parents=values(RDFS.subClassOf) + values(OWL.equivalentClass) + values(RDFS.subPropertyOf),
        domains=values(RDFS.domain),
        ranges=values(RDFS.range),
    )


def _example(store: pyoxigraph.Store, cls: str, presenter: Presenter) -> Value | None:
    """One instance of the class from the data, so readers see the class in use."""
    rdf_type = NamedNode(str(RDF.type))
    for quad in store.quads_for_pattern(None, rdf_type, NamedNode(cls), None):
        if isinstance(quad.subject, NamedNode):
            return presenter.iri_value(quad.subject.value)
    return None


def ontology_terms(
    graph: Graph, store: pyoxigraph.Store, presenter: Presenter
) -> dict[str, list[Term]]:
    """Classes, properties and concepts of our namespace, sorted by name."""
    sections: dict[str, list[Term]] = {"classes": [], "properties": [], "concepts": []}
    ours = sorted(
        {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(KKG))}
    )
    for iri in ours:
        types = set(graph.objects(iri, RDF.type))
        term = _term(graph, iri, presenter)
        if OWL.Class in types:
            term.example = _example(store, str(iri), presenter)
            sections["classes"].append(term)
        elif types & {
            OWL.ObjectProperty,
            OWL.DatatypeProperty,
            OWL.AnnotationProperty,
            RDF.Property,
        }:
            sections["properties"].append(term)
        else:
            sections["concepts"].append(term)
    return sections


@dataclass
class ShapeRule:
    path: str
    constraints: list[tuple[str, str]]
    message: str | None


@dataclass
class Shape:
    anchor: str
    iri: str
    targets: list[Value]
    rules: list[ShapeRule]


_CONSTRAINTS = (
    SH.minCount,
    SH.maxCount,
    SH.datatype,
    SH["class"],
    SH.nodeKind,
    SH.pattern,
    SH.minLength,
    SH.minInclusive,
    SH.hasValue,
    SH.qualifiedMinCount,
    SH.languageIn,
    SH["in"],
)


def _show(graph: Graph, node: object) -> str:
    if isinstance(node, BNode) and graph.value(node, RDF.first) is not None:
        return ", ".join(_show(graph, item) for item in Collection(graph, node))
    if isinstance(node, URIRef):
        return compact_iri(str(node))
    if isinstance(node, BNode):
        inner = [
            f"{compact_iri(str(p))} {_show(graph, o)}" for p, o in graph.predicate_objects(node)
        ]
        return "[" + "; ".join(sorted(inner)) + "]"
    return str(node)


def _rule(graph: Graph, node: object) -> ShapeRule:
    constraints = [
        (compact_iri(str(c)), _show(graph, v)) for c in _CONSTRAINTS for v in graph.objects(node, c)
    ]
    for qualified in graph.objects(node, SH.qualifiedValueShape):
        constraints.append(("sh:qualifiedValueShape", _show(graph, qualified)))
    message = graph.value(node, SH.message)
    return ShapeRule(
        _show(graph, graph.value(node, SH.path)), constraints, str(message) if message else None
    )


def shapes_model(graph: Graph, presenter: Presenter) -> list[Shape]:
    shapes = []
    for shape in sorted(s for s in graph.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)):
        targets = [presenter.iri_value(str(t)) for t in graph.objects(shape, SH.targetClass)]
        rules = [_rule(graph, p) for p in graph.objects(shape, SH.property)]
        anchor = str(shape).rsplit("#", 1)[-1]
        shapes.append(Shape(anchor, str(shape), targets, sorted(rules, key=lambda r: r.path)))
    return shapes
