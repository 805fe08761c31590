"""Human views of /catalog, VoID and the service description; /dataset and /graph/{name}
dereference; stable validators (same generation, same bytes and ETag; 304; new generation,
new ETag). Issue 17, item 3."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, XSD

from kaltim_kg.config import load_settings
from kaltim_kg.namespaces import SD, SPDX, VOID
from kaltim_kg.store.publish import build, load
from kaltim_kg.web import create_app
from tests.html_page import find, parse_html

BASE = "https://w3id.org/kaltim-kg/"
DATASET = URIRef(f"{BASE}dataset")
BROWSER = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en",
}
ARTICLE = "2021-02-03-ekspor-ukm-kaltim"
DOCUMENTS = ("/catalog", "/.well-known/void", "/dataset", f"/graph/{ARTICLE}", "/sparql/service")
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


def rdf(client, path: str, accept: str = "text/turtle") -> Graph:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == accept
    return Graph().parse(data=response.get_data(), format=RDF_TYPES[accept])


def page(client, path: str, **headers: str):
    response = client.get(path, headers={**BROWSER, **headers})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    return parse_html(response.get_data(as_text=True))


def text(element) -> str:
    return " ".join(element.text.split())


def parse_html_of(element) -> list:
    """Every element below `element`, in document order."""
    found = []
    for child in element.children:
        found.append(child)
        found.extend(parse_html_of(child))
    return found


@pytest.fixture(scope="module")
def quads(settings):
    client = create_app(settings, {"TESTING": True}).test_client()
    dataset = Dataset()
    dataset.parse(
        data=gzip.decompress(client.get("/dumps/kaltim-kg.nq.gz").get_data()), format="nquads"
    )
    return list(dataset.quads((None, None, None, None)))


# --- a browser gets a page, an RDF client what it got before ----------------------------


@pytest.mark.parametrize("path", DOCUMENTS)
def test_a_browser_gets_a_page_and_rdf_clients_get_rdf(client, path):
    html = client.get(path, headers=BROWSER)
    assert html.mimetype == "text/html"
    assert "Accept" in html.vary
    for accept in (None, "*/*", "text/turtle"):
        response = client.get(path, headers={"Accept": accept} if accept else {})
        assert response.mimetype == "text/turtle", accept
        assert len(Graph().parse(data=response.get_data(), format="turtle")) > 0
    for accept in RDF_TYPES:
        assert len(rdf(client, path, accept)) > 0
    assert client.get(path, query_string={"format": "html"}).mimetype == "text/html"
    assert client.get(path, headers=BROWSER, query_string={"format": "jsonld"}).mimetype == (
        "application/ld+json"
    )
    assert client.get(path, headers={"Accept": "image/png"}).status_code == 406


def test_the_navigation_opens_the_catalogue_and_void_as_pages(client):
    nav = find(page(client, "/"), "nav")[0]
    hrefs = {text(a): a.attrs["href"] for a in nav.children if a.tag == "a"}
    for name in ("Catalogue (DCAT)", "VoID"):
        assert client.get(hrefs[name], headers=BROWSER).mimetype == "text/html", name


@pytest.mark.parametrize("path", DOCUMENTS)
def test_the_pages_are_safe(client, path):
    response = client.get(path, headers=BROWSER)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "<script" not in response.get_data(as_text=True)


# --- what the pages say is what the RDF says ---------------------------------------------


def test_the_catalogue_page_lists_every_distribution_of_the_record(client):
    record = rdf(client, "/catalog")
    catalog = URIRef(f"{BASE}catalog")
    elements = page(client, "/catalog")
    title = next(o for o in record.objects(catalog, DCTERMS.title) if o.language == "en")
    assert text(find(elements, "h1")[0]) == str(title)
    section = find(elements, "section", id="distributions")[0]
    inside = parse_html_of(section)
    downloads = {a.attrs["href"] for a in find(inside, "a") if "download" in a.attrs}
    assert downloads == {str(u) for u in record.objects(None, DCAT.downloadURL)}
    codes = {text(e) for e in find(inside, "code")}
    assert {str(v) for v in record.objects(None, SPDX.checksumValue)} <= codes
    assert f"{BASE}dataset" in {text(e) for e in find(elements, "code")}


def test_the_catalogue_page_speaks_indonesian(client):
    elements = page(client, "/catalog", **{"Accept-Language": "id"})
    assert text(find(elements, "h1")[0]) == "Katalog kaltim-kg"
    assert find(elements, "html")[0].attrs["lang"] == "id"


def test_the_void_page_shows_the_void_counts(client):
    void = rdf(client, "/.well-known/void")
    elements = page(client, "/.well-known/void")
    shown = {
        e.attrs["data-count"]: int(text(e).replace(",", ""))
        for e in elements
        if "data-count" in e.attrs
    }
    assert shown["triples"] == void.value(DATASET, VOID.triples).toPython()
    assert shown["entities"] == void.value(DATASET, VOID.entities).toPython()
    rows = {e.attrs["data-graph"]: e for e in elements if "data-graph" in e.attrs}
    subsets = {
        str(s)
        for s in void.objects(DATASET, VOID.subset)
        if (s, RDF.type, VOID.Linkset) not in void
    }
    assert set(rows) == subsets
    for iri, row in rows.items():
        link = find(parse_html_of(row.children[0]), "a")[0]
        assert link.attrs["href"] == "/graph/" + iri.removeprefix(f"{BASE}graph/")
        triples = void.value(URIRef(iri), VOID.triples).toPython()
        assert int(text(row.children[1]).replace(",", "")) == triples
    # graphs by what people know them as, not by their IRIs
    names = {iri: text(find(parse_html_of(row.children[0]), "a")[0]) for iri, row in rows.items()}
    assert names[f"{BASE}graph/reference"].startswith("Reference data")
    assert names[f"{BASE}graph/{ARTICLE}"].startswith("Despite the Pandemic")


def test_the_service_page_lists_the_graphs_the_description_names(client, settings):
    sd = rdf(client, "/sparql/service")
    assert isomorphic(sd, rdf(client, "/sparql"))  # the same description as on /sparql
    elements = page(client, "/sparql/service")
    body = " ".join(text(e) for e in find(elements, "main"))
    for named in sd.subjects(RDF.type, SD.NamedGraph):
        name = str(sd.value(named, SD.name))
        assert any(a.attrs.get("title") == name for a in find(elements, "a")), name
    assert "UnionDefaultGraph" in body and "SPARQL11Query" in body


# --- /dataset and /graph/{name} ----------------------------------------------------------


def test_the_dataset_dereferences_to_its_void_and_dcat(client):
    graph = rdf(client, "/dataset")
    assert (DATASET, RDF.type, VOID.Dataset) in graph
    assert (DATASET, RDF.type, DCAT.Dataset) in graph
    assert set(graph.objects(DATASET, DCAT.distribution))
    assert set(graph.objects(DATASET, VOID.subset))
    elements = page(client, "/dataset")
    assert text(find(elements, "h1")[0]) == "East Kalimantan SME exports 2020 knowledge graph"


def test_every_graph_void_names_dereferences(client):
    void = rdf(client, "/.well-known/void")
    graphs = [
        str(s) for s in void.objects(DATASET, VOID.subset) if str(s).startswith(f"{BASE}graph/")
    ]
    assert len(graphs) >= 6
    for iri in graphs:
        path = "/graph/" + iri.removeprefix(f"{BASE}graph/")
        record = rdf(client, path)
        subject = URIRef(iri)
        assert (subject, RDF.type, VOID.Dataset) in record
        assert record.value(subject, VOID.triples) == void.value(subject, VOID.triples)
        assert (subject, DCTERMS.isPartOf, DATASET) in record
        assert record.value(subject, DCTERMS.license) is not None
        assert record.value(subject, DCTERMS.modified).datatype == XSD.dateTime


def test_a_graph_page_holds_its_classes_source_and_downloads(client, quads):
    iri = URIRef(f"{BASE}graph/{ARTICLE}")
    record = rdf(client, f"/graph/{ARTICLE}")
    # class partitions: entities of each class in this graph, counted from the dump
    expected: dict[str, set] = {}
    for s, p, o, g in quads:
        if g == iri and p == RDF.type and isinstance(s, URIRef):
            expected.setdefault(str(o), set()).add(s)
    partitions = {
        str(record.value(p, VOID["class"])): record.value(p, VOID.entities).toPython()
        for p in record.objects(iri, VOID.classPartition)
    }
    assert partitions == {c: len(s) for c, s in expected.items()}
    assert record.value(iri, DCTERMS.source) == URIRef(f"{BASE}id/source/{ARTICLE}")
    # the data dump is exactly the graph's triples
    dump = str(record.value(iri, VOID.dataDump))
    parts = urlsplit(dump)
    response = client.get(parts.path + "?" + parts.query)
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    got = Graph().parse(data=response.get_data(), format="turtle")
    assert len(got) == record.value(iri, VOID.triples).toPython()
    assert {(s, p, o) for s, p, o, g in quads if g == iri} == set(got)
    # the page
    elements = page(client, f"/graph/{ARTICLE}")
    assert text(find(elements, "h1")[0]).startswith("Despite the Pandemic")
    classes = find(elements, "section", id="classes")[0]
    assert "Export flow" in text(classes) and "24" in text(classes)
    examples = [a.attrs["href"] for a in find(elements, "a") if a.attrs["href"].startswith("/id/")]
    assert f"/id/source/{ARTICLE}" in examples
    assert any(h.startswith("/id/flow/") for h in examples)
    assert any(
        a.attrs.get("href", "").startswith("http://www.hariankaltim.com/")
        for a in find(elements, "a")
    )
    assert any(text(a) == "CC BY 4.0" for a in find(elements, "a"))


@pytest.mark.parametrize(
    "path", ["/graph/nope", "/graph/", "/graph/reference/x", "/graph/..%2Fdataset"]
)
def test_an_unknown_graph_is_a_404(client, path):
    for headers in (BROWSER, {"Accept": "text/turtle"}):
        response = client.get(path, headers=headers)
        assert response.status_code == 404, path
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_resource_pages_link_graphs_and_the_dataset_locally(client):
    from kaltim_kg.web.addresses import local_path

    assert local_path(BASE, f"{BASE}graph/reference") == "/graph/reference"
    assert local_path(BASE, f"{BASE}dataset") == "/dataset"


# --- stable validators -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/catalog", "/.well-known/void", "/dataset", "/sparql/service"])
@pytest.mark.parametrize("accept", [*RDF_TYPES, BROWSER["Accept"]])
def test_the_same_generation_gives_the_same_bytes_and_etag_and_304(client, path, accept):
    first = client.get(path, headers={"Accept": accept})
    second = create_app(client.application.config["KALTIM_KG_SETTINGS"], {"TESTING": True})
    again = second.test_client().get(path, headers={"Accept": accept})  # another process' app
    assert first.status_code == again.status_code == 200
    assert first.get_data() == again.get_data()
    etag = first.headers["ETag"]
    assert etag and etag == again.headers["ETag"]
    cached = client.get(path, headers={"Accept": accept, "If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.get_data() == b""


def test_the_dcat_2_profile_is_stable_too(client):
    one = client.get("/catalog?profile=2.1.1")
    two = client.get("/catalog?profile=2.1.1")
    assert one.get_data() == two.get_data() and one.headers["ETag"] == two.headers["ETag"]
    assert client.get("/catalog?profile=9").status_code == 400


# --- a loaded graph, and a new generation -------------------------------------------------


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A store of its own: built, the validators noted, then a graph loaded over it."""
    root = tmp_path_factory.mktemp("loaded")
    settings = load_settings(env={}, store_dir=root / "store")
    build(settings)
    before = {}
    client = create_app(settings, {"TESTING": True}).test_client()
    for path in ("/catalog", "/.well-known/void"):
        before[path] = client.get(path).headers["ETag"]
    data = Path(root / "extra.nt")
    data.write_text(
        "<https://example.org/thing/1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://example.org/Thing> .\n"
        '<https://example.org/thing/1> <http://www.w3.org/2000/01/rdf-schema#label> "one" .\n',
        encoding="utf-8",
    )
    load(
        settings,
        [data],
        graph=f"{BASE}graph/extra",
        licence="https://creativecommons.org/publicdomain/zero/1.0/",
        data_source="<script>alert(1)</script> BPS",
    )
    return settings, before


