"""Helpers for endpoint tests: a store of this test's own, loaded from N-Triples per graph."""

from __future__ import annotations

import gc
from pathlib import Path

import pyoxigraph

from kaltim_kg.store.generations import StoreDir
from kaltim_kg.store.publish import graph_counts


def make_store(root: Path, graphs: dict[str, str]) -> StoreDir:
    """Publish one generation holding each N-Triples text in the named graph given as key."""
    store_dir = StoreDir(root)
    with store_dir.lock(), store_dir.staging() as staging:
        store = pyoxigraph.Store(str(staging.database_dir))
        for name, ntriples in graphs.items():
            store.bulk_load(
                ntriples.encode(),
                format=pyoxigraph.RdfFormat.N_TRIPLES,
                to_graph=pyoxigraph.NamedNode(name),
            )
        store.flush()
        counts = graph_counts(store)
        staging.write_manifest({"graphs": counts, "quads": sum(counts.values())})
        del store
        gc.collect()  # pyoxigraph closes the database on collection; before the rename
    return store_dir


def numbered_triples(count: int, graph_tag: str = "x") -> str:
    """`count` distinct triples, enough to make an unconstrained join explode."""
    return "".join(
        f'<http://example.org/{graph_tag}/s{i}> <http://example.org/p{i % 7}> "v{i}" .\n'
        for i in range(count)
    )
