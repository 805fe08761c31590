"""Linked Data dereferencing, hop by hop (linked-data-checks.md): 303 → document → 200."""

from __future__ import annotations

from urllib.parse import urlsplit

import pyoxigraph
import pytest
from rdflib import RDF, Graph, Literal, URIRef

from kaltim_kg.namespaces import KKG, OWL, SCHEMA

BASE = "https://w3id.org/kaltim-kg/"
JP = URIRef(f"{BASE}id/country/JP")
RDFLIB_FORMAT = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def first_hop(client, path, accept=None, **query):
    headers = {"Accept": accept} if accept is not None else {}
    response = client.get(path, headers=headers, query_string=query)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert "Accept" in response.vary
    location = response.headers["Location"]
    assert urlsplit(location).scheme == "http"  # absolute, as Vapour requires
    return response, location


def second_hop(client, location):
    response = client.get(location)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("accept", "suffix", "media_type"),
    [
        ("text/turtle", "ttl", "text/turtle"),
        ("application/n-triples", "nt", "application/n-triples"),
        ("application/ld+json", "jsonld", "application/ld+json"),
        ("application/rdf+xml", "rdf", "application/rdf+xml"),
        (None, "ttl", "text/turtle"),
        ("*/*", "ttl", "text/turtle"),
        ("text/turtle;q=0.9,application/json;q=0.8", "ttl", "text/turtle"),
        ("application/ld+json, application/json;q=0.5", "jsonld", "application/ld+json"),
        ("application/rdf+xml;q=0.5", "rdf", "application/rdf+xml"),
    ],
)
def test_rdf_by_accept_303_then_200_with_the_resource(client, accept, suffix, media_type):
    _, location = first_hop(client, "/id/country/JP", accept)
    assert urlsplit(location).path == f"/id/country/JP.{suffix}"
    response = second_hop(client, location)
    assert response.mimetype == media_type
    graph = Graph().parse(data=response.get_data(), format=RDFLIB_FORMAT[media_type])
    assert (JP, RDF.type, KKG.Country) in graph
    assert (JP, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q17")) in graph


@pytest.mark.parametrize(
    "accept",
    [BROWSER, "text/html", "text/html;q=0.5", "application/rdf+xml;q=0.3,text/html;q=.5"],
)
def test_browsers_get_the_html_document(client, accept):
    _, location = first_hop(client, "/id/country/JP", accept)
    assert urlsplit(location).path == "/id/country/JP.html"
    response = second_hop(client, location)
    assert response.mimetype == "text/html"


def test_redirect_lists_every_document_as_alternate(client):
    response, _ = first_hop(client, "/id/country/JP", "text/turtle")
    links = response.headers["Link"]
    for suffix, media_type in [
        ("html", "text/html"),
        ("ttl", "text/turtle"),
        ("rdf", "application/rdf+xml"),
    ]:
        assert (
            f'<http://localhost/id/country/JP.{suffix}>; rel="alternate"; type="{media_type}"'
            in links
        )


def test_format_parameter_overrides_accept(client):
    _, location = first_hop(client, "/id/country/JP", "text/html", format="jsonld")
    assert urlsplit(location).path == "/id/country/JP.jsonld"


def test_unknown_format_parameter_is_406(client):
    response = client.get("/id/country/JP", query_string={"format": "pdf"})
    assert response.status_code == 406
    assert response.mimetype == "text/plain"


def test_unsatisfiable_accept_is_406_with_vary(client):
    response = client.get("/id/country/JP", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "Accept" in response.vary


@pytest.mark.parametrize(
    "path", ["/id/country/ZZ", "/id/country/ZZ.ttl", "/id/nope/JP", "/id/country/%3Cscript%3E"]
)
def test_unknown_iri_is_404_directly(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/plain"


def test_hash_children_are_in_the_parent_document(client):
    response = second_hop(client, "http://localhost/id/cohort/2020-ipska-exporters.ttl")
    graph = Graph().parse(data=response.get_data(), format="turtle")
    child = URIRef(f"{BASE}id/cohort/2020-ipska-exporters#trade-value")
    cohort = URIRef(f"{BASE}id/cohort/2020-ipska-exporters")
    assert (cohort, KKG.tradeValue, child) in graph
    assert graph.value(child, SCHEMA.value).toPython() == 428_200_000_000


def test_jsonld_and_turtle_documents_hold_the_same_triples(client):
    turtle = client.get("/id/flow/2020-shrimp-JP.ttl").get_data()
    jsonld = client.get("/id/flow/2020-shrimp-JP.jsonld").get_data()
    a = Graph().parse(data=turtle, format="turtle")
    b = Graph().parse(data=jsonld, format="json-ld")
    assert len(a) > 5
    assert set(a) == set(b)


def test_document_matches_the_store(client, built):
    store = built.generation.open()
    flow = pyoxigraph.NamedNode(f"{BASE}id/flow/2020-shrimp-JP")
    expected = {q.triple for q in store.quads_for_pattern(flow, None, None, None)}
    served = pyoxigraph.parse(
        client.get("/id/flow/2020-shrimp-JP.nt").get_data(),
        format=pyoxigraph.RdfFormat.N_TRIPLES,
    )
    assert {q.triple for q in served} == expected


def test_head_matches_get_without_body(client):
    for path in ("/id/country/JP", "/id/country/JP.ttl", "/id/country/JP.html"):
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code
        assert head.headers.get("ETag") == get.headers.get("ETag")
        assert head.headers.get("Location") == get.headers.get("Location")
        assert head.get_data() == b""


def test_options_allows_get_and_head(client):
    response = client.options("/id/country/JP")
    assert response.status_code == 200
    assert {"GET", "HEAD", "OPTIONS"} <= set(response.allow)


def test_etag_and_if_none_match(client):
    first = client.get("/id/country/JP.ttl")
    etag = first.headers["ETag"]
    again = client.get("/id/country/JP.ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_turtle_document_is_typed(client):
    graph = Graph().parse(data=client.get("/id/region/ID-KI.ttl").get_data(), format="turtle")
    region = URIRef(f"{BASE}id/region/ID-KI")
    assert list(graph.objects(region, RDF.type))
    assert Literal("Kalimantan Timur", lang="id") in set(graph.objects(region, None))


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        # Ties go to the server's order (HTML first), not the client's: a documented choice.
        ("application/rdf+xml,text/html", "html"),
        ("text/html,application/rdf+xml", "html"),
        ("application/rdf+xml;q=0.5,text/html;q=.3", "rdf"),
        ("application/xhtml+xml;q=0.5", "html"),
        # Turtle is the default only where the client leaves it open (wildcards).
        ("text/turtle, text/html", "html"),
        ("text/html, text/turtle", "html"),
        ("application/ld+json, */*", "jsonld"),
        ("*/*", "ttl"),
        ("text/*", "ttl"),
    ],
)
def test_vapour_mixed_accept_headers(client, accept, suffix):
    _, location = first_hop(client, "/id/country/JP", accept)
    assert urlsplit(location).path == f"/id/country/JP.{suffix}"


def test_nothing_acceptable_is_406(client):
    for accept in ("*/*;q=0", "text/turtle;q=0, image/png"):
        response = client.get("/id/country/JP", headers={"Accept": accept})
        assert response.status_code == 406, accept


def test_language_choice_survives_the_redirect(client):
    _, location = first_hop(client, "/id/country/JP", "text/html", lang="id")
    assert location == "http://localhost/id/country/JP.html?lang=id"
