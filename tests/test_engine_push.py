"""`kaltim-kg push --engine URL`: a generation's graphs on a real Virtuoso and Oxigraph server,
switched live at once, counts checked, a failed push changing nothing a reader sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from engine_servers import EngineServer
from sparql_support import make_store, numbered_triples

from kaltim_kg.config import load_settings
from kaltim_kg.engines.address import parse_engine_url
from kaltim_kg.engines.protocol import PUBLICATION_GRAPH, UNION_GRAPH, EngineClient
from kaltim_kg.engines.publication import STAGING_PREFIX, push
from kaltim_kg.errors import EngineError
from kaltim_kg.query.remote import RemoteEngines
from kaltim_kg.query.worker import Job
from kaltim_kg.store.push import push_current

ROOT = Path(__file__).resolve().parents[1]
G = "http://example.org/graph/"
FIRST = {G + "a": numbered_triples(1500, "a"), G + "b": numbered_triples(700, "b")}
SECOND = {G + "b": numbered_triples(900, "b2"), G + "c": numbered_triples(1200, "c")}
EVERY_GRAPH = sorted({*FIRST, *SECOND})


def engine_select(server: EngineServer, query: str) -> list[dict]:
    """Ask the engine itself (not through kaltim-kg)."""
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        server.sparql, data=body, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["results"]["bindings"]


def graph_counts(server: EngineServer) -> dict[str, int]:
    rows = engine_select(
        server,
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    )
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


def ours(counts: dict[str, int]) -> dict[str, int]:
    """Our graphs and any staging leftovers, without Virtuoso's system graphs."""
    return {g: n for g, n in counts.items() if g.startswith((G, "urn:kaltim-kg:"))}


def settings_for(tmp_path: Path, name: str, graphs: dict[str, str]):
    store = make_store(tmp_path / name, graphs)
    return load_settings(env={}, store_dir=store.root)


def push_store(server: EngineServer, settings) -> None:
    push_current(settings, [server.url], env=server.credentials, retire_after=0)


def expected(graphs: dict[str, str]) -> dict[str, int]:
    return {g: text.count("\n") for g, text in graphs.items()}


def named(counts: dict[str, int]) -> dict[str, int]:
    """The pushed graphs' counts, without the publication record and the union graphs."""
    return {
        g: n for g, n in counts.items() if g != PUBLICATION_GRAPH and not g.startswith(UNION_GRAPH)
    }


def unions(counts: dict[str, int]) -> dict[str, int]:
    return {g: n for g, n in counts.items() if g.startswith(UNION_GRAPH)}


def union_counts(server: EngineServer, triples: int) -> dict[str, int]:
    """What the union graphs should be after a push of `triples` distinct triples: the live
    one alone on Oxigraph server, none on Virtuoso (engines/publication.py, `_union_for`)."""
    client = EngineClient(parse_engine_url(server.url, server.credentials))
    publication = client.publication()
    assert publication is not None
    if server.kind == "virtuoso":
        assert publication.union is None
        return {}
    assert publication.union == UNION_GRAPH + publication.generation
    return {publication.union: triples}


def test_push_replaces_the_previous_push_graph_by_graph(engine_server, tmp_path):
    first = settings_for(tmp_path, "first", FIRST)
    second = settings_for(tmp_path, "second", SECOND)
    push_store(engine_server, first)
    counts = ours(graph_counts(engine_server))
    assert {g: counts[g] for g in FIRST} == expected(FIRST)
    push_store(engine_server, second)
    counts = ours(graph_counts(engine_server))
    # a is gone (the second generation has none), b holds the second's triples only.
    assert named(counts) == expected(SECOND)
    # One union graph, the second push's (the first's retired), holding every triple once.
    assert unions(counts) == union_counts(engine_server, sum(expected(SECOND).values()))
    client = EngineClient(parse_engine_url(engine_server.url, engine_server.credentials))
    publication = client.publication()
    assert publication is not None
    assert publication.generation == second.store_dir.name or publication.generation
    generation_id = json.loads(
        (next((second.store_dir / "generations").iterdir()) / "manifest.json").read_text()
    )["generation"]
    assert publication.generation == generation_id
    assert publication.graphs == tuple(sorted(SECOND))
    assert publication.quads == sum(expected(SECOND).values())


def _previous_still_serving(server: EngineServer, graphs: dict[str, str]) -> None:
    counts = ours(graph_counts(server))
    assert not [g for g in counts if g.startswith(STAGING_PREFIX)], counts
    assert named(counts) == expected(graphs)
    assert unions(counts) == union_counts(server, sum(expected(graphs).values()))


def test_a_push_whose_counts_differ_changes_nothing(engine_server, tmp_path):
    push_store(engine_server, settings_for(tmp_path, "first", FIRST))
    client = EngineClient(parse_engine_url(engine_server.url, engine_server.credentials))
    short = {g: "".join(text.splitlines(True)[:-3]) for g, text in SECOND.items()}
    with pytest.raises(EngineError, match="the manifest says"):
        push([client], "2099-short", expected(SECOND), lambda g: short[g].encode())
    _previous_still_serving(engine_server, FIRST)
    assert client.publication().generation != "2099-short"


def test_a_push_the_engine_rejects_changes_nothing(engine_server, tmp_path):
    push_store(engine_server, settings_for(tmp_path, "first", FIRST))
    client = EngineClient(parse_engine_url(engine_server.url, engine_server.credentials))

    def broken(graph: str) -> bytes:
        return (
            b"<urn:a> <urn:b> this is not N-Triples .\n"
            if graph == G + "c"
            else SECOND[graph].encode()
        )

    with pytest.raises(EngineError, match="failed"):
        push([client], "2099-broken", expected(SECOND), broken)
    _previous_still_serving(engine_server, FIRST)


