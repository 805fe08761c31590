"""Dumps: listing and JSON twin, cache validators, and exactly the triples the store serves."""

from __future__ import annotations

import gzip
import hashlib
import json

import pyoxigraph
import pytest
from rdflib import Graph

from tests.html_page import find, parse_html

CONTENT_TYPES = {
    "kaltim-kg.ttl": "text/turtle",
    "kaltim-kg.nt.gz": "application/gzip",
    "kaltim-kg.nq.gz": "application/gzip",
    "kaltim-kg.jsonld": "application/ld+json",
    "kaltim-kg-flows.csv": "text/csv",
    "kaltim-kg-totals.csv": "text/csv",
    "kaltim-kg-cohorts.csv": "text/csv",
    "kaltim-kg-csv-metadata.json": "application/csvm+json",
    "SHA256SUMS": "text/plain",
}


@pytest.fixture()
def listing(client):
    response = client.get("/dumps/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    return {f["name"]: f for f in response.get_json()["files"]}


def union_triples(built):
    store = built.generation.open()
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    return set(store.query(query, use_default_graph_as_union=True))


def test_listing_page_links_every_file(client, listing):
    response = client.get("/dumps/", headers={"Accept": "text/html"})
    hrefs = {a.attrs["href"] for a in find(parse_html(response.get_data(as_text=True)), "a")}
    assert set(CONTENT_TYPES) == set(listing)
    assert {f["url"] for f in listing.values()} <= hrefs


def test_listing_json_matches_sha256sums(client, listing):
    sums = client.get("/dumps/SHA256SUMS").get_data(as_text=True)
    for line in sums.splitlines():
        digest, name = line.split("  ")
        assert listing[name]["sha256"] == digest


@pytest.mark.parametrize("name", sorted(CONTENT_TYPES))
def test_download_headers(client, listing, name):
    response = client.get(f"/dumps/{name}")
    body = response.get_data()
    assert response.status_code == 200
    assert response.mimetype == CONTENT_TYPES[name]
    parameters = response.headers["Content-Type"].split(";")[1:]
    expected = [] if name.endswith(".gz") else ["charset=utf-8"]
    assert [p.strip().lower() for p in parameters] == expected  # said once, or not at all
    assert "Content-Encoding" not in response.headers  # .gz arrives as the gzip file
    assert int(response.headers["Content-Length"]) == len(body) == listing[name]["bytes"]
    digest = hashlib.sha256(body).hexdigest()
    assert response.headers["ETag"] == f'"{digest}"'  # strong, the content hash
    assert listing[name]["sha256"] == digest
    assert response.last_modified is not None


@pytest.mark.parametrize("name", sorted(CONTENT_TYPES))
def test_head_and_conditional_requests(client, name):
    get = client.get(f"/dumps/{name}")
    head = client.head(f"/dumps/{name}")
    assert head.status_code == 200 and head.get_data() == b""
    for header in ("ETag", "Content-Length", "Last-Modified", "Content-Type"):
        assert head.headers[header] == get.headers[header]
    etag = get.headers["ETag"]
    assert client.get(f"/dumps/{name}", headers={"If-None-Match": etag}).status_code == 304
    since = get.headers["Last-Modified"]
    assert client.get(f"/dumps/{name}", headers={"If-Modified-Since": since}).status_code == 304
    assert client.get(f"/dumps/{name}", headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize(
    "path", ["/dumps/nope.ttl", "/dumps/..%2Fmanifest.json", "/dumps/manifest.json"]
)
def test_unknown_downloads_are_404(client, path):
    assert client.get(path).status_code == 404


def test_ntriples_dump_holds_exactly_the_served_triples(client, built):
    data = gzip.decompress(client.get("/dumps/kaltim-kg.nt.gz").get_data())
    dumped = set(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert {q.triple for q in dumped} == {t for t in union_triples(built)}


def test_turtle_dump_holds_exactly_the_served_triples(client, built):
    data = client.get("/dumps/kaltim-kg.ttl").get_data()
    dumped = {q.triple for q in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE)}
    assert dumped == union_triples(built)


def test_nquads_dump_keeps_the_named_graphs(client, built):
    data = gzip.decompress(client.get("/dumps/kaltim-kg.nq.gz").get_data())
    dumped = set(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_QUADS))
    stored = set(built.generation.open().quads_for_pattern(None, None, None, None))
    assert dumped == stored
    assert len({q.graph_name for q in dumped}) == len(built.graphs)


def test_jsonld_dump_uses_the_published_context(client, built):
    document = json.loads(client.get("/dumps/kaltim-kg.jsonld").get_data())
    context = client.get("/context.jsonld")
    assert context.mimetype == "application/ld+json"
    assert document["@context"] == context.get_json()["@context"]
    assert "kkg:evidence" in {key for node in document["@graph"] for key in node}
    graph = Graph().parse(data=json.dumps(document), format="json-ld")
    nt = gzip.decompress(client.get("/dumps/kaltim-kg.nt.gz").get_data())
    assert set(graph) == set(Graph().parse(data=nt, format="nt"))
