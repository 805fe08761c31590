"""Safety of /sparql, each rule with a test: no outbound connection, killable queries, no 5xx."""

from __future__ import annotations

import json
import os
import random
import re
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from engine_servers import ENGINE_KINDS, settings_on_engine
from sparql_support import make_store, numbered_triples

from kaltim_kg.web import create_app


@pytest.fixture(scope="module", params=ENGINE_KINDS)
def settings(request, built):
    """Every test here runs embedded and against each remote engine (tests/engine_servers.py)."""
    return settings_on_engine(request, built)


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection attempt."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def test_nothing_reaches_out(client, listener):
    here = f"http://127.0.0.1:{listener.port}"
    attempts = [
        ("GET", {"query": f"SELECT * WHERE {{ SERVICE <{here}/sparql> {{ ?s ?p ?o }} }}"}, 400),
        ("GET", {"query": f"select * {{ service silent <{here}/sparql> {{ ?s ?p ?o }} }}"}, 400),
        ("GET", {"query": f"SELECT * FROM <{here}/data.ttl> WHERE {{ ?s ?p ?o }}"}, 200),
        (
            "GET",
            {"query": f"SELECT * FROM NAMED <{here}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
            200,
        ),
        ("GET", {"query": "SELECT * { ?s ?p ?o }", "default-graph-uri": f"{here}/g"}, 200),
        (
            "GET",
            {"query": "SELECT * { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": f"{here}/g"},
            200,
        ),
        ("GET", {"query": f"LOAD <{here}/data.ttl>"}, 403),
        ("POST", {"update": f"LOAD <{here}/data.ttl>"}, 403),
        ("GET", {"query": f"DESCRIBE <{here}/thing>"}, 200),
    ]
    for method, params, status in attempts:
        if method == "GET":
            response = client.get("/sparql", query_string=params)
        else:
            response = client.post("/sparql", data=params)
        assert response.status_code == status, (params, response.data)
        if status == 200 and response.mimetype.endswith("json"):
            assert json.loads(response.data)["results"]["bindings"] == []
    direct = client.post(
        "/sparql", data=f"LOAD <{here}/x>".encode(), content_type="application/sparql-update"
    )
    assert direct.status_code == 403
    time.sleep(0.5)  # give any stray connection time to arrive
    assert listener.connections == 0


def test_updates_change_nothing(client):
    count = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    before = client.get("/sparql", query_string={"query": count}).get_json()
    for update in (
        "CLEAR ALL",
        "DROP ALL",
        "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }",
    ):
        assert client.post("/sparql", data={"update": update}).status_code == 403
        assert client.get("/sparql", query_string={"query": update}).status_code == 403
    after = client.get("/sparql", query_string={"query": count}).get_json()
    assert before == after


@pytest.fixture()
def big_app(fresh_store):
    """An app over a store with a few thousand triples, a 2 s timeout and two workers."""
    make_store(fresh_store.store_dir, {"http://example.org/g": numbered_triples(3000)})
    settings = fresh_store.with_overrides(query_timeout=2.0, query_workers=2)
    return create_app(settings, {"TESTING": True})


def test_runaway_query_is_killed_while_others_keep_answering(big_app):
    client = big_app.test_client()
    deadline = time.monotonic() + 60  # warm up: the workers start (slowly on a busy machine)
    while client.get("/sparql", query_string={"query": "ASK {}"}).status_code != 200:
        assert time.monotonic() < deadline, "the query workers never answered"
    outcome: dict[str, object] = {}

    def run_away() -> None:
        started = time.monotonic()
        response = big_app.test_client().get("/sparql", query_string={"query": RUNAWAY})
        outcome.update(
            status=response.status_code,
            body=response.data.decode(),
            seconds=time.monotonic() - started,
        )

    thread = threading.Thread(target=run_away)
    thread.start()
    time.sleep(0.3)  # the runaway now occupies one worker
    other = big_app.test_client()  # another client: one may have only one query at a time
    other.environ_base["REMOTE_ADDR"] = "127.0.0.2"
    cheap = other.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    assert cheap.status_code == 200
    assert cheap.get_json()["results"]["bindings"][0]["n"]["value"] == "3000"
    assert thread.is_alive()  # the cheap query answered while the runaway was still running
    thread.join(timeout=30)
    assert outcome["status"] == 503
    assert "timeout" in str(outcome["body"])
    assert str(outcome["body"]).count("\n") == 1
    # The killed worker was replaced: both workers answer again (once the new one has
    # started, which takes longer than the 2 s timeout on a busy machine).
    deadline = time.monotonic() + 60
    answered = 0
    while answered < 4:
        status = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code
        answered = answered + 1 if status == 200 else 0
        assert time.monotonic() < deadline, "the replaced worker never answered"


SEEDS = [
    "SELECT ?flow ?country WHERE { ?flow a kkg:ExportFlow ; kkg:destination ?country } LIMIT 20",
    'SELECT ?c (STR(?l) AS ?label) WHERE { ?c a kkg:Country ; rdfs:label ?l FILTER(LANG(?l) = "id") } ORDER BY ?label',
    "ASK { ?c kkg:hsCode ?code FILTER(STRLEN(?code) >= 2) }",
    "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a kkg:Commodity ; rdfs:label ?l }",
    "DESCRIBE <https://w3id.org/kaltim-kg/id/country/JP>",
    "PREFIX ex: <http://example.org/> SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f kkg:commodity ?c . OPTIONAL { ?c kkg:hsCode ?h } } GROUP BY ?c HAVING (COUNT(?f) > 0)",
    "SELECT * WHERE { GRAPH ?g { ?s owl:sameAs ?wd } VALUES ?x { 1 2 3 } BIND(CONCAT(\"a\", 'b') AS ?y) } LIMIT 5",
    "SELECT ?s WHERE { ?s (rdfs:label|skos:prefLabel)+ ?o . MINUS { ?s a kkg:Country } } LIMIT 10",
]
TOKENS = [
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ".",
    ";",
    ",",
    "?x",
    "$y",
    "<",
    ">",
    "<urn:x>",
    '"',
    "'",
    '"""',
    "'''",
    "#",
    "\n",
    "\\",
    "SERVICE",
    "INSERT",
    "DELETE",
    "LOAD",
    "FROM",
    "GRAPH",
    "SELECT",
    "UNION",
    "OPTIONAL",
    "FILTER",
    "BIND",
    "LIMIT 1",
    "*",
    "+",
    "/",
    "|",
    "^",
    "!",
    "a",
    "kkg:",
    "_:b",
    "1e9",
    "-0.5",
    "\u0000",
    "é",
    "\U0001f600",
    "@en",
    "^^xsd:integer",
    "PREFIX p: <urn:p#>",
]


def _mutate(query: str, rng: random.Random) -> str:
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        i = rng.randrange(len(query) + 1)
        j = min(len(query), i + rng.randint(1, 12))
        choice = rng.choice((0, 1, 1, 2, 3, 3, 4, 5, 5, 5))
        if choice == 5:  # rename a variable: usually still valid, changes joins and results
            names = re.findall(r"[?$]\w+", query)
            if names:
                query = query.replace(rng.choice(names), rng.choice(["?x", "?s", "?c", "?o"]))
        elif choice == 0:
            query = query[:i] + query[j:]  # delete a span
        elif choice == 1:
            query = query[:i] + rng.choice(TOKENS) + query[i:]  # insert a token
        elif choice == 2:
            query = query[:i] + query[i:j] * 2 + query[j:]  # duplicate a span
        elif choice == 3:
            query = query[:i] + chr(rng.randrange(0x20, 0x2FF)) + query[i + 1 :]  # replace a char
        else:
            query = query[:i]  # truncate
    return query


def test_fuzzed_queries_never_get_a_server_error(app, settings):
    # Rows capped so a mutation that drops a join condition stays cheap to serialise.
    app.config["KALTIM_KG_SETTINGS"] = settings.with_overrides(max_result_rows=50)
    client = app.test_client()
    rng = random.Random(20201231)
    statuses: dict[int, int] = {}
    for n in range(600):
        query = _mutate(rng.choice(SEEDS), rng)
        accept = rng.choice(
            [None, None, "*/*", "text/csv", "application/sparql-results+xml", "text/turtle"]
        )
        headers = {"Accept": accept} if accept else {}
        if n % 2:
            response = client.get("/sparql", query_string={"query": query}, headers=headers)
        else:
            response = client.post(
                "/sparql",
                data=query.encode(),
                content_type="application/sparql-query",
                headers=headers,
            )
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code < 500, (query, response.data)
        assert b"Traceback" not in response.data
    assert statuses.get(200, 0) > 100 and statuses.get(400, 0) > 100, statuses  # both paths ran


def _can_unshare_network() -> bool:
    import ctypes
    import os

    pid = os.fork()
    if pid == 0:  # try in a child: unsharing is irreversible
        libc = ctypes.CDLL(None, use_errno=True)
        ok = libc.unshare(0x40000000) == 0 or libc.unshare(0x10000000 | 0x40000000) == 0
        os._exit(0 if ok else 1)
    return os.waitpid(pid, 0)[1] == 0


def test_workers_have_no_network_even_if_the_lexer_missed_service(settings, listener):
    """Second wall: a SERVICE query handed straight to a worker still cannot connect."""
    if not _can_unshare_network():
        if os.environ.get("CI") == "true":
            pytest.fail("network namespaces unavailable on CI")
        pytest.skip("this machine does not allow network namespaces")
    from kaltim_kg.errors import QueryRejected, QueryUnavailable
    from kaltim_kg.query.pool import pool_for
    from kaltim_kg.query.worker import Job

    pool = pool_for(settings)
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises((QueryRejected, QueryUnavailable)):  # "Network is unreachable"
        pool.run(Job(query, "json", 10), timeout=10)
    time.sleep(0.3)
    assert listener.connections == 0


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (" + "+".join(["1"] * 9000) + " AS ?x) {}",
        "SELECT * { " + " UNION ".join(["{}"] * 9000) + " }",
        "SELECT * { " + "{" * 5000 + "}" * 5000 + " }",
    ],
    ids=["long-sum", "long-union", "deep-braces"],
)
def test_queries_that_would_overflow_the_engine_stack_get_no_5xx(client, query):
    # A default 8 MB stack segfaults on these (checked with pyoxigraph 0.5): workers run
    # queries on a deep stack, and absurd bracket nesting is refused before it gets there.
    response = client.post("/sparql", data=query.encode(), content_type="application/sparql-query")
    assert response.status_code in (200, 400), response.data


def test_a_memory_hungry_query_is_stopped_at_its_budget(fresh_store):
    """Sorting a 9-million-row cross join would take gigabytes; the worker gets 100 MB."""
    make_store(fresh_store.store_dir, {"http://example.org/g": numbered_triples(3000)})
    settings = fresh_store.with_overrides(query_timeout=60.0, query_memory_mb=100)
    client = create_app(settings, {"TESTING": True}).test_client()
    hungry = "SELECT ?a ?b { ?a ?p ?o . ?b ?q ?r } ORDER BY ?o ?r LIMIT 1"
    response = client.get("/sparql", query_string={"query": hungry})
    assert response.status_code == 503
    assert "memory" in response.data.decode()
    assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200
