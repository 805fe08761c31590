"""The ontology declares everything the data uses, in both languages."""

from __future__ import annotations

import gzip

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kaltim_kg.graph.build import ontology_graph
from kaltim_kg.namespaces import KKG, ONTOLOGY_IRI, graph_iri

CONTRACT_CLASSES = ["Agency", "SMECohort", "Commodity", "Country", "Region", "ExportFlow"]
CONTRACT_PROPERTIES = [
    "commodity",
    "destination",
    "origin",
    "exporter",
    "period",
    "memberCount",
    "tradeValue",
    "hsCode",
    "evidence",
]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def data(built) -> Graph:
    """Every triple of the published data graphs, read back from the N-Quads dump."""
    nquads = gzip.decompress((built.generation.dumps_dir / "kaltim-kg.nq.gz").read_bytes())
    dataset = Dataset()
    dataset.parse(data=nquads, format="nquads")
    graph = Graph()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if g != graph_iri("ontology"):
            graph.add((s, p, o))
    return graph


def declared(ontology: Graph, kinds: tuple[URIRef, ...]) -> set[URIRef]:
    return {s for kind in kinds for s in ontology.subjects(RDF.type, kind) if isinstance(s, URIRef)}


def test_ontology_header_has_version_and_labels(ontology):
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert {lbl.language for lbl in ontology.objects(ONTOLOGY_IRI, RDFS.label)} == {"en", "id"}


@pytest.mark.parametrize("name", CONTRACT_CLASSES)
def test_contract_classes_are_declared(ontology, name):
    assert (KKG[name], RDF.type, OWL.Class) in ontology


@pytest.mark.parametrize("name", CONTRACT_PROPERTIES)
def test_contract_properties_are_declared(ontology, name):
    kinds = set(ontology.objects(KKG[name], RDF.type))
    assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}


def test_every_kkg_term_has_label_and_comment_in_both_languages(ontology):
    terms = declared(ontology, (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty))
    assert len(terms) > 30
    for term in terms:
        assert {x.language for x in ontology.objects(term, RDFS.label)} >= {"en", "id"}, term
        assert {x.language for x in ontology.objects(term, RDFS.comment)} >= {"en", "id"}, term


def test_every_class_and_property_used_in_the_data_is_declared(ontology, data):
    classes = declared(ontology, (OWL.Class,))
    properties = declared(ontology, (OWL.ObjectProperty, OWL.DatatypeProperty))
    used_classes = {o for o in data.objects(None, RDF.type) if str(o).startswith(str(KKG))}
    used_properties = {p for p in data.predicates() if str(p).startswith(str(KKG))}
    assert used_classes and used_properties
    assert used_classes <= classes, used_classes - classes
    assert used_properties <= properties, used_properties - properties
    # Terms from other vocabularies come only from the vocabularies we align with.
    known = (
        "http://www.w3.org/",
        "https://schema.org/",
        "http://purl.org/dc/terms/",
        "http://xmlns.com/foaf/0.1/",
        str(KKG),
    )
    assert all(str(p).startswith(known) for p in data.predicates())


def test_individuals_used_as_values_are_declared(ontology, data):
    used = {o for o in data.objects() if isinstance(o, URIRef) and str(o).startswith(str(KKG))}
    assert used  # kkg:Export, kkg:DomesticSale, kkg:CreativeIndustry
    for individual in used:
        assert (individual, RDF.type, None) in ontology, individual
