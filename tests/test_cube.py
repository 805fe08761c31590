"""Imported tables are RDF Data Cubes, checked against the W3C integrity constraints
IC-1, IC-2, IC-11 and IC-12 (shapes/datacube-shapes.ttl): each with a passing and a
failing example."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import QB, RDF

from kaltim_kg.graph.build import ontology_graph
from kaltim_kg.link.cube import add_observation, add_structure, check_cube, ref_period
from kaltim_kg.namespaces import KKG

ID = "https://w3id.org/kaltim-kg/id/"
TABLE = URIRef(f"{ID}table/t")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


def observation(graph: Graph, key: str, destination: str, month: int = 3) -> URIRef:
    node = URIRef(f"{ID}flow/{key}")
    graph.add((node, KKG.commodity, URIRef(f"{ID}commodity/shrimp")))
    graph.add((node, KKG.destination, URIRef(f"{ID}country/{destination}")))
    graph.add((node, KKG.origin, URIRef(f"{ID}region/ID-KI")))
    graph.add((node, KKG.netWeightKg, Literal(5)))
    add_observation(graph, node, TABLE, ref_period(2021, month, None), (Literal(10), "USD"), True)
    return node


def cube() -> Graph:
    graph = Graph()
    observation(graph, "a", "JP")
    observation(graph, "b", "CN")
    observation(graph, "c", "JP", month=4)
    add_structure(graph, TABLE, "t")
    return graph


def test_a_well_formed_cube_passes(ontology):
    graph = cube()
    assert check_cube(graph, ontology) == []
    structure = graph.value(TABLE, QB.structure)
    dimensions = set(graph.objects(None, QB.dimension))
    assert dimensions == {KKG.refPeriod, KKG.origin, KKG.destination, KKG.commodity}
    assert set(graph.objects(None, QB.measure)) == {KKG.amount, KKG.netWeightKg}
    assert set(graph.objects(None, QB.attribute)) == {KKG.currency, KKG.unit}
    assert (structure, RDF.type, QB.DataStructureDefinition) in graph


def test_each_constraint_holds_on_the_well_formed_cube(ontology):
    lines = check_cube(cube(), ontology)
    for constraint in ("IC-1", "IC-2", "IC-11", "IC-12"):
        assert not any(constraint in line for line in lines)


def test_ic1_an_observation_in_no_data_set(ontology):
    graph = cube()
    graph.remove((URIRef(f"{ID}flow/c"), QB.dataSet, None))
    lines = check_cube(graph, ontology)
    assert any("IC-1" in line and "flow/c" in line for line in lines)


def test_ic2_a_data_set_with_two_structures(ontology):
    graph = cube()
    other = URIRef(f"{ID}table/t#other-structure")
    graph.add((other, RDF.type, QB.DataStructureDefinition))
    graph.add((TABLE, QB.structure, other))
    assert any("IC-2" in line for line in check_cube(graph, ontology))


def test_ic12_the_same_dimensions_in_two_data_sets_are_no_duplicate(ontology):
    graph = cube()
    other = URIRef(f"{ID}table/other")
    observation(graph, "a-elsewhere", "JP")
    graph.set((URIRef(f"{ID}flow/a-elsewhere"), QB.dataSet, other))
    graph.add((other, RDF.type, QB.DataSet))
    graph.add((other, QB.structure, graph.value(TABLE, QB.structure)))
    assert check_cube(graph, ontology) == []


def test_ic1_an_observation_in_two_data_sets(ontology):
    graph = cube()
    other = URIRef(f"{ID}table/other")
    graph.add((URIRef(f"{ID}flow/a"), QB.dataSet, other))
    graph.add((other, RDF.type, QB.DataSet))
    graph.add((other, QB.structure, graph.value(TABLE, QB.structure)))
    assert any("IC-1" in line for line in check_cube(graph, ontology))


def test_ic2_a_data_set_without_structure(ontology):
    graph = cube()
    graph.remove((TABLE, QB.structure, None))
    assert any("IC-2" in line for line in check_cube(graph, ontology))


def test_ic11_a_missing_dimension(ontology):
    graph = cube()
    graph.remove((URIRef(f"{ID}flow/b"), KKG.destination, None))
    lines = check_cube(graph, ontology)
    assert any("IC-11" in line and "destination" in line and "flow/b" in line for line in lines)


def test_ic12_two_observations_with_the_same_dimensions(ontology):
    graph = cube()
    observation(graph, "a-again", "JP")
    lines = check_cube(graph, ontology)
    assert any("IC-12" in line and "flow/a-again" in line for line in lines)
    assert any("IC-12" in line and "flow/a" in line for line in lines)


def test_periods_are_typed_by_what_they_cover():
    assert ref_period(2021, None, None) == Literal(
        "2021", datatype=ref_period(2021, None, None).datatype
    )
    assert str(ref_period(2021, 3, 1)) == "2021-03"
    assert str(ref_period(2021, None, 2)) == "2021-Q2"
