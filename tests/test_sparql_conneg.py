"""Content negotiation on /sparql as one table: query kind, Accept, format= → media type."""

from __future__ import annotations

import pytest

SELECT = "SELECT ?c WHERE { ?c a kkg:Country } LIMIT 2"
ASK = "ASK { ?c a kkg:Country }"
CONSTRUCT = "CONSTRUCT WHERE { ?c a kkg:Country }"
DESCRIBE = "DESCRIBE <https://w3id.org/kaltim-kg/id/country/JP>"

SRJ = "application/sparql-results+json"
SRX = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TTL = "text/turtle"
NT = "application/n-triples"
JSONLD = "application/ld+json"
RDFXML = "application/rdf+xml"
NQ = "application/n-quads"
TRIG = "application/trig"

TABLE = [
    # results (SELECT, ASK)
    (SELECT, None, None, SRJ),
    (SELECT, "*/*", None, SRJ),
    (SELECT, SRJ, None, SRJ),
    (SELECT, "application/json", None, SRJ),
    (SELECT, SRX, None, SRX),
    (SELECT, "application/xml", None, SRX),
    (SELECT, CSV, None, CSV),
    (SELECT, TSV, None, TSV),
    (SELECT, "text/*", None, CSV),
    (SELECT, f"{CSV};q=.5, {TSV}", None, TSV),
    (SELECT, f"{CSV};q=.9, {TSV};q=.5", None, CSV),
    (SELECT, f"{TSV};q=0.5, {SRX};q=.8, */*;q=.1", None, SRX),
    (SELECT, f"{SRJ};q=0, {CSV};q=.2", None, CSV),
    (SELECT, "application/*", None, SRJ),
    (SELECT, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, SRX),
    (SELECT, "image/png", None, 406),
    (SELECT, TTL, None, 406),
    (SELECT, None, "json", SRJ),
    (SELECT, None, "xml", SRX),
    (SELECT, None, "csv", CSV),
    (SELECT, None, "tsv", TSV),
    (SELECT, TSV, "csv", CSV),  # format= wins over Accept
    (SELECT, None, SRX, SRX),  # a media type as format=
    (SELECT, None, "pdf", 406),
    (SELECT, CSV, "turtle", CSV),  # a graph format for a SELECT: fall back to Accept
    (ASK, None, None, SRJ),
    (ASK, SRX, None, SRX),
    (ASK, CSV, None, CSV),
    (ASK, None, "xml", SRX),
    (ASK, "text/plain", None, 406),
    # graphs (CONSTRUCT, DESCRIBE)
    (CONSTRUCT, None, None, TTL),
    (CONSTRUCT, "*/*", None, TTL),
    (CONSTRUCT, TTL, None, TTL),
    (CONSTRUCT, "application/x-turtle", None, TTL),
    (CONSTRUCT, NT, None, NT),
    (CONSTRUCT, "text/plain", None, NT),
    (CONSTRUCT, JSONLD, None, JSONLD),
    (CONSTRUCT, "application/json", None, JSONLD),
    (CONSTRUCT, RDFXML, None, RDFXML),
    (CONSTRUCT, "application/xml", None, RDFXML),
    (CONSTRUCT, NQ, None, NQ),
    (CONSTRUCT, TRIG, None, TRIG),
    (CONSTRUCT, f"{RDFXML};q=.5, {TTL};q=.4", None, RDFXML),
    (CONSTRUCT, f"{SRJ}, {NT};q=.1", None, NT),
    (CONSTRUCT, SRJ, None, 406),
    (CONSTRUCT, None, "json", JSONLD),  # SPARQLWrapper's JSON for a graph
    (CONSTRUCT, None, "xml", RDFXML),
    (CONSTRUCT, None, "turtle", TTL),
    (CONSTRUCT, None, "n3", TTL),
    (CONSTRUCT, None, "nt", NT),
    (CONSTRUCT, None, "json-ld", JSONLD),
    (CONSTRUCT, None, "rdf", RDFXML),
    (CONSTRUCT, None, "trig", TRIG),
    (DESCRIBE, None, None, TTL),
    (DESCRIBE, JSONLD, None, JSONLD),
    (DESCRIBE, RDFXML, None, RDFXML),
    (DESCRIBE, "text/*", None, TTL),
    (DESCRIBE, None, "ntriples", NT),
    (DESCRIBE, CSV, None, 406),
]


@pytest.mark.parametrize(("query", "accept", "fmt", "expected"), TABLE)
def test_conneg_table(client, query, accept, fmt, expected):
    params = {"query": query}
    if fmt is not None:
        params["format"] = fmt
    response = client.get(
        "/sparql", query_string=params, headers={"Accept": accept} if accept else {}
    )
    if expected == 406:
        assert response.status_code == 406
        assert response.mimetype == "text/plain"
        return
    assert response.status_code == 200, response.data
    assert response.mimetype == expected
    assert "Accept" in response.headers["Vary"]


def test_repeated_format_parameters_as_sparqlwrapper_sends_them(client):
    query_string = [("query", SELECT), ("format", "json"), ("output", "json"), ("results", "json")]
    response = client.get("/sparql", query_string=query_string)
    assert response.mimetype == SRJ
    response = client.post(
        "/sparql", data={"query": CONSTRUCT, "format": "xml", "output": "xml", "results": "xml"}
    )
    assert response.mimetype == RDFXML


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, TTL),
        (TTL, TTL),
        (RDFXML, RDFXML),
        (JSONLD, JSONLD),
        (NT, NT),
        ("text/html", "text/html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("image/png", 406),
    ],
)
def test_bare_get_negotiates_description_or_page(client, accept, expected):
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    if expected == 406:
        assert response.status_code == 406
    else:
        assert response.status_code == 200 and response.mimetype == expected
