"""The default graph never counts a triple twice, after build, load and synth (issue 13 item 4).

Oxigraph's union default graph returns a triple once per named graph that holds it, so a
loaded file that restates the store's own descriptions (as `synth` files do, to validate
alone) doubled the README's answers.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph

from kaltim_kg.config import Settings
from kaltim_kg.graph.synth import synthesize
from kaltim_kg.store.generations import StoreDir
from kaltim_kg.store.loader import keep_each_triple_once
from kaltim_kg.store.publish import build, load

EX = "http://example.org/"
COUNTS = "SELECT (COUNT(*) AS ?all) (COUNT(DISTINCT *) AS ?distinct) WHERE { ?s ?p ?o }"


def _counts(settings: Settings) -> tuple[int, int]:
    store = StoreDir(settings.store_dir).require_current().open()
    (row,) = list(store.query(COUNTS, use_default_graph_as_union=True))
    return int(row["all"].value), int(row["distinct"].value)


def test_loading_synth_output_counts_every_triple_once(fresh_store: Settings, tmp_path: Path):
    build(fresh_store)
    built_all, built_distinct = _counts(fresh_store)
    assert built_all == built_distinct
    path = tmp_path / "synthetic.nt"
    stats = synthesize(path, 3_000, seed=3)
    result = load(fresh_store, [path], validate=False)
    every, distinct = _counts(fresh_store)
    assert every == distinct
    # the file's own statements are all there, the restated descriptions once
    (graph,) = result.loaded
    assert 0 < result.loaded[graph] < stats.triples
    assert distinct == built_distinct + result.loaded[graph]
    # loading it again adds nothing and still counts once
    load(fresh_store, [path], validate=False)
    assert _counts(fresh_store) == (every, distinct)


def _quad(s: str, graph: str) -> pyoxigraph.Quad:
    node = pyoxigraph.NamedNode
    return pyoxigraph.Quad(node(EX + s), node(EX + "p"), pyoxigraph.Literal(1), node(EX + graph))


def _graphs(store: pyoxigraph.Store) -> dict[str, set[str]]:
    held: dict[str, set[str]] = {}
    for quad in store:
        held.setdefault(quad.graph_name.value.removeprefix(EX), set()).add(
            quad.subject.value.removeprefix(EX)
        )
    return held


def test_the_published_graph_keeps_a_triple_then_the_first_loaded():
    for published_size in (1, 50):  # either side may be the one scanned
        store = pyoxigraph.Store()
        store.extend([_quad("a", "old"), _quad("b", "old")])
        store.extend(_quad(f"filler{i}", "old") for i in range(published_size))
        store.extend([_quad("a", "new1"), _quad("c", "new1"), _quad("d", "new1")])
        store.extend([_quad("c", "new2"), _quad("d", "new2"), _quad("e", "new2")])
        counts = {EX + "old": 2 + published_size, EX + "new1": 3, EX + "new2": 3}
        keep_each_triple_once(store, [EX + "new1", EX + "new2"], counts)
        held = _graphs(store)
        assert held["new1"] == {"c", "d"}  # `a` stays in the published graph only
        assert held["new2"] == {"e"}  # `c`, `d`: kept by the first loaded graph
        assert {"a", "b"} <= held["old"]
