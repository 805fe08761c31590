"""A bound on response bytes, signalled like the row cap (issue 18 F5)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import Graph

from kaltim_kg.web import create_app

BOUND = 3000
SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


@pytest.fixture()
def bounded(settings):
    app = create_app(settings.with_overrides(max_result_bytes=BOUND), {"TESTING": True})
    return app.test_client()


def _query(client, text: str, accept: str):
    return client.get("/sparql", query_string={"query": text}, headers={"Accept": accept})


@pytest.mark.parametrize(
    "accept", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"]
)
def test_a_long_select_is_cut_to_whole_rows_within_the_bound(bounded, client, accept):
    whole = _query(client, SELECT, accept)
    assert len(whole.get_data()) > BOUND and "X-SPARQL-MaxBytes" not in whole.headers
    cut = _query(bounded, SELECT, accept)
    assert cut.status_code == 200
    assert cut.headers["X-SPARQL-MaxBytes"] == str(BOUND)
    body = cut.get_data()
    assert 0 < len(body) <= BOUND
    if accept.endswith("json"):
        rows = json.loads(body)["results"]["bindings"]
        everything = json.loads(whole.get_data())["results"]["bindings"]
        assert rows and rows == everything[: len(rows)]  # the first rows, in order
    elif accept.endswith("xml"):
        assert body.count(b"<result>") == body.count(b"</result>") > 0
    else:
        rows = list(csv.reader(io.StringIO(body.decode())))
        assert rows[0] == ["s", "p", "o"] and len(rows) > 1


def test_a_long_graph_is_cut_to_whole_triples_within_the_bound(bounded):
    cut = _query(bounded, CONSTRUCT, "text/turtle")
    assert cut.status_code == 200
    assert cut.headers["X-SPARQL-MaxBytes"] == str(BOUND)
    assert 0 < len(cut.get_data()) <= BOUND
    assert len(Graph().parse(data=cut.get_data(as_text=True), format="turtle")) > 0


def test_a_short_result_is_untouched(bounded):
    response = _query(bounded, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2", "application/json")
    assert response.status_code == 200 and "X-SPARQL-MaxBytes" not in response.headers
    assert len(json.loads(response.get_data())["results"]["bindings"]) == 2
