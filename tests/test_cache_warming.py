"""Warming the result cache when a generation goes live (kaltim_kg/query/warm.py): the
published examples and the previous generation's most frequent queries are answered from
the cache on their first request after a publish; bounded; switched off by a setting."""

from __future__ import annotations

import http.client
import json
import os
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from engine_servers import RETIRE_AFTER
from sparql_support import make_store, numbered_triples

from kaltim_kg.config import load_settings
from kaltim_kg.errors import QueryTimeout, QueryUnavailable
from kaltim_kg.query.cache import ResultCache
from kaltim_kg.query.examples import EXAMPLES
from kaltim_kg.query.pool import Answer
from kaltim_kg.query.warm import Asked, QueryCounts, Warmer, configured_endpoint, example_shapes
from kaltim_kg.query.worker import Job
from kaltim_kg.web import create_app, sparql

JSON = "application/sparql-results+json"
YASGUI_ACCEPT = "application/sparql-results+json,*/*;q=0.9"  # what the query page sends
G = "http://example.org/graph/"
POPULAR = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RARE = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3"


def asked(query: str, fmt: str = "json") -> Asked:
    return Asked(Job(query, fmt, 100, base_iri="http://h/sparql"), JSON)


def test_counts_rank_shapes_per_generation_within_bounds():
    counts = QueryCounts(max_shapes=4)
    for i, times in enumerate([5, 1, 3, 1]):
        for _ in range(times):
            counts.count("g1", asked(f"ASK {{ <urn:{i}> ?p ?o }}"))
    assert counts.most_frequent("g1", 2) == [
        asked("ASK { <urn:0> ?p ?o }"),
        asked("ASK { <urn:2> ?p ?o }"),
    ]
    counts.count("g1", asked("ASK { <urn:new> ?p ?o }"))  # full: the rarest half makes room
    ranked = counts.most_frequent("g1", 10)
    assert len(ranked) == 3 and ranked[:2] == counts.most_frequent("g1", 2)
    assert asked("ASK { <urn:new> ?p ?o }") in ranked
    counts.count("g2", asked("ASK {}"))
    assert counts.most_frequent("g1", 1) == [asked("ASK { <urn:0> ?p ?o }")]  # kept: previous
    counts.count("g3", asked("ASK {}"))
    assert counts.most_frequent("g1", 1) == []  # two generations back: forgotten
    assert counts.endpoints() == ["http://h/sparql"]
    counts.count("g3", Asked(Job("x" * 20_000, "json", 1), JSON))  # too long to count
    assert counts.most_frequent("g3", 5) == [asked("ASK {}")]


def ask(client, query: str, accept: str = JSON):
    return client.post("/sparql", data={"query": query}, headers={"Accept": accept})


def count_of(response) -> int:
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


def warmed_metrics(client) -> tuple[float, float]:
    """(results warmed, warming runs that ended done) from /metrics."""
    text = client.get("/metrics").get_data(as_text=True)
    warmed = re.search(r"^kaltim_kg_result_cache_warmed_total (\S+)$", text, re.M)
    runs = re.search(r'^kaltim_kg_result_cache_warm_runs_total\{ended="done"\} (\S+)$', text, re.M)
    return (float(warmed.group(1)) if warmed else 0.0, float(runs.group(1)) if runs else 0.0)


def test_the_examples_are_answered_from_the_cache_on_the_first_visit(settings):
    app = create_app(settings, {"TESTING": True})
    warmer = sparql.warmer(app)
    assert warmer is not None
    client = app.test_client()
    ask(client, "ASK {}")  # a request names the endpoint URL the examples are warmed under
    before = warmed_metrics(client)
    warmer.check()  # what the watcher thread of `serve` does every second
    run = warmer.wait(60)
    assert run is not None and run.generation == (settings.store_dir / "current").resolve().name
    assert run.warmed == run.planned == len(EXAMPLES) and run.stopped == ""
    after = warmed_metrics(client)  # and /metrics counts it
    assert (after[0] - before[0], after[1] - before[1]) == (len(EXAMPLES), 1)
    cold = create_app(settings.with_overrides(cache_entries=0), {"TESTING": True}).test_client()
    for example in EXAMPLES:
        response = ask(client, example.query, YASGUI_ACCEPT)
        assert response.status_code == 200
        assert response.headers["X-Cache"] == "hit", example.title
        # The answer a cold run gives: its columns and its rows (SAMPLE and ties in ORDER BY
        # may pick differently from one run to the next, so the rows are not compared).
        warm, fresh = response.get_json(), ask(cold, example.query, YASGUI_ACCEPT).get_json()
        assert warm["head"] == fresh["head"]
        assert len(warm["results"]["bindings"]) == len(fresh["results"]["bindings"]) > 0


