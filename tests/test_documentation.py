"""/ontology and /shapes: readable HTML in both languages, RDF by Accept."""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL

from kaltim_kg.graph.validate import shapes_graph
from kaltim_kg.namespaces import KKG, SH
from tests.html_page import find, parse_html

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def html(client, path, **query):
    response = client.get(path, headers={"Accept": BROWSER}, query_string=query)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Accept" in response.vary
    return parse_html(response.get_data(as_text=True))


def rdf(client, path, accept="text/turtle") -> Graph:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept
    return Graph().parse(
        data=response.get_data(), format="turtle" if "turtle" in accept else "json-ld"
    )


def test_ontology_rdf_is_the_published_ontology_graph(client, built):
    graph = rdf(client, "/ontology")
    assert (KKG.Country, RDF.type, OWL.Class) in graph
    ontology_graph = next(g for g in built.graphs if g.endswith("/graph/ontology"))
    assert len(graph) == built.graphs[ontology_graph]
    assert len(rdf(client, "/ontology", "application/ld+json")) == len(graph)


def test_ontology_html_documents_every_class_with_an_example(client):
    graph = rdf(client, "/ontology")
    elements = html(client, "/ontology", lang="en")
    anchors = {dt.attrs.get("id") for dt in find(elements, "dt")}
    classes = {
        str(c)[len(str(KKG)) :]
        for c in graph.subjects(RDF.type, OWL.Class)
        if str(c).startswith(str(KKG))
    }
    assert classes <= anchors
    examples = [p for p in find(elements, "p", class_="example")]
    hrefs = {a.attrs["href"] for p in examples for a in p.children if a.tag == "a"}
    assert any(h.startswith("/id/country/") for h in hrefs)


def test_ontology_html_shows_both_languages(client):
    elements = html(client, "/ontology", lang="id")
    spans = {(s.attrs.get("lang"), s.text) for s in find(elements, "span") if s.attrs.get("lang")}
    assert ("id", "Negara") in spans
    assert ("en", "Country") in spans
    assert find(elements, "dt", id="destination")[0].text.startswith("tujuan")


def test_resource_pages_link_into_the_ontology_documentation(client):
    elements = parse_html(client.get("/id/country/JP.html").get_data(as_text=True))
    assert "/ontology#Country" in {a.attrs.get("href") for a in find(elements, "a")}


def test_shapes_rdf_is_the_shapes_file(client):
    assert isomorphic(rdf(client, "/shapes"), shapes_graph())


def test_shapes_html_lists_every_node_shape(client):
    elements = html(client, "/shapes")
    sections = {s.attrs.get("id") for s in find(elements, "section")}
    shapes = {
        str(s).rsplit("#", 1)[-1]
        for s in shapes_graph().subjects(RDF.type, SH.NodeShape)
        if isinstance(s, URIRef)
    }
    assert shapes and shapes <= sections


@pytest.mark.parametrize("path", ["/ontology", "/shapes"])
def test_unacceptable_is_406(client, path):
    assert client.get(path, headers={"Accept": "image/png"}).status_code == 406
