"""An imported table as an RDF Data Cube: the table is a `qb:DataSet`, each row's export
flow also a `qb:Observation`, under a data structure definition of the components the
table has (period, origin, destination, commodity; amount and net weight; currency and
unit). `check_cube` runs the W3C integrity constraints IC-1, IC-2, IC-11 and IC-12
(shapes/datacube-shapes.ttl) on it before the table is published."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import QB, RDF, RDFS, XSD

from kaltim_kg.config import resource_dir
from kaltim_kg.graph.build import ontology_graph
from kaltim_kg.graph.validate import validate_graph
from kaltim_kg.namespaces import KKG

DIMENSIONS = (KKG.refPeriod, KKG.origin, KKG.destination, KKG.commodity)
ATTRIBUTES = {KKG.amount: KKG.currency, KKG.netWeightKg: KKG.unit}
KILOGRAM = "KGM"  # UN/CEFACT Recommendation 20


def ref_period(year: int, month: int | None, quarter: int | None) -> Literal:
    if month:
        return Literal(f"{year:04d}-{month:02d}", datatype=XSD.gYearMonth)
    if quarter:
        return Literal(f"{year:04d}-Q{quarter}")
    return Literal(f"{year:04d}", datatype=XSD.gYear)


def add_structure(graph: Graph, dataset: URIRef, title: str) -> None:
    """Type the table as a data set and give it its structure (the measures it uses)."""
    structure = URIRef(f"{dataset}#structure")
    graph.add((dataset, RDF.type, QB.DataSet))
    graph.add((dataset, QB.structure, structure))
    graph.add((structure, RDF.type, QB.DataStructureDefinition))
    graph.add((structure, RDFS.label, Literal(f"Structure of {title}", lang="en")))
    measures = [m for m in ATTRIBUTES if next(graph.subjects(m, None), None) is not None]
    dimensions = [*DIMENSIONS]
    if next(graph.subjects(KKG.originRegency, None), None) is not None:
        dimensions.append(KKG.originRegency)  # a table by regency: one row per regency
    parts: list[tuple[URIRef, URIRef]] = [(QB.dimension, d) for d in dimensions]
    parts += [(QB.measure, m) for m in measures]
    parts += [(QB.attribute, ATTRIBUTES[m]) for m in measures]
    for order, (kind, prop) in enumerate(parts, start=1):
        component = URIRef(f"{dataset}#component-{prop.rsplit('#', 1)[-1]}")
        graph.add((structure, QB.component, component))
        graph.add((component, RDF.type, QB.ComponentSpecification))
        graph.add((component, kind, prop))
        graph.add((component, QB.componentProperty, prop))
        graph.add((component, QB.order, Literal(order)))


def add_observation(
    graph: Graph,
    node: URIRef,
    dataset: URIRef,
    period: Literal,
    amount: tuple[Literal, str] | None,
    has_weight: bool,
) -> None:
    graph.add((node, RDF.type, QB.Observation))
    graph.add((node, QB.dataSet, dataset))
    graph.add((node, KKG.refPeriod, period))
    if amount is not None:
        graph.add((node, KKG.amount, amount[0]))
        graph.add((node, KKG.currency, Literal(amount[1])))
    if has_weight:
        graph.add((node, KKG.unit, Literal(KILOGRAM)))


def cube_shapes() -> Graph:
    return Graph().parse(resource_dir("shapes") / "datacube-shapes.ttl", format="turtle")


def check_cube(graph: Graph, ontology: Graph | None = None) -> list[str]:
    """IC-1, IC-2, IC-11 and IC-12 on `graph` (with the ontology's component types)."""
    onto = ontology if ontology is not None else ontology_graph()
    data = Graph()
    for triple in graph:
        data.add(triple)
    for triple in onto:
        data.add(triple)
    report = validate_graph(data, shapes=cube_shapes())
    return report.lines