def publish(root: Path, triples: int):
    return make_store(root, {G + "a": numbered_triples(triples)})


def test_the_previous_generations_most_frequent_queries_are_warm_after_a_publish(tmp_path):
    store = publish(tmp_path / "s", 40)
    settings = load_settings(env={}, store_dir=store.root, warm_queries=1)
    app = create_app(settings, {"TESTING": True})
    client = app.test_client()
    warmer = sparql.warmer(app)
    assert warmer is not None
    warmer.watch(interval=0.1)  # as `serve` does, but quicker
    first = store.generation_id()
    for _ in range(3):
        assert count_of(ask(client, POPULAR)) == 40
    ask(client, RARE)
    publish(tmp_path / "s", 75)
    second = store.generation_id()
    assert second != first
    deadline = time.monotonic() + 60
    while not (warmer.runs and warmer.runs[-1].generation == second):
        assert time.monotonic() < deadline, "the watcher never warmed the new generation"
        time.sleep(0.05)
    run = warmer.wait(60)
    assert run is not None and run.planned == len(EXAMPLES) + 1  # warm_queries=1: POPULAR only
    popular = ask(client, POPULAR)
    assert popular.headers["X-Cache"] == "hit"
    assert count_of(popular) == 75  # the new generation's answer, not the old one's
    assert ask(client, RARE).headers["X-Cache"] == "miss"  # beyond warm_queries


def test_warming_is_switched_off_by_its_setting(tmp_path):
    store = publish(tmp_path / "s", 40)
    settings = load_settings(env={"KALTIM_KG_WARM_QUERIES": "0"}, store_dir=store.root)
    app = create_app(settings, {"TESTING": True})
    assert sparql.warmer(app) is None
    # Nor is there anything to warm without a cache.
    no_cache = settings.with_overrides(warm_queries=32, cache_entries=0)
    assert sparql.warmer(create_app(no_cache, {"TESTING": True})) is None


def test_warming_stops_at_its_time_bound(tmp_path):
    store = publish(tmp_path / "s", 40)
    settings = load_settings(env={}, store_dir=store.root, warm_seconds=0.01)
    app = create_app(settings, {"TESTING": True})
    warmer = sparql.warmer(app)
    assert warmer is not None
    warmer.check()
    run = warmer.wait(60)
    assert run is not None and run.stopped == "time" and run.warmed < run.planned
    stats = app.extensions["kaltim_kg_result_cache"].stats()
    assert stats.entries == run.warmed and (stats.hits, stats.misses) == (0, 0)


def test_a_push_to_an_engine_is_warmed_too(engine_server, tmp_path):
    from kaltim_kg.store.push import push_current

    store = publish(tmp_path / "s", 40)
    settings = load_settings(env={}, store_dir=store.root, warm_queries=4)
    push_current(
        settings, [engine_server.url], env=engine_server.credentials, retire_after=RETIRE_AFTER
    )
    time.sleep(1.2)  # this process's runner may hold an earlier test's publication record
    app = create_app(settings.with_overrides(engines=(engine_server.url,)), {"TESTING": True})
    client = app.test_client()
    warmer = sparql.warmer(app)
    assert warmer is not None
    warmer.check()
    warmer.wait(60)
    assert count_of(ask(client, POPULAR)) == 40
    publish(tmp_path / "s", 75)
    push_current(
        settings, [engine_server.url], env=engine_server.credentials, retire_after=RETIRE_AFTER
    )
    time.sleep(1.2)  # the front end rereads the publication record at most once a second
    warmer.check()
    run = warmer.wait(60)
    assert run is not None and run.generation == store.generation_id() and run.stopped == ""
    popular = ask(client, POPULAR)
    assert popular.headers["X-Cache"] == "hit" and count_of(popular) == 75


class FakeRunner:
    """A query runner that answers after `release` is set, or fails as told."""

    def __init__(self, generation: str = "20260101T000000Z-a", fail=None) -> None:
        self.generation = generation
        self.fail = fail
        self.release = threading.Event()
        self.asked: list[str] = []

    def generation_id(self) -> str:
        return self.generation

    def run(self, job: Job, timeout: float) -> Answer:
        self.asked.append(job.query)
        if self.fail is not None:
            raise self.fail
        self.release.wait(timeout)
        return Answer(b'{"answer": 1}', False, self.generation, 0.0)


def fake_warmer(runner: FakeRunner, **overrides) -> tuple[Warmer, ResultCache]:
    cache = ResultCache(64, 1_000_000)
    settings = load_settings(env={}, **overrides)
    return Warmer(settings, cache, lambda: runner, QueryCounts()), cache


