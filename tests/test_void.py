"""VoID at /.well-known/void: conforms to the VoID shapes, and every count is true."""

from __future__ import annotations

import gzip
from collections import defaultdict

import pytest
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, XSD

from kaltim_kg.namespaces import KKG, VOID
from tests.shacl_check import CONFORMANCE, results, shapes

DATASET = URIRef("https://w3id.org/kaltim-kg/dataset")


@pytest.fixture()
def void(client) -> Graph:
    response = client.get("/.well-known/void")
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    return Graph().parse(data=response.get_data(), format="turtle")


@pytest.fixture()
def quads(client):
    data = gzip.decompress(client.get("/dumps/kaltim-kg.nq.gz").get_data())
    dataset = Dataset()
    dataset.parse(data=data, format="nquads")
    return list(dataset.quads((None, None, None, None)))


def number(graph: Graph, subject, predicate) -> int:
    value = graph.value(subject, predicate)
    assert value is not None, f"{subject} has no {predicate}"
    assert value.datatype == XSD.integer
    return value.toPython()


def counts(triples) -> dict[str, int]:
    triples = set(triples)
    typed = {(s, o) for s, p, o in triples if p == RDF.type}
    return {
        "triples": len(triples),
        "distinctSubjects": len({s for s, _, _ in triples}),
        "distinctObjects": len({o for _, _, o in triples}),
        "properties": len({p for _, p, _ in triples}),
        "classes": len({c for _, c in typed}),
        "entities": len({s for s, _ in typed if isinstance(s, URIRef)}),
    }


def test_void_conforms_to_the_void_shapes(void):
    assert results(void, shapes("void/void-shapes.ttl")) == {}


def test_the_void_shapes_tell_good_from_bad():
    good = Graph().parse(CONFORMANCE / "void/void-good.ttl")
    bad = Graph().parse(CONFORMANCE / "void/void-bad.ttl")
    assert "Violation" not in results(good, shapes("void/void-shapes.ttl"))
    assert results(bad, shapes("void/void-shapes.ttl"))["Violation"]


def test_dataset_counts_are_true(void, quads):
    expected = counts((s, p, o) for s, p, o, _ in quads)
    for name, value in expected.items():
        assert number(void, DATASET, VOID[name]) == value, name


def test_a_subset_per_named_graph_with_true_counts(void, quads):
    per_graph = defaultdict(list)
    for s, p, o, g in quads:
        per_graph[g].append((s, p, o))
    subsets = {s for s in void.objects(DATASET, VOID.subset) if (s, RDF.type, VOID.Dataset) in void}
    assert subsets == set(per_graph)
    for graph_iri, triples in per_graph.items():
        for name, value in counts(triples).items():
            assert number(void, graph_iri, VOID[name]) == value, (graph_iri, name)


@pytest.mark.parametrize(
    ("target", "namespace"),
    [
        ("http://www.wikidata.org/", "http://www.wikidata.org/entity/"),
        ("http://sws.geonames.org/", "http://sws.geonames.org/"),
    ],
)
def test_linksets_count_the_same_as_links(void, quads, target, namespace):
    (linkset,) = void.subjects(VOID.objectsTarget, URIRef(target))
    assert (linkset, RDF.type, VOID.Linkset) in void
    assert void.value(linkset, VOID.linkPredicate) == OWL.sameAs
    assert void.value(linkset, VOID.subjectsTarget) == DATASET
    links = {(s, o) for s, p, o, _ in quads if p == OWL.sameAs and str(o).startswith(namespace)}
    assert number(void, linkset, VOID.triples) == len(links) > 0


def test_access_and_structure(client, void):
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef("http://localhost/sparql")
    assert void.value(DATASET, VOID.uriSpace) == Literal("https://w3id.org/kaltim-kg/id/")
    assert void.value(DATASET, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    dumps = {str(u) for u in void.objects(DATASET, VOID.dataDump)}
    assert len(dumps) == 4
    for url in dumps:
        assert client.head(url.removeprefix("http://localhost")).status_code == 200
    vocabularies = set(void.objects(DATASET, VOID.vocabulary))
    assert URIRef(str(KKG)) in vocabularies
    example = void.value(DATASET, VOID.exampleResource)
    assert client.get(str(example).replace("https://w3id.org/kaltim-kg", "")).status_code == 303


def test_jsonld_by_accept(client, void):
    response = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert response.mimetype == "application/ld+json"
    assert len(Graph().parse(data=response.get_data(), format="json-ld")) == len(void)
