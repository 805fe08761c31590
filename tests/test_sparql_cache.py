"""The result cache behind /sparql: hits are byte-identical, every key part and generation counts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sparql_support import make_store, numbered_triples

from kaltim_kg.store.publish import build, load
from kaltim_kg.web import create_app

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def ask(client, query: str = COUNT, accept: str = JSON, **params: str):
    return client.get(
        "/sparql", query_string={"query": query, **params}, headers={"Accept": accept}
    )


def count_of(response) -> int:
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


def cache_timing(response) -> str:
    """The cache entry of Server-Timing, e.g. `cache;desc="hit"`."""
    entries = [e.strip() for e in response.headers["Server-Timing"].split(",")]
    return next(e for e in entries if e.startswith("cache;"))


def test_a_repeated_query_is_a_hit_with_the_same_body(client):
    first, second = ask(client), ask(client)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert second.data == first.data
    assert second.content_type == first.content_type
    assert count_of(second) == count_of(first) > 0
    assert cache_timing(second) == 'cache;desc="hit"'
    assert "query;" not in second.headers["Server-Timing"]  # no worker was asked
    assert "X-Cache" in second.headers["Access-Control-Expose-Headers"]


def test_another_format_dataset_or_query_is_a_miss(client, built):
    ask(client)
    assert ask(client, accept=XML).headers["X-Cache"] == "miss"
    assert ask(client, accept=XML).headers["X-Cache"] == "hit"
    graph = next(iter(built.generation.manifest["graphs"]))
    assert ask(client, **{"default-graph-uri": graph}).headers["X-Cache"] == "miss"
    assert ask(client, **{"named-graph-uri": graph}).headers["X-Cache"] == "miss"
    assert ask(client, COUNT + " ").headers["X-Cache"] == "miss"


def test_a_truncated_result_keeps_its_header_on_a_hit(settings):
    app = create_app(settings.with_overrides(max_result_rows=2), {"TESTING": True})
    client = app.test_client()
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10"
    first, second = ask(client, query), ask(client, query)
    assert second.headers["X-Cache"] == "hit"
    assert second.headers["X-SPARQL-MaxRows"] == first.headers["X-SPARQL-MaxRows"] == "2"
    assert len(second.get_json()["results"]["bindings"]) == 2


def test_a_new_generation_invalidates_the_cache(fresh_store, tmp_path: Path):
    build(fresh_store)
    client = create_app(fresh_store, {"TESTING": True}).test_client()
    before = ask(client)
    assert ask(client).headers["X-Cache"] == "hit"
    extra = tmp_path / "extra.nt"
    extra.write_text(numbered_triples(5, "extra"))
    load(fresh_store, [extra], validate=False)
    after = ask(client)
    assert after.headers["X-Cache"] == "miss"
    assert count_of(after) == count_of(before) + 5
    assert ask(client).headers["X-Cache"] == "hit"
    build(fresh_store)  # a rebuild keeps loaded graphs, but is a new generation all the same
    rebuilt = ask(client)
    assert rebuilt.headers["X-Cache"] == "miss"
    assert count_of(rebuilt) == count_of(after)


def test_cache_off_always_misses(settings):
    client = create_app(settings.with_overrides(cache_entries=0), {"TESTING": True}).test_client()
    for _ in range(3):
        response = ask(client)
        assert response.status_code == 200
        assert response.headers["X-Cache"] == "miss"
        assert cache_timing(response) == 'cache;desc="miss"'


@pytest.mark.parametrize("query", ["SELECT ?x WHERE { ?x ?y }", "SELECT (1/0 AS ?x) WHERE {"])
def test_bad_queries_are_never_cached(client, query):
    for _ in range(2):
        assert ask(client, query).status_code == 400
    assert client.application.extensions["kaltim_kg_result_cache"].stats().entries == 0


def test_timeouts_are_never_cached(fresh_store):
    make_store(fresh_store.store_dir, {"http://example.org/g": numbered_triples(3000)})
    settings = fresh_store.with_overrides(query_timeout=0.5, query_workers=1)
    app = create_app(settings, {"TESTING": True})
    client = app.test_client()
    for _ in range(2):
        response = ask(client, RUNAWAY)
        assert response.status_code == 503
        assert cache_timing(response) == 'cache;desc="miss"'
    assert app.extensions["kaltim_kg_result_cache"].stats().entries == 0
    # The replaced worker answers, once started: on a busy machine starting a Python process
    # takes longer than this test's 0.5 s timeout, so a 503 meanwhile is the pool telling so.
    deadline = time.monotonic() + 60  # a saturated machine took 23-39 s
    while (response := ask(client, "ASK {}")).status_code != 200:
        assert response.status_code == 503, response.data
        assert time.monotonic() < deadline, "no worker answers after the runaway's"
        time.sleep(0.2)
