"""/sparql over the built store: protocol operations, formats parsed back, errors, headers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph
import pytest
from engine_servers import ENGINE_KINDS, settings_on_engine
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from werkzeug.test import EnvironBuilder, run_wsgi_app

from kaltim_kg.namespaces import KKG, SD


@pytest.fixture(scope="module", params=ENGINE_KINDS)
def settings(request, built):
    """Every test here runs embedded and against each remote engine (tests/engine_servers.py)."""
    return settings_on_engine(request, built)


HERE = Path(__file__).parent
FLOWS = "SELECT ?flow ?country WHERE { ?flow a kkg:ExportFlow ; kkg:destination ?country }"
COUNTRIES = "CONSTRUCT { ?c a kkg:Country } WHERE { ?c a kkg:Country }"


def _bindings(response) -> list[dict]:
    assert response.status_code == 200, response.data
    return json.loads(response.data)["results"]["bindings"]


FORM = "application/x-www-form-urlencoded"


def test_get_post_form_and_post_direct_agree(client):
    by_get = _bindings(client.get("/sparql", query_string={"query": FLOWS}))
    by_form = _bindings(client.post("/sparql", data={"query": FLOWS}))
    by_direct = _bindings(
        client.post("/sparql", data=FLOWS.encode(), content_type="application/sparql-query")
    )
    assert by_get and sorted(map(str, by_get)) == sorted(map(str, by_form)) == sorted(
        map(str, by_direct)
    )
    assert all(b["flow"]["value"].startswith("https://w3id.org/kaltim-kg/id/flow/") for b in by_get)


def test_default_graph_is_the_union_of_named_graphs(client):
    plain = _bindings(
        client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    )
    per_graph = _bindings(
        client.get(
            "/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"}
        )
    )
    assert int(plain[0]["n"]["value"]) > 0
    assert int(plain[0]["n"]["value"]) <= int(per_graph[0]["n"]["value"])


def test_protocol_dataset_replaces_the_union(client, built):
    ontology = next(g for g in built.graphs if g.endswith("/graph/ontology"))
    query = "ASK { ?s a kkg:ExportFlow }"
    in_union = client.get("/sparql", query_string={"query": query})
    only_ontology = client.get(
        "/sparql", query_string={"query": query, "default-graph-uri": ontology}
    )
    unknown = client.get(
        "/sparql",
        query_string={"query": "ASK { ?s ?p ?o }", "default-graph-uri": "http://example.org/none"},
    )
    assert json.loads(in_union.data)["boolean"] is True
    assert json.loads(only_ontology.data)["boolean"] is False
    assert unknown.status_code == 200 and json.loads(unknown.data)["boolean"] is False


def test_from_names_local_graphs_only(client, built):
    ontology = next(g for g in built.graphs if g.endswith("/graph/ontology"))
    query = f"ASK FROM <{ontology}> {{ ?s a kkg:ExportFlow }}"
    assert json.loads(client.get("/sparql", query_string={"query": query}).data)["boolean"] is False


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_select_results_parse_back_in_every_format(client, accept, media_type):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": FLOWS}, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["Vary"] == "Accept"
    if media_type == "text/csv":
        rows = list(csv.DictReader(io.StringIO(response.data.decode())))
        flows = {r["flow"] for r in rows}
    else:
        fmt = {
            "application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
            "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML,
            "text/tab-separated-values": pyoxigraph.QueryResultsFormat.TSV,
        }[media_type]
        flows = {s["flow"].value for s in pyoxigraph.parse_query_results(response.data, format=fmt)}
    assert "https://w3id.org/kaltim-kg/id/flow/2020-processed-wood-IT" in flows


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        (None, "turtle"),
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
    ],
)
@pytest.mark.parametrize(
    "query", [COUNTRIES, "DESCRIBE <https://w3id.org/kaltim-kg/id/country/SG>"]
)
def test_construct_and_describe_parse_back_in_every_rdf_format(
    client, query, accept, rdflib_format
):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": query}, headers=headers)
    assert response.status_code == 200, response.data
    graph = Graph() if rdflib_format not in ("nquads", "trig") else None
    if graph is None:
        from rdflib import Dataset

        graph = Dataset()
    graph.parse(data=response.data, format=rdflib_format)
    singapore = URIRef("https://w3id.org/kaltim-kg/id/country/SG")
    assert (singapore, RDF.type, KKG.Country) in graph


def test_ask_answers_a_boolean(client):
    response = client.get("/sparql", query_string={"query": "ASK { ?c a kkg:Country }"})
    assert json.loads(response.data) == {"head": {}, "boolean": True}


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/tab-separated-values",
        "text/csv",
    ],
)
def test_the_row_cap_bounds_the_work_not_just_the_answer(app, settings, accept):
    """A cross product of the store with itself three times (~10^9 rows): the engine must
    stop after the rows the cap allows, not compute them all and cut afterwards (which
    ran into the timeout or the memory budget)."""
    app.config["KALTIM_KG_SETTINGS"] = settings.with_overrides(
        max_result_rows=50, query_timeout=20, cache_entries=0
    )
    query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } LIMIT 3000000"
    response = app.test_client().get(
        "/sparql", query_string={"query": query}, headers={"Accept": accept}
    )
    assert response.status_code == 200, response.data
    assert response.headers["X-SPARQL-MaxRows"] == "50"
    if accept == "text/csv":  # lossy: pyoxigraph does not read it back
        assert len(list(csv.DictReader(io.StringIO(response.data.decode())))) == 50
    else:
        fmt = pyoxigraph.QueryResultsFormat.from_media_type(accept)
        assert len(list(pyoxigraph.parse_query_results(response.data, format=fmt))) == 50


def test_row_cap_truncates_and_says_so(app, settings):
    app.config["KALTIM_KG_SETTINGS"] = settings.with_overrides(max_result_rows=3)
    client = app.test_client()
    response = client.get(
        "/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"}, headers={"Accept": "text/csv"}
    )
    assert response.headers["X-SPARQL-MaxRows"] == "3"
    assert len(list(csv.DictReader(io.StringIO(response.data.decode())))) == 3
    json_rows = _bindings(client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"}))
    assert len(json_rows) == 3
    graph = Graph().parse(
        data=client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}).data,
        format="turtle",
    )
    assert len(graph) == 3
    small = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 2"})
    assert (
        "X-SPARQL-MaxRows" not in small.headers
        and len(json.loads(small.data)["results"]["bindings"]) == 2
    )


@pytest.mark.parametrize(
    ("request_args", "status"),
    [
        ({"method": "GET", "query_string": {"query": "SELECT * WHERE { ?s ?p }"}}, 400),
        ({"method": "GET", "query_string": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        (
            {"method": "GET", "query_string": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
            403,
        ),
        ({"method": "GET", "query_string": {"update": "CLEAR ALL"}}, 403),
        ({"method": "POST", "data": {"update": "CLEAR ALL"}}, 403),
        (
            {"method": "POST", "data": b"CLEAR ALL", "content_type": "application/sparql-update"},
            403,
        ),
        ({"method": "POST", "data": b"ASK {}", "content_type": "text/plain"}, 415),
        ({"method": "POST", "data": b"ASK {}"}, 415),
        (
            {
                "method": "POST",
                "data": "ASK {}".encode("utf-16"),
                "content_type": "application/sparql-query; charset=UTF-16",
            },
            415,
        ),
        (
            {"method": "POST", "data": b"ASK {\xff}", "content_type": "application/sparql-query"},
            400,
        ),
        ({"method": "POST", "data": {"format": "json"}}, 400),
        ({"method": "PUT", "data": b"ASK {}", "content_type": "application/sparql-query"}, 405),
        (
            {
                "method": "GET",
                "query_string": {"query": "ASK {}", "default-graph-uri": "not an iri"},
            },
            400,
        ),
        ({"method": "GET", "query_string": {"query": "SELECT * {" + "{" * 5000 + "}" * 5001}}, 400),
        ({"method": "GET", "query_string": {"query": "ASK {}", "format": "pdf"}}, 406),
        (
            {
                "method": "GET",
                "query_string": {"query": "ASK {}"},
                "headers": {"Accept": "image/png"},
            },
            406,
        ),
    ],
)
def test_bad_requests_get_a_true_status_and_one_plain_line(client, request_args, status):
    response = client.open("/sparql", **request_args)
    assert response.status_code == status
    assert response.mimetype == "text/plain"
    text = response.data.decode()
    assert text.endswith("\n") and text.count("\n") == 1 and "Traceback" not in text


def test_syntax_error_reports_the_parser_position(client):
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert "1:25" in response.data.decode()  # line 1, column 25: the closing brace


def test_request_size_is_bounded(app, settings):
    app.config["KALTIM_KG_SETTINGS"] = settings.with_overrides(max_request_bytes=1000)
    client = app.test_client()
    big = "ASK {} #" + "x" * 2000
    assert (
        client.post(
            "/sparql", data=big.encode(), content_type="application/sparql-query"
        ).status_code
        == 413
    )
    assert client.post("/sparql", data={"query": big}).status_code == 413
    assert client.get("/sparql", query_string={"query": big}).status_code == 413
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


class CountingStream(io.RawIOBase):
    """A 10 MB request body (think of a chunked upload that never stops) that counts what
    is read of it."""

    def __init__(self, head: bytes) -> None:
        self.head, self.read_bytes = head, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if self.read_bytes >= 10_000_000:
            return 0
        chunk = (self.head[self.read_bytes :] or b"x" * len(buffer))[: len(buffer)]
        buffer[: len(chunk)] = chunk
        self.read_bytes += len(chunk)
        return len(chunk)


def _post_chunked(app, stream: io.RawIOBase, content_type: str) -> tuple[int, bytes]:
    """POST a body the way a server hands over a chunked upload: no Content-Length, and
    `wsgi.input_terminated` to say the stream ends by itself."""
    environ = EnvironBuilder(path="/sparql", method="POST", content_type=content_type).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input"] = io.BufferedReader(stream)
    environ["wsgi.input_terminated"] = True
    body, status, _ = run_wsgi_app(app, environ, buffered=True)
    return int(status.split()[0]), b"".join(body)


@pytest.mark.parametrize(
    ("content_type", "head"),
    [("application/sparql-query", b"ASK {} #"), (FORM, b"query=ASK+%7B%7D+%23")],
)
def test_a_chunked_body_is_read_only_up_to_the_limit(app, settings, content_type, head):
    """No Content-Length to check first: the body is read to one byte past the limit and
    refused, neither swallowed whole nor cut at the limit and run."""
    app.config["KALTIM_KG_SETTINGS"] = settings.with_overrides(max_request_bytes=1000)
    body = CountingStream(head)
    status, text = _post_chunked(app, body, content_type)
    assert status == 413, text
    assert body.read_bytes < 1000 + 64 * 1024  # one buffered read past the limit at most


def test_a_small_chunked_body_is_answered(app):
    status, text = _post_chunked(app, io.BytesIO(b"query=ASK+%7B%7D"), FORM)
    assert status == 200, text
    assert json.loads(text)["boolean"] is True


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "GET", "query_string": "query=SELECT%20(%22%FF%22%20AS%20?x)%20%7B%7D"},
        {"method": "GET", "query_string": "query=ASK%7B%7D&x=%ED%A0%80"},
        {"method": "POST", "data": b"query=ASK%7B%7D&x=%FF", "content_type": FORM},
        {"method": "POST", "data": b"query=ASK{}&x=\xff", "content_type": FORM},
    ],
    ids=["get-escape", "get-surrogate", "form-escape", "form-raw-byte"],
)
def test_parameters_that_are_not_utf8_are_refused(client, request_args):
    response = client.open("/sparql", **request_args)
    assert response.status_code == 400, response.data
    assert "UTF-8" in response.data.decode()


def test_head_answers_like_get_without_a_body(client):
    query = {"query": "ASK {}"}
    get, head = (
        client.get("/sparql", query_string=query),
        client.head("/sparql", query_string=query),
    )
    assert head.status_code == get.status_code == 200
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert head.data == b"" and json.loads(get.data)["boolean"] is True


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("PUT", "/sparql", 405),
        ("TRACE", "/sparql", 405),
        ("PROPFIND", "/sparql", 405),
        ("GET", "/no/such/page", 404),
    ],
)
def test_routing_errors_are_one_plain_line_too(client, method, path, status):
    response = client.open(path, method=method)
    assert response.status_code == status
    assert response.mimetype == "text/plain"
    assert response.data.decode().count("\n") == 1
    if status == 405:
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        assert allowed == {"GET", "HEAD", "POST", "OPTIONS"}  # what /sparql really takes


def test_cors_and_preflight(client):
    response = client.get(
        "/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://example.org"}
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"


def test_server_timing_header(client):
    response = client.get("/sparql", query_string={"query": "ASK {}"})
    entries = [part.strip().split(";") for part in response.headers["Server-Timing"].split(",")]
    names = {entry[0] for entry in entries}
    assert names == {"cache", "query", "engine", "total"}  # a miss: the worker's time is reported
    ms = {e[0]: float(p[4:]) for e in entries for p in e[1:] if p.startswith("dur=")}
    # the query process's own time is part of the query's, which is part of the request's
    assert 0 < ms["engine"] <= ms["query"] <= ms["total"]


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/rdf+xml", "xml"),
        (None, "turtle"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_service_description_conforms_and_names_the_endpoint(client, built, accept, rdflib_format):
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format=rdflib_format)
    endpoint = URIRef("http://localhost/sparql")
    assert graph.query(
        "ASK { ?s <http://www.w3.org/ns/sparql-service-description#endpoint> ?e }",
        initBindings={"e": endpoint},
    ).askAnswer
    shapes = Graph().parse(HERE / "conformance" / "sd" / "sd-shapes.ttl")
    conforms, _, text = validate(graph, shacl_graph=shapes)
    assert conforms, text
    names = set(graph.objects(None, SD.name))
    assert names == {URIRef(g) for g in built.graphs}
    assert (None, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) not in graph


@pytest.mark.parametrize(("fixture", "expected"), [("sd-good.ttl", True), ("sd-bad.ttl", False)])
def test_sd_shapes_tell_good_from_bad(fixture, expected):
    shapes = Graph().parse(HERE / "conformance" / "sd" / "sd-shapes.ttl")
    data = Graph().parse(HERE / "conformance" / "sd" / fixture)
    assert validate(data, shacl_graph=shapes)[0] is expected


def test_browsers_get_the_query_page(client):
    response = client.get(
        "/sparql",
        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    )
    assert response.status_code == 200
    assert response.mimetype == "text/html"


def test_health_reports_generation_and_size(client, built):
    body = client.get("/health").get_json()
    assert body["status"] == "ok"
    assert body["generation"] == built.generation.id
    assert body["triples"] == built.triples


def test_health_is_503_json_without_a_store(fresh_store):
    from kaltim_kg.web import create_app

    response = create_app(fresh_store, {"TESTING": True}).test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_query_without_a_store_is_503(fresh_store):
    from kaltim_kg.web import create_app

    client = create_app(fresh_store, {"TESTING": True}).test_client()
    response = client.get("/sparql", query_string={"query": "ASK {}"})
    assert response.status_code == 503


def test_one_access_log_line_per_query_with_its_time(client, caplog):
    caplog.set_level("INFO", logger="kaltim_kg.access")
    client.get("/sparql", query_string={"query": "ASK {}"})
    client.get("/health")
    lines = [r.getMessage() for r in caplog.records if r.name == "kaltim_kg.access"]
    assert len(lines) == 1
    assert '"GET /sparql" 200' in lines[0] and "ms form=ASK" in lines[0]


def test_workers_follow_a_new_generation(fresh_store):
    from sparql_support import make_store

    from kaltim_kg.web import create_app

    make_store(fresh_store.store_dir, {"http://example.org/g": "<urn:a> <urn:p> <urn:one> .\n"})
    client = create_app(fresh_store, {"TESTING": True}).test_client()
    query = {"query": "SELECT ?o { <urn:a> <urn:p> ?o }"}
    assert _bindings(client.get("/sparql", query_string=query))[0]["o"]["value"] == "urn:one"
    make_store(fresh_store.store_dir, {"http://example.org/g": "<urn:a> <urn:p> <urn:two> .\n"})
    for _ in range(4):  # every worker of the pool, whichever answers
        assert _bindings(client.get("/sparql", query_string=query))[0]["o"]["value"] == "urn:two"


@pytest.mark.parametrize("format_name", ["json", "xml", "tsv", "csv"])
def test_a_result_too_big_to_keep_whole_is_run_again_and_cut_right(monkeypatch, format_name):
    """Past FIRST_PASS_BYTES the first serialisation stops and the query runs again in TSV:
    the rows that fit the cap must come back exactly, in the asked format."""
    from kaltim_kg.query import worker as query_worker
    from kaltim_kg.query.worker import Job, run_job

    store = pyoxigraph.Store()
    p = pyoxigraph.NamedNode("urn:p")
    for i in range(300):
        store.add(pyoxigraph.Quad(pyoxigraph.NamedNode(f"urn:s{i:03}"), p, pyoxigraph.Literal(i)))
    query = "SELECT ?s ?o WHERE { ?s <urn:p> ?o } ORDER BY ?s"
    whole = run_job(store, Job(query, format_name, 1000))
    monkeypatch.setattr(query_worker, "FIRST_PASS_BYTES", 500)
    for max_rows, truncated in ((1000, False), (120, True)):
        reply = run_job(store, Job(query, format_name, max_rows))
        assert reply.error is None and reply.truncated is truncated
        if not truncated:
            assert reply.body == whole.body  # the same answer by the second road
        else:
            lines = whole.body.decode().splitlines()
            if format_name in ("tsv", "csv"):
                assert reply.body.decode().splitlines() == lines[: max_rows + 1]
            else:
                fmt = pyoxigraph.QueryResultsFormat.from_extension(format_name)
                rows = list(pyoxigraph.parse_query_results(reply.body, format=fmt))
                assert [r["s"].value for r in rows] == [f"urn:s{i:03}" for i in range(max_rows)]


@pytest.mark.parametrize(
    ("query", "request_format"),
    [
        # RDF/XML cannot end an element name with a digit: the engine writes `<oxprefix:`
        ("CONSTRUCT { <urn:a> <http://ex.org/1> <urn:b> } WHERE {}", {"format": "rdfxml"}),
        # XML 1.0 has no U+0001, even escaped: the engine writes it raw
        ('SELECT ("a\\u0001b" AS ?x) {}', {"format": "xml"}),
    ],
)
def test_xml_the_engine_cannot_write_well_formed_is_406(client, query, request_format):
    response = client.get("/sparql", query_string={"query": query, **request_format})
    assert response.status_code == 406, response.data
    assert response.mimetype == "text/plain" and response.data.decode().count("\n") == 1
    other = client.get("/sparql", query_string={"query": query, "format": "json"})
    assert other.status_code == 200  # the same answer in a format that can carry it
