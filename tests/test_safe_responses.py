"""Every response safe, every RDF/XML document well formed (issue 18 F8, F9)."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import Graph

from kaltim_kg.errors import ResultNotRepresentable
from kaltim_kg.formats import BY_NAME
from kaltim_kg.web import create_app
from kaltim_kg.web.negotiation import serialise
from tests.sparql_support import make_store

BASE = "https://w3id.org/kaltim-kg/"
# The engine writes RDF/XML for this predicate that no XML parser reads (no QName for it).
BAD_PREDICATE = "http://example.org/1"
ROUTES = [
    ("GET", "/", {}),
    ("GET", "/map", {}),
    ("GET", "/map?lang=%3Cscript%3E", {}),
    ("GET", "/favicon.ico", {}),
    ("GET", "/sparql", {"Accept": "text/html"}),
    ("GET", "/sparql?lang=id", {"Accept": "text/html"}),
    ("GET", "/sparql", {"Accept": "text/turtle"}),
    ("GET", "/sparql?query=ASK%7B%7D", {}),
    ("GET", "/sparql?query=not+a+query", {}),
    ("GET", "/id/country/JP", {}),
    ("GET", "/id/country/JP.html", {}),
    ("GET", "/id/country/JP.rdf", {}),
    ("GET", "/id/country/XX.html", {}),
    ("GET", "/ontology", {"Accept": "text/html"}),
    ("GET", "/shapes", {"Accept": "text/html"}),
    ("GET", "/dumps/", {"Accept": "text/html"}),
    ("GET", "/.well-known/void", {}),
    ("GET", "/catalog", {}),
    ("GET", "/search?q=JP", {"Accept": "text/html"}),
    ("GET", "/search?q=JP&format=json", {}),
    ("GET", "/search?q=JP&page=x", {}),
    ("GET", "/id/", {"Accept": "text/html"}),
    ("GET", "/id/flow/?year=2020", {"Accept": "text/html"}),
    ("GET", "/id/flow/?format=csv", {}),
    ("GET", "/id/flow/?sort=<b>", {}),
    ("GET", "/id/planet/", {}),
    ("GET", "/catalog", {"Accept": "text/html"}),
    ("GET", "/.well-known/void", {"Accept": "text/html"}),
    ("GET", "/dataset", {"Accept": "text/html"}),
    ("GET", "/graph/countries", {"Accept": "text/html"}),
    ("GET", "/graph/no-such-graph", {"Accept": "text/html"}),
    ("GET", "/sparql/service", {"Accept": "text/html"}),
    ("GET", "/catalog", {"Host": "forged.example"}),
    ("GET", "/health", {}),
    ("GET", "/no/such/page<script>", {}),
    ("DELETE", "/health", {}),
    ("GET", "/boom", {}),
]


@pytest.fixture()
def client(settings):
    app = create_app(settings, {"TESTING": True, "PROPAGATE_EXCEPTIONS": False})
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)  # the last-resort 500 path
    return app.test_client()


@pytest.mark.parametrize(("method", "path", "headers"), ROUTES)
def test_every_response_forbids_sniffing_and_referrers(client, method, path, headers):
    response = client.open(path, method=method, headers=headers)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    if response.mimetype == "text/html":
        policy = response.headers["Content-Security-Policy"]
        assert "default-src" in policy
        assert "frame-ancestors 'none'" in policy


def test_the_500_path_is_one_plain_line(client):
    response = client.get("/boom")
    assert response.status_code == 500
    assert response.get_data() == b"internal error\n"


@pytest.fixture()
def odd_store(fresh_store):
    """A store whose data holds a predicate RDF/XML cannot write."""
    thing = f"<{BASE}id/country/ZZ>"
    data = (
        f'{thing} <http://www.w3.org/2000/01/rdf-schema#label> "Zedland"@en .\n'
        f'{thing} <{BAD_PREDICATE}> "odd" .\n'
    )
    ontology = f'<{BASE}ontology#Thing> <{BAD_PREDICATE}> "odd" .\n'
    make_store(fresh_store.store_dir, {f"{BASE}graph/x": data, f"{BASE}graph/ontology": ontology})
    return create_app(fresh_store, {"TESTING": True}).test_client()


@pytest.mark.parametrize("path", ["/id/country/ZZ.rdf", "/ontology?format=rdfxml"])
def test_rdfxml_that_would_not_be_well_formed_is_a_406(odd_store, path):
    response = odd_store.get(path)
    assert response.status_code == 406
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    reason = response.get_data(as_text=True)
    assert reason.count("\n") == 1 and "rdfxml" in reason and "another format" in reason


def test_the_same_resource_in_turtle_is_served(odd_store):
    response = odd_store.get("/id/country/ZZ.ttl")
    assert response.status_code == 200
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert any(str(p) == BAD_PREDICATE for p in graph.predicates())


def test_well_formed_rdfxml_parses(client):
    for path in (
        "/id/country/JP.rdf",
        "/.well-known/void?format=rdfxml",
        "/catalog?format=rdfxml",
        "/dataset?format=rdfxml",
        "/graph/countries?format=rdfxml",
        "/sparql/service?format=rdfxml",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert len(Graph().parse(data=response.get_data(), format="xml")) > 0


def test_serialise_refuses_rdfxml_no_parser_reads():
    triple = pyoxigraph.Triple(
        pyoxigraph.NamedNode(f"{BASE}id/x"),
        pyoxigraph.NamedNode(BAD_PREDICATE),
        pyoxigraph.Literal("odd"),
    )
    with pytest.raises(ResultNotRepresentable):
        serialise([triple], BY_NAME["rdfxml"])
    assert serialise([triple], BY_NAME["ntriples"])
