"""The VoID description of the dataset, from build-time statistics (nothing counted here)."""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, XSD

from kaltim_kg.catalog.metadata import (
    DESCRIPTION,
    EXAMPLE_KEY,
    LICENSE,
    TITLE,
    Release,
    Site,
    stable_node,
)
from kaltim_kg.namespaces import VOID, normalise_base
from kaltim_kg.store.statistics import COUNTS, LINK_TARGETS

# The datasets our owl:sameAs links point into, as VoID names them.
LINK_DATASETS = {
    "wikidata": URIRef("http://www.wikidata.org/"),
    "geonames": URIRef("http://sws.geonames.org/"),
}
LINK_TITLES = {"wikidata": "Wikidata", "geonames": "GeoNames"}
FORMAT_FEATURES = {
    "ttl": URIRef("http://www.w3.org/ns/formats/Turtle"),
    "nt": URIRef("http://www.w3.org/ns/formats/N-Triples"),
    "nq": URIRef("http://www.w3.org/ns/formats/N-Quads"),
    "jsonld": URIRef("http://www.w3.org/ns/formats/JSON-LD"),
}


def _count(graph: Graph, subject: URIRef | BNode, counts: dict[str, Any]) -> None:
    for name in COUNTS:
        if name in counts:
            graph.add((subject, VOID[name], Literal(int(counts[name]), datatype=XSD.integer)))


def _describe_basics(graph: Graph, dataset: URIRef, site: Site) -> None:
    for lang in ("en", "id"):
        graph.add((dataset, DCTERMS.title, Literal(TITLE[lang], lang=lang)))
        graph.add((dataset, DCTERMS.description, Literal(DESCRIPTION[lang], lang=lang)))
    graph.add((dataset, DCTERMS.license, LICENSE))
    graph.add((dataset, FOAF.homepage, site.url("/")))


def _iri_or_text(value: str) -> URIRef | Literal:
    return URIRef(value) if value.startswith(("http://", "https://")) else Literal(value)


def graph_title(release: Release, graph_iri: str) -> str:
    """What VoID calls a named graph: an imported table by its title, else by its IRI."""
    about = release.loaded_graphs.get(graph_iri, {})
    return f"{about['title']} (table)" if about.get("title") else f"Named graph <{graph_iri}>"


def graph_licence(release: Release, graph_iri: str) -> URIRef:
    """An imported table keeps its own licence; everything else is ours."""
    licence = str(release.loaded_graphs.get(graph_iri, {}).get("licence") or "")
    return URIRef(licence) if "://" in licence else LICENSE


def describe_subset(
    graph: Graph, site: Site, release: Release, graph_iri: str, counts: dict[str, Any]
) -> URIRef:
    """One named graph as a VoID dataset: title, licence, source, endpoint, counts."""
    subset = URIRef(graph_iri)
    about = release.loaded_graphs.get(graph_iri, {})
    graph.add((subset, RDF.type, VOID.Dataset))
    graph.add((subset, DCTERMS.title, Literal(graph_title(release, graph_iri), lang="en")))
    graph.add((subset, DCTERMS.license, graph_licence(release, graph_iri)))
    if about.get("source"):
        graph.add((subset, DCTERMS.source, _iri_or_text(str(about["source"]))))
    if about.get("table"):
        graph.add((subset, DCTERMS.subject, URIRef(str(about["table"]))))
    graph.add((subset, VOID.sparqlEndpoint, site.url("/sparql")))
    _count(graph, subset, counts)
    return subset


def void_graph(site: Site, release: Release) -> Graph:
    """VoID for the whole dataset, a subset per named graph, and the outgoing linksets."""
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    stats: dict[str, Any] = release.statistics  # type: ignore[assignment]
    dataset = site.dataset
    document = site.url("/.well-known/void")
    graph.add((document, RDF.type, VOID.DatasetDescription))
    graph.add((document, FOAF.primaryTopic, dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    _describe_basics(graph, dataset, site)
    graph.add((dataset, DCTERMS.modified, Literal(release.modified.date(), datatype=XSD.date)))
    graph.add((dataset, VOID.sparqlEndpoint, site.url("/sparql")))
    graph.add((dataset, VOID.uriSpace, Literal(f"{normalise_base(site.base_uri)}id/")))
    kind, key = EXAMPLE_KEY
    graph.add((dataset, VOID.exampleResource, site.data(f"id/{kind}/{key}")))
    for fmt in release.dump_formats():
        graph.add((dataset, VOID.dataDump, site.url(f"/dumps/{fmt.filename}")))
        graph.add((dataset, VOID.feature, FORMAT_FEATURES[fmt.name]))
    for vocabulary in stats.get("vocabularies", []):
        graph.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    _count(graph, dataset, stats.get("dataset", {}))
    for iri, entities in stats.get("class_partitions", {}).items():
        partition = stable_node("class", iri)
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(iri)))
        graph.add((partition, VOID.entities, Literal(int(entities), datatype=XSD.integer)))
    for iri, triples in stats.get("property_partitions", {}).items():
        partition = stable_node("property", iri)
        graph.add((dataset, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, URIRef(iri)))
        graph.add((partition, VOID.triples, Literal(int(triples), datatype=XSD.integer)))
    for graph_iri, counts in stats.get("graphs", {}).items():
        graph.add((dataset, VOID.subset, URIRef(graph_iri)))
        describe_subset(graph, site, release, graph_iri, counts)
    for name, links in stats.get("linksets", {}).items():
        linkset = site.data(f"dataset/links/{name}")
        graph.add((dataset, VOID.subset, linkset))
        graph.add((linkset, RDF.type, VOID.Linkset))
        graph.add(
            (linkset, DCTERMS.title, Literal(f"owl:sameAs links to {LINK_TITLES[name]}", lang="en"))
        )
        graph.add((linkset, DCTERMS.license, LICENSE))
        graph.add((linkset, VOID.linkPredicate, OWL.sameAs))
        graph.add((linkset, VOID.subjectsTarget, dataset))
        graph.add((linkset, VOID.objectsTarget, LINK_DATASETS[name]))
        graph.add((linkset, VOID.triples, Literal(int(links), datatype=XSD.integer)))
        graph.add((LINK_DATASETS[name], DCTERMS.title, Literal(LINK_TITLES[name], lang="en")))
        graph.add((LINK_DATASETS[name], VOID.uriSpace, Literal(LINK_TARGETS[name])))
    return graph
