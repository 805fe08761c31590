"""The SPARQL 1.1 Service Description served on a bare GET /sparql."""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID, XSD

from kaltim_kg.catalog.metadata import stable_node
from kaltim_kg.config import Settings
from kaltim_kg.formats import BY_NAME, Format
from kaltim_kg.namespaces import SD

W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT_SIMPLE = URIRef("http://www.w3.org/ns/entailment/Simple")

SD_FORMATS = tuple(BY_NAME[n] for n in ("turtle", "jsonld", "rdfxml", "ntriples"))
_RDFLIB_NAMES = {"turtle": "turtle", "jsonld": "json-ld", "rdfxml": "xml", "ntriples": "nt"}
# What the endpoint serves, as IRIs of "Unique URIs for File Formats".
RESULT_FORMAT_IRIS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
    "N-Quads",
    "TriG",
)


def service_graph(endpoint: str, manifest: dict[str, Any], settings: Settings) -> Graph:
    """Describe the endpoint: language, formats, features, and the dataset it queries.

    Not advertised, because not true: sd:SPARQL11Update (read-only), sd:DereferencesURIs
    (FROM never fetches), sd:BasicFederatedQuery (SERVICE is refused).
    """
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    service = BNode("service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT_SIMPLE))
    for name in RESULT_FORMAT_IRIS:
        graph.add((service, SD.resultFormat, W3C_FORMATS[name]))
    graph.add((service, DCTERMS.title, Literal("kaltim-kg SPARQL endpoint", lang="en")))
    graph.add(
        (
            service,
            RDFS.comment,
            Literal(
                f"Read-only. Queries stop after {settings.query_timeout:g} s; results are cut "
                f"to {settings.max_result_rows} rows (header X-SPARQL-MaxRows); requests up "
                f"to {settings.max_request_bytes} bytes; SERVICE is refused.",
                lang="en",
            ),
        )
    )
    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode("default-graph")
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, RDFS.comment, Literal("the union of all named graphs", lang="en")))
    counts: dict[str, int] = manifest.get("graphs", {})
    for name, triples in sorted(counts.items()):
        named, described = stable_node("named-graph", name), stable_node("graph", name)
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(triples, datatype=XSD.integer)))
    return graph


def service_description(
    endpoint: str, manifest: dict[str, Any], settings: Settings, fmt: Format
) -> bytes:
    """The service description serialised in one of SD_FORMATS."""
    graph = service_graph(endpoint, manifest, settings)
    return graph.serialize(format=_RDFLIB_NAMES[fmt.name], encoding="utf-8")
