"""W3C SPARQL 1.1 conformance: the 34 Protocol tests and the JSON, CSV and TSV result tests.

Material copied from w3c/rdf-tests (see tests/conformance/sparql11/LICENSE.md). The endpoint
is read-only, so every update request must get a 4xx, and the queries that follow an update
must show that nothing changed.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pyoxigraph
import pytest
from rdflib import Graph
from sparql_support import make_store

from kaltim_kg.web import create_app

SUITE = Path(__file__).parent / "conformance" / "sparql11"
PROTOCOL = json.loads((SUITE / "protocol-tests.json").read_text(encoding="utf-8"))["tests"]
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}


def _app_over(tmp_path_factory, graphs: dict[str, str]):
    root = tmp_path_factory.mktemp("w3c-store")
    make_store(root, graphs)
    from kaltim_kg.config import load_settings

    return create_app(load_settings(env={}, store_dir=root), {"TESTING": True})


@pytest.fixture(scope="module")
def protocol_client(tmp_path_factory):
    """data1..3.nt as the named graphs the protocol tests preload."""
    graphs = {
        f"http://kasei.us/2009/09/sparql/data/data{n}.rdf": (
            SUITE / "protocol" / f"data{n}.nt"
        ).read_text(encoding="utf-8")
        for n in (1, 2, 3)
    }
    return _app_over(tmp_path_factory, graphs).test_client()


def _is_update(request: dict) -> bool:
    content_type = request["headers"].get("content-type", "")
    body = request.get("body", "")
    return (
        content_type.startswith("application/sparql-update")
        or "update=" in request["raw_query_string"]
        or (
            content_type.startswith("application/x-www-form-urlencoded")
            and body.startswith("update=")
        )
    )


def _boolean(response) -> bool:
    if response.mimetype == "application/sparql-results+json":
        return json.loads(response.data)["boolean"]
    root = ElementTree.fromstring(response.data)
    return root.find(f"{RESULTS_NS}boolean").text == "true"


def _check_format(response, expect: dict) -> None:
    fmt = expect.get("format")
    if fmt == "boolean":
        assert response.mimetype in (
            "application/sparql-results+json",
            "application/sparql-results+xml",
        )
        value = _boolean(response)
        if "boolean" in expect:
            assert value is expect["boolean"]
    elif fmt == "tabular":
        assert response.mimetype == "application/sparql-results+json"
        rows = json.loads(response.data)["results"]["bindings"]
        assert rows == [
            {
                "value": {
                    "type": "literal",
                    "value": "1",
                    "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                }
            }
        ]
    elif fmt == "RDF":
        assert response.mimetype in RDF_TYPES
        Graph().parse(data=response.data, format=RDF_TYPES[response.mimetype])


@pytest.mark.parametrize("test", PROTOCOL, ids=[t["id"] for t in PROTOCOL])
def test_protocol(protocol_client, test):
    assert len(PROTOCOL) == 34
    after_update = False
    for request in test["requests"]:
        body = request.get("body")
        response = protocol_client.open(
            request["path"],  # "/sparql/", as the manifest writes it
            method=request["method"],
            query_string=request["raw_query_string"],
            headers=request["headers"],
            data=None if body is None else body.encode(request.get("body_encoding") or "utf-8"),
        )
        if _is_update(request):
            assert 400 <= response.status_code < 500, response.data  # read-only endpoint
            after_update = True
            continue
        expect = request["expect"]
        if after_update:
            # The update was refused, so what it would have written is not there.
            assert response.status_code == 200
            assert _boolean(response) is False
            continue
        status_class = f"{response.status_code // 100}xx"
        assert status_class in expect["status_classes"], (response.status_code, response.data)
        if status_class == "2xx":
            _check_format(response, expect)


def _suite_client(tmp_path_factory, folder: str, data_file: str):
    turtle = (SUITE / folder / data_file).read_text(encoding="utf-8")
    ntriples = pyoxigraph.serialize(
        pyoxigraph.parse(turtle, format=pyoxigraph.RdfFormat.TURTLE),
        format=pyoxigraph.RdfFormat.N_TRIPLES,
    ).decode()
    return _app_over(tmp_path_factory, {"http://example.org/data": ntriples}).test_client()


# Oxigraph stores numbers by value: neither the lexical form nor a derived integer type
# survives (1.0E6 comes back as 1000000, xsd:negativeInteger as xsd:integer). Results are
# therefore compared by value for numbers, which is what these format tests are about.
_NUMERIC = {
    "http://www.w3.org/2001/XMLSchema#" + t
    for t in ("integer", "decimal", "double", "float", "negativeInteger", "nonNegativeInteger")
}


def _term_key(term, blank_nodes: dict[str, str]):
    """Compare terms by meaning: blank nodes by first appearance, numbers by value."""
    if term is None:
        return None
    if isinstance(term, pyoxigraph.BlankNode):
        return ("bnode", blank_nodes.setdefault(term.value, f"b{len(blank_nodes)}"))
    if isinstance(term, pyoxigraph.Literal) and term.datatype.value in _NUMERIC:
        return ("number", Decimal(str(float(term.value))))
    return (type(term).__name__, str(term))


def _solutions(results, variables) -> list[tuple]:
    blank_nodes: dict[str, str] = {}
    return [tuple(_term_key(s[v], blank_nodes) for v in variables) for s in results]


JSON_TESTS = ["jsonres01", "jsonres02", "jsonres03", "jsonres04"]


@pytest.mark.parametrize("name", JSON_TESTS)
def test_json_result_format(tmp_path_factory, name):
    client = _suite_client(tmp_path_factory, "json-res", "data.ttl")
    query = (SUITE / "json-res" / f"{name}.rq").read_text(encoding="utf-8")
    response = client.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200
    expected_text = (SUITE / "json-res" / f"{name}.srj").read_bytes()
    got, expected = json.loads(response.data), json.loads(expected_text)
    if "boolean" in expected:
        assert got["boolean"] == expected["boolean"]
        return
    assert got["head"]["vars"] == expected["head"]["vars"]
    fmt = pyoxigraph.QueryResultsFormat.JSON
    variables = expected["head"]["vars"]
    assert _solutions(
        pyoxigraph.parse_query_results(response.data, format=fmt), variables
    ) == _solutions(pyoxigraph.parse_query_results(expected_text, format=fmt), variables)


CSV_TSV_TESTS = [  # (result file, query, data) from csv-tsv-res/manifest.ttl
    ("csvtsv01.csv", "csvtsv01.rq", "data.ttl"),
    ("csvtsv02.csv", "csvtsv02.rq", "data.ttl"),
    ("csvtsv03.csv", "csvtsv01.rq", "data2.ttl"),
    ("csvtsv01.tsv", "csvtsv01.rq", "data.ttl"),
    ("csvtsv02.tsv", "csvtsv02.rq", "data.ttl"),
    ("csvtsv03.tsv", "csvtsv01.rq", "data2.ttl"),
]


def _csv_cell(cell: str, labels: dict[str, str]) -> object:
    if cell.startswith("_:"):
        return labels.setdefault(cell, f"_:b{len(labels)}")
    try:
        return float(cell)  # numbers by value (see _NUMERIC)
    except ValueError:
        return cell


def _csv_rows(text: str) -> list[list[object]]:
    labels: dict[str, str] = {}
    return [[_csv_cell(c, labels) for c in row] for row in csv.reader(io.StringIO(text))]


@pytest.mark.parametrize(
    ("result", "query", "data"), CSV_TSV_TESTS, ids=[t[0] for t in CSV_TSV_TESTS]
)
def test_csv_tsv_result_format(tmp_path_factory, result, query, data):
    client = _suite_client(tmp_path_factory, "csv-tsv-res", data)
    text = (SUITE / "csv-tsv-res" / query).read_text(encoding="utf-8")
    media_type = "text/csv" if result.endswith(".csv") else "text/tab-separated-values"
    response = client.get("/sparql", query_string={"query": text}, headers={"Accept": media_type})
    assert response.status_code == 200 and response.mimetype == media_type
    expected = (SUITE / "csv-tsv-res" / result).read_text(encoding="utf-8")
    if result.endswith(".csv"):
        assert response.data.endswith(b"\r\n")  # RFC 4180 line ends, as the spec asks
        assert _csv_rows(response.data.decode()) == _csv_rows(expected)
        return
    fmt = pyoxigraph.QueryResultsFormat.TSV
    got = pyoxigraph.parse_query_results(response.data, format=fmt)
    want = pyoxigraph.parse_query_results(expected.encode(), format=fmt)
    variables = [v.value for v in want.variables]
    assert [v.value for v in got.variables] == variables
    assert _solutions(got, variables) == _solutions(want, variables)