def test_a_request_for_the_query_being_warmed_waits_for_it_instead_of_running_it_again():
    runner = FakeRunner()
    warmer, cache = fake_warmer(runner)
    warmer.check()
    deadline = time.monotonic() + 10
    while not runner.asked:  # the first example is being answered now
        assert time.monotonic() < deadline
        time.sleep(0.01)
    first = example_shapes(warmer.settings, [configured_endpoint(warmer.settings)])[0]
    key = first.key(runner.generation)
    other = asked("ASK {}").key(runner.generation)
    assert warmer.join(other, 0.01) is False  # not being warmed: the request runs it itself
    joined: list[bool] = []
    waiter = threading.Thread(target=lambda: joined.append(warmer.join(key, 10)))
    waiter.start()
    time.sleep(0.1)
    assert waiter.is_alive()  # waiting for the warmer's answer ...
    runner.release.set()
    waiter.join(10)
    assert joined == [True] and cache.peek(key) is not None  # ... which is stored for it
    run = warmer.wait(10)
    assert run is not None and run.warmed == len(EXAMPLES)
    assert runner.asked.count(first.job.query) == 1


def test_a_run_gives_up_when_nothing_can_answer():
    runner = FakeRunner(fail=QueryUnavailable("no engine can be reached"))
    warmer, cache = fake_warmer(runner)
    warmer.check()
    run = warmer.wait(10)
    assert run is not None and run.stopped == "engine" and run.warmed == 0
    assert len(runner.asked) == 3  # three in a row, then no more
    assert cache.stats().entries == 0


def test_a_query_that_fails_or_times_out_is_skipped_not_stored():
    runner = FakeRunner(fail=QueryTimeout("query stopped after the 30 s timeout"))
    warmer, cache = fake_warmer(runner)
    warmer.check()
    run = warmer.wait(10)
    assert run is not None and run.stopped == "" and run.warmed == 0
    assert len(runner.asked) == len(EXAMPLES) and cache.stats().entries == 0


def test_warming_gives_way_to_requests_running_queries():
    runner = FakeRunner()
    runner.release.set()
    warmer, cache = fake_warmer(runner)
    with warmer.visiting():
        warmer.check()
        time.sleep(0.3)
        assert runner.asked == []  # a visitor's query runs: warming waits
    run = warmer.wait(10)
    assert run is not None and run.warmed == len(EXAMPLES) == cache.stats().entries


def _http(port: int, method: str, path: str, body: str | None = None, accept: str = JSON):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"Accept": accept}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("X-Cache"), response.read()
    finally:
        conn.close()


def test_serve_warms_every_server_process_at_start(settings):
    """The real server: each of its processes warms its own cache when it starts serving a
    generation, so a visitor's first example is a hit whichever process answers."""
    from live_server import running_server

    with running_server(settings.store_dir, "--workers", "2") as (_, port):
        deadline = time.monotonic() + 120
        while True:  # /metrics sums the processes: both runs must have ended
            _, _, text = _http(port, "GET", "/metrics")
            done = re.search(
                rb'^kaltim_kg_result_cache_warm_runs_total\{ended="done"\} (\S+)$', text, re.M
            )
            if done and float(done.group(1)) >= 2:
                break
            assert time.monotonic() < deadline, "the server processes never finished warming"
            time.sleep(0.5)
        for example in EXAMPLES:
            status, cache, body = _http(
                port, "POST", "/sparql", urlencode({"query": example.query}), YASGUI_ACCEPT
            )
            assert status == 200 and cache == "hit", (example.title, status, cache)
            assert json.loads(body)["results"]["bindings"], example.title


def test_server_processes_rank_shapes_by_what_all_of_them_were_asked(tmp_path):
    """Granian spreads requests over the processes: each warms what all of them were asked."""
    other, mine = QueryCounts(shared=tmp_path), QueryCounts(shared=tmp_path)
    seen_elsewhere = Asked(
        Job("SELECT * { ?s ?p ?o }", "json", 9, default_graphs=("urn:g",), star_order=("s",)),
        JSON,
    )
    for _ in range(3):
        other.count("g1", seen_elsewhere)
    other.share()
    # What the other process wrote, under its own process id.
    (tmp_path / f"counts-{os.getpid()}.json").rename(tmp_path / "counts-1.json")
    for _ in range(2):
        mine.count("g1", asked("ASK {}"))
    mine.count("g1", seen_elsewhere)
    assert mine.most_frequent("g1", 2) == [seen_elsewhere, asked("ASK {}")]  # 4 asks, then 2
    assert mine.most_frequent("g2", 2) == []
    (tmp_path / "counts-2.json").write_text("{not json")  # one being written: ignored
    assert mine.most_frequent("g1", 1) == [seen_elsewhere]
    mine.share()
    assert json.loads((tmp_path / f"counts-{os.getpid()}.json").read_text())["g1"]
    assert not list(tmp_path.glob("*.part"))
