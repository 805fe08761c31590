"""Graph results (CONSTRUCT/DESCRIBE) in the query worker: cut at the row cap, and only then."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import Graph

from kaltim_kg.query.worker import Job, run_job

EX = "http://example.org/"


@pytest.fixture(scope="module")
def three_triples() -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    for n in range(3):
        store.add(
            pyoxigraph.Quad(
                pyoxigraph.NamedNode(f"{EX}s{n}"),
                pyoxigraph.NamedNode(f"{EX}p"),
                pyoxigraph.Literal(str(n)),
            )
        )
    return store


@pytest.mark.parametrize("format_name", ["ntriples", "turtle"])
@pytest.mark.parametrize(("max_rows", "kept", "truncated"), [(2, 2, True), (3, 3, False)])
def test_graph_result_is_cut_only_past_the_cap(
    three_triples, format_name, max_rows, kept, truncated
):
    reply = run_job(
        three_triples,
        Job("CONSTRUCT WHERE { ?s ?p ?o }", format_name, max_rows),
    )
    assert reply.error is None
    graph = Graph().parse(data=reply.body, format="nt" if format_name == "ntriples" else "turtle")
    assert (len(graph), reply.truncated) == (kept, truncated)
