"""Build-time VoID statistics on a tiny store with known answers."""

from __future__ import annotations

import pyoxigraph
import pytest

from kaltim_kg.store.statistics import StatisticsCancelled, compute_statistics, namespace_of

NQUADS = b"""
<http://ex/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://ex/C> <http://ex/g1> .
<http://ex/a> <http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q1> <http://ex/g1> .
<http://ex/a> <http://www.w3.org/2002/07/owl#sameAs> <http://sws.geonames.org/1/> <http://ex/g1> .
<http://ex/a> <http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q1> <http://ex/g2> .
<http://ex/b> <http://ex/p> "x" <http://ex/g2> .
_:n <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://ex/D> <http://ex/g2> .
"""


def test_counts_per_graph_and_for_the_union():
    store = pyoxigraph.Store()
    store.load(NQUADS, format=pyoxigraph.RdfFormat.N_QUADS)
    stats = compute_statistics(store)
    assert stats["dataset"] == {
        "triples": 5,  # the sameAs link in both graphs counts once
        "distinctSubjects": 3,
        "distinctObjects": 5,
        "properties": 3,
        "classes": 2,
        "entities": 1,  # blank nodes are not entities
    }
    assert stats["graphs"]["http://ex/g1"]["triples"] == 3
    assert stats["graphs"]["http://ex/g2"] == {
        "triples": 3,
        "distinctSubjects": 3,
        "distinctObjects": 3,
        "properties": 3,
        "classes": 1,
        "entities": 0,
    }
    assert stats["linksets"] == {"wikidata": 1, "geonames": 1}
    assert stats["class_partitions"] == {"http://ex/C": 1, "http://ex/D": 1}
    assert "http://ex/" in stats["vocabularies"]


def test_namespace_of():
    assert namespace_of("https://w3id.org/kaltim-kg/ontology#evidence") == (
        "https://w3id.org/kaltim-kg/ontology#"
    )
    assert namespace_of("https://schema.org/url") == "https://schema.org/"


def test_a_triple_in_three_graphs_counts_once():
    store = pyoxigraph.Store()
    quads = b"".join(
        b"<http://ex/a> <http://ex/p> <http://ex/b> <http://ex/" + g + b"> .\n"
        for g in (b"g1", b"g2", b"g3")
    )
    quads += b"<http://ex/c> <http://ex/p> <http://ex/d> <http://ex/g2> .\n"
    quads += b"<http://ex/c> <http://ex/q> <http://ex/d> <http://ex/g2> .\n"
    store.load(quads, format=pyoxigraph.RdfFormat.N_QUADS)
    stats = compute_statistics(store)
    assert stats["dataset"]["triples"] == 3
    assert stats["property_partitions"] == {"http://ex/p": 2, "http://ex/q": 1}


def test_home_page_flow_pairs_are_precomputed_per_generation(built):
    """The home page's diagram reads these; at 10M triples the query takes seconds."""
    pairs = built.generation.manifest["statistics"]["flow_pairs"]
    # every commodity-destination pair of the sources; nipa palm sticks went to India in
    # 2020 and in 2021, so that pair has no single flow
    assert len(pairs) == 47
    assert all(
        flow is None or flow.endswith(f"-{country.rsplit('/', 1)[1]}") for flow, _, country in pairs
    )
    assert sum(flow is None for flow, _, _ in pairs) == 1
    assert {c.rsplit("/", 1)[1] for _, c, _ in pairs} >= {"shrimp", "pepper", "processed-wood"}


@pytest.mark.parametrize("after", [0, 1, 3])
def test_no_query_starts_once_cancelled(after):
    """The builder's Ctrl-C waits for the statistics thread: it stops at the next query."""
    store = pyoxigraph.Store()
    store.load(NQUADS, format=pyoxigraph.RdfFormat.N_QUADS)
    asked = 0

    def cancelled() -> bool:
        nonlocal asked
        asked += 1
        return asked > after

    with pytest.raises(StatisticsCancelled):
        compute_statistics(store, cancelled)
    assert asked == after + 1  # asked before every query; the first "yes" ended it
