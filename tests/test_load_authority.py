"""`load` refuses a file that claims an article's authority without quoting it verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaltim_kg.errors import ValidationFailed
from kaltim_kg.store.publish import build, load

BASE = "https://w3id.org/kaltim-kg/"
SEED = f"<{BASE}id/source/2021-02-03-ekspor-ukm-kaltim>"
PREFIXES = """@prefix kkg: <https://w3id.org/kaltim-kg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
"""


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(PREFIXES + body, encoding="utf-8")
    return path


@pytest.fixture()
def store(fresh_store):
    build(fresh_store)
    return fresh_store


def test_a_claim_on_an_article_without_its_words_is_refused(store, tmp_path):
    fake = write(
        tmp_path,
        "claims.ttl",
        f"<http://example.org/fact> prov:wasDerivedFrom {SEED} ; "
        f'kkg:evidence "UKM Kaltim mengekspor emas ke Bulan."@id .',
    )
    with pytest.raises(ValidationFailed) as refused:
        load(store, [fake], validate=False)
    assert any("quotes no sentence of it verbatim" in line for line in refused.value.lines)


def test_evidence_added_to_an_article_fact_must_be_its_words(store, tmp_path):
    fake = write(
        tmp_path,
        "evidence.ttl",
        f'<{BASE}id/flow/2020-shrimp-JP> kkg:evidence "Udang diekspor ke Bulan."@id .',
    )
    with pytest.raises(ValidationFailed) as refused:
        load(store, [fake], validate=False)
    assert any("is not verbatim in any curated source" in line for line in refused.value.lines)


def test_a_verbatim_quote_and_data_with_its_own_source_are_accepted(store, tmp_path):
    quoting = write(
        tmp_path,
        "quoting.ttl",
        f"<http://example.org/fact> prov:wasDerivedFrom {SEED} ; "
        f'kkg:evidence "Rumput laut ke Korea Selatan."@id .\n'
        "<http://example.org/row> prov:wasDerivedFrom <http://example.org/table> ; "
        'kkg:evidence "Baris 2 tabel BPS."@id .',
    )
    result = load(store, [quoting], validate=False)
    assert sum(result.loaded.values()) == 4


def test_graphs_lists_and_drops_a_loaded_graph_atomically(store, tmp_path):
    from kaltim_kg.errors import LoadError
    from kaltim_kg.store.publish import drop_graph, list_graphs

    own = write(
        tmp_path,
        "bps-rows.ttl",
        "<http://example.org/row> prov:wasDerivedFrom <http://example.org/table> .",
    )
    load(
        store,
        [own],
        validate=False,
        licence="https://example.org/licence",
        data_source="https://example.org/table",
    )
    listed = {g.iri: g for g in list_graphs(store)}
    graph = f"{BASE}graph/bps-rows"
    assert (listed[graph].origin, listed[graph].triples) == ("load", 1)
    assert (listed[graph].licence, listed[graph].source) == (
        "https://example.org/licence",
        "https://example.org/table",
    )
    assert listed[graph].loaded is not None
    assert (
        listed[f"{BASE}graph/2021-02-03-ekspor-ukm-kaltim"].licence is None
    )  # built: no loaded licence
    with pytest.raises(LoadError, match="written by `build`"):
        drop_graph(store, f"{BASE}graph/2021-02-03-ekspor-ukm-kaltim")
    drop_graph(store, graph)
    assert graph not in {g.iri for g in list_graphs(store)}
    with pytest.raises(LoadError, match="no graph"):
        drop_graph(store, graph)