def test_the_union_graph_holds_each_triple_of_every_graph_once(engine_server, tmp_path):
    shared = numbered_triples(300, "shared")
    graphs = {G + "a": numbered_triples(500, "a") + shared, G + "b": shared + numbered_triples(80)}
    push_store(engine_server, settings_for(tmp_path, "overlap", graphs))
    counts = ours(graph_counts(engine_server))
    assert named(counts) == {G + "a": 800, G + "b": 380}
    assert unions(counts) == union_counts(engine_server, 500 + 300 + 80)  # shared 300 once
    distinct = engine_select(
        engine_server,
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g "
        f"{{ ?s ?p ?o }} FILTER(?g IN (<{G}a>, <{G}b>)) }} }}",
    )
    assert int(distinct[0]["n"]["value"]) == 880


def test_the_first_write_may_be_a_large_graph_on_virtuoso(virtuoso_server):
    """Virtuoso resets the connection of an unsigned write with a large body (its 401 comes
    before it reads the body): the client fetches the digest challenge first."""
    client = EngineClient(parse_engine_url(virtuoso_server.url, virtuoso_server.credentials))
    client.put_graph("urn:kaltim-kg:staging:large", numbered_triples(150_000, "large").encode())
    assert client.count("urn:kaltim-kg:staging:large") == 150_000
    client.update("DROP SILENT GRAPH <urn:kaltim-kg:staging:large>", "cleaning up")


def test_readers_see_one_push_or_the_other_never_a_mixture(engine_server, tmp_path):
    first = settings_for(tmp_path, "first", FIRST)
    second = settings_for(tmp_path, "second", SECOND)
    push_store(engine_server, first)
    values = " ".join(f"<{g}>" for g in EVERY_GRAPH)
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ {values} }} }}"
    seen: list[int] = []
    # And as the front end asks: the default graph (the union graph the record names).
    front_end = RemoteEngines([engine_server.url], env=engine_server.credentials)
    job = Job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "json", 10)
    seen_by_front_end: list[int] = []
    stop = threading.Event()

    failures: list[str] = []

    def read() -> None:
        try:
            while not stop.is_set():
                seen.append(int(engine_select(engine_server, count)[0]["n"]["value"]))
        except Exception as exc:  # said below, not lost with the thread
            failures.append(f"engine: {exc!r}")

    def read_default_graph() -> None:
        try:
            while not stop.is_set():
                rows = json.loads(front_end.run(job, 30).body)["results"]["bindings"]
                seen_by_front_end.append(int(rows[0]["n"]["value"]))
        except Exception as exc:
            failures.append(f"front end: {exc!r}")

    readers = [threading.Thread(target=read), threading.Thread(target=read_default_graph)]
    for reader in readers:
        reader.start()
    try:
        for settings in (second, first, second, first):
            # The previous union graph is dropped 1.5 s after the switch: the front end's
            # copy of the record is at most 1 s old, and its count takes milliseconds.
            push_current(
                settings, [engine_server.url], env=engine_server.credentials, retire_after=1.5
            )
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    totals = {sum(expected(FIRST).values()), sum(expected(SECOND).values())}
    assert failures == []
    assert len(seen) > 10 and len(seen_by_front_end) > 10
    assert set(seen) <= totals, sorted(set(seen) - totals)
    if engine_server.kind == "oxigraph":
        # The union graph is named per push, so a front end's record (up to 1 s old) names
        # a whole one. On Virtuoso the front end asks the list of graphs its record names,
        # and for up to that second after a switch that list may be the previous push's
        # (README "Remote engines": a known limit, not yet fixed).
        assert set(seen_by_front_end) <= totals, sorted(set(seen_by_front_end) - totals)


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KALTIM_KG_")}
    environment.update(env or {}, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "kaltim_kg", "push", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_cli_push_says_what_it_published(engine_server, tmp_path):
    push_store(engine_server, settings_for(tmp_path, "before", SECOND))
    settings = settings_for(tmp_path, "first", FIRST)
    # A query timeout of 1 s: the previous push's union graph is dropped 2 s after the switch.
    done = _cli(
        "--store",
        str(settings.store_dir),
        "--engine",
        engine_server.url,
        env={**engine_server.credentials, "KALTIM_KG_QUERY_TIMEOUT": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert f"to {engine_server.url}: 2200 triples in 2 graphs, counts checked" in done.stdout
    waited = "waiting 2 s for queries on the previous union graph to end" in done.stderr
    assert waited == (engine_server.kind == "oxigraph")


def test_cli_push_refuses_bad_engines_with_one_line(tmp_path):
    settings = settings_for(tmp_path, "first", FIRST)
    store = str(settings.store_dir)
    missing = _cli("--store", store)
    assert missing.returncode == 2 and "--engine" in missing.stderr
    for url, reason in [
        ("ftp://127.0.0.1:1", "an engine URL starts with virtuoso+http://"),
        ("oxigraph+http://user:pw@127.0.0.1:1", "credentials go in KALTIM_KG_ENGINE_USER"),
        ("oxigraph+http://127.0.0.1:1", "cannot be reached"),
    ]:
        done = _cli("--store", store, "--engine", url)
        assert done.returncode == 2, done.stderr
        lines = done.stderr.strip().splitlines()
        assert lines[-1].startswith("error: ") and reason in lines[-1], done.stderr
        assert "Traceback" not in done.stderr


def test_virtuoso_push_needs_the_credentials(virtuoso_server, tmp_path):
    settings = settings_for(tmp_path, "first", FIRST)
    done = _cli("--store", str(settings.store_dir), "--engine", virtuoso_server.url)
    assert done.returncode == 2
    assert "KALTIM_KG_ENGINE_PASSWORD" in done.stderr.strip().splitlines()[-1]
