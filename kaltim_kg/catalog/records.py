"""What `/dataset` and `/graph/{name}` say as RDF: the IRIs VoID, DCAT and the service
description name, described where they dereference."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kaltim_kg.catalog.dcat import catalog_graph
from kaltim_kg.catalog.metadata import Release, Site, stable_node
from kaltim_kg.catalog.void import describe_subset, void_graph
from kaltim_kg.namespaces import VOID


def dataset_record(site: Site, release: Release) -> Graph:
    """Everything the catalogue and VoID say of the dataset, in one graph."""
    graph = void_graph(site, release)
    catalog = catalog_graph(site, release)
    for prefix, namespace in catalog.namespaces():
        graph.bind(prefix, namespace, override=False)
    for triple in catalog:
        graph.add(triple)
    return graph


@dataclass(frozen=True)
class GraphFacts:
    """What a request learnt of one named graph beside the manifest."""

    iri: str
    classes: Mapping[str, int]  # class IRI → entities of it in this graph
    source: str | None  # the curated article it was built from, if any
    dump_url: str | None  # its triples as Turtle (a CONSTRUCT at the endpoint), if they fit


def graph_record(site: Site, release: Release, facts: GraphFacts) -> Graph:
    """One named graph: its VoID counts, class partitions, source, licence and when."""
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    stats: dict[str, Any] = release.statistics.get("graphs", {}).get(facts.iri, {})  # type: ignore[union-attr]
    subset = describe_subset(graph, site, release, facts.iri, stats)
    graph.add((subset, DCTERMS.isPartOf, site.dataset))
    graph.add((site.dataset, VOID.subset, subset))
    for iri, entities in sorted(facts.classes.items()):
        partition = stable_node("class", f"{facts.iri} {iri}")
        graph.add((subset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(iri)))
        graph.add((partition, VOID.entities, Literal(int(entities), datatype=XSD.integer)))
    if facts.source:
        graph.add((subset, DCTERMS.source, URIRef(facts.source)))
    about = release.loaded_graphs.get(facts.iri, {})
    when = str(about.get("loaded") or release.modified.replace(microsecond=0).isoformat())
    graph.add((subset, DCTERMS.modified, Literal(when, datatype=XSD.dateTime)))
    if facts.dump_url:
        graph.add((subset, VOID.dataDump, URIRef(facts.dump_url)))
    graph.add((subset, RDF.type, VOID.Dataset))
    return graph