def test_a_new_generation_has_new_etags(loaded):
    settings, before = loaded
    client = create_app(settings, {"TESTING": True}).test_client()
    for path, etag in before.items():
        response = client.get(path, headers={"If-None-Match": etag})
        assert response.status_code == 200, path
        assert response.headers["ETag"] != etag


def test_a_loaded_graph_page_says_what_was_loaded_and_when(loaded):
    settings, _ = loaded
    client = create_app(settings, {"TESTING": True}).test_client()
    record = rdf(client, "/graph/extra")
    iri = URIRef(f"{BASE}graph/extra")
    assert record.value(iri, DCTERMS.license) == URIRef(
        "https://creativecommons.org/publicdomain/zero/1.0/"
    )
    assert record.value(iri, VOID.triples) == Literal(2, datatype=XSD.integer)
    manifest = json.loads((settings.store_dir / "current" / "manifest.json").read_text())
    when = manifest["loaded_graphs"][str(iri)]["loaded"]
    assert str(record.value(iri, DCTERMS.modified)) == when
    response = client.get("/graph/extra", headers=BROWSER)
    body = response.get_data(as_text=True)
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt; BPS" in body
    elements = parse_html(body)
    assert any(text(e) == "CC0 1.0" for e in find(elements, "a"))
    assert when in {e.attrs.get("datetime") for e in find(elements, "time")}
    assert "extra.nt" in text(find(elements, "main")[0])
