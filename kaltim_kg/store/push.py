"""`kaltim-kg push`: the current generation's graphs to remote engines (engines/publication).

Each graph is written as N-Triples straight from the generation's database, one graph at a
time (a graph is one upload, so its blank nodes stay one set), and counted against the
generation's manifest on the engine before anything is switched live.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping, Sequence

import pyoxigraph

from kaltim_kg.config import Settings
from kaltim_kg.engines.address import parse_engine_url
from kaltim_kg.engines.protocol import EngineClient
from kaltim_kg.engines.publication import PushReport, push
from kaltim_kg.errors import StoreError
from kaltim_kg.store.generations import StoreDir


def push_current(
    settings: Settings,
    engine_urls: Sequence[str],
    progress: Callable[[str], None] = lambda _: None,
    env: Mapping[str, str] | None = None,
) -> list[PushReport]:
    """Publish the store's current generation to every engine named (replicas: all);
    credentials from `env` (default: the environment)."""
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
            clients, generation.id, {str(g): int(n) for g, n in graphs.items()}, ntriples, progress
        )
    finally:
        for client in clients:
            client.close()
        opened.clear()
        gc.collect()  # pyoxigraph closes the database on collection
