"""`kaltim-kg push`: the current generation's graphs to remote engines (engines/publication).

Each graph is written as N-Triples straight from the generation's database, one graph at a
time (a graph is one upload, so its blank nodes stay one set), and counted against the
generation's manifest on the engine before anything is switched live; so is the union of
them all, against the distinct triples counted here.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping, Sequence

import pyoxigraph

from kaltim_kg.config import Settings
from kaltim_kg.engines.address import parse_engine_url
from kaltim_kg.engines.protocol import RECORD_SECONDS, EngineClient
from kaltim_kg.engines.publication import PushReport, push
from kaltim_kg.errors import StoreError
from kaltim_kg.store.generations import StoreDir


def distinct_triples(store: pyoxigraph.Store) -> int:
    """Triples over every named graph, each counted once: what the union graph holds."""
    query = (
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
    )
    (row,) = list(store.query(query))  # type: ignore[arg-type]
    return int(row[0].value)


def push_current(
    settings: Settings,
    engine_urls: Sequence[str],
    progress: Callable[[str], None] = lambda _: None,
    env: Mapping[str, str] | None = None,
    retire_after: float | None = None,
) -> list[PushReport]:
    """Publish the store's current generation to every engine named (replicas: all);
    credentials from `env` (default: the environment). The previous push's union graph is
    dropped `retire_after` seconds after the switch (default: the settings' query timeout
    and the time a front end keeps its copy of the publication record)."""
    if retire_after is None:
        retire_after = settings.query_timeout + RECORD_SECONDS
    clients = [EngineClient(parse_engine_url(url, env)) for url in engine_urls]
    generation = StoreDir(settings.store_dir).require_current()
    graphs = generation.manifest.get("graphs")
    if not isinstance(graphs, dict) or not graphs:
        raise StoreError(f"generation {generation.id} lists no graphs in its manifest")
    opened = [generation.open()]

    def ntriples(graph: str) -> bytes:
        body = opened[0].dump(
            format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.NamedNode(graph)
        )
        return body or b""

    try:
        return push(
            clients,
            generation.id,
            {str(g): int(n) for g, n in graphs.items()},
            ntriples,
            progress,
            union_triples=distinct_triples(opened[0]),
            retire_after=retire_after,
        )
    finally:
        for client in clients:
            client.close()
        opened.clear()
        gc.collect()  # pyoxigraph closes the database on collection
