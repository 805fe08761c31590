"""`build`: the whole pipeline into a store, published atomically and deterministically."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pyoxigraph
import pytest

from kaltim_kg.errors import FactsErrors, StoreError, ValidationFailed
from kaltim_kg.graph.build import build_dataset
from kaltim_kg.graph.vocabularies import VOCABULARIES
from kaltim_kg.namespaces import KKG, graph_iri
from kaltim_kg.store.dumps import CHECKSUMS, DUMP_FORMATS
from kaltim_kg.store.generations import StoreDir
from kaltim_kg.store.publish import build
from kaltim_kg.store.statistics import StatisticsCancelled
from tests.factfiles import copy_data, replace_once


def snapshot(store_root: Path) -> dict[str, bytes]:
    """Every published file's bytes, keyed by path relative to the store."""
    current = StoreDir(store_root).require_current().path
    files = {
        p.relative_to(current).as_posix(): p.read_bytes() for p in current.rglob("*") if p.is_file()
    }
    return {"current": str(current).encode(), **files}


def test_build_publishes_one_graph_per_source_plus_ontology_and_each_vocabulary(built):
    graphs = set(built.graphs)
    assert graphs == {
        str(graph_iri("ontology")),
        *(str(graph_iri(v.name)) for v in VOCABULARIES),
        str(graph_iri("2021-02-03-ekspor-ukm-kaltim")),
        str(graph_iri("2021-02-05-bisnis-ukm-kaltim-ekspor-rp428-miliar")),
        str(graph_iri("2021-03-25-mediakaltim-ukm-ekspor-triwulan-1")),
        str(graph_iri("2022-04-17-daulatnews-umkm-ekspor-nonmigas")),
    }
    store = built.generation.open()
    assert len(store) == built.triples == sum(built.graphs.values())
    assert set(built.generation.manifest["graphs"]) == graphs


def test_dumps_and_checksums_are_written(built):
    dumps = built.generation.dumps_dir
    sums = dict(reversed(line.split("  ")) for line in (dumps / CHECKSUMS).read_text().splitlines())
    tidy = {"kaltim-kg-flows.csv", "kaltim-kg-totals.csv", "kaltim-kg-cohorts.csv"}
    assert set(sums) == {f.filename for f in DUMP_FORMATS} | tidy | {"kaltim-kg-csv-metadata.json"}
    quads = pyoxigraph.parse(
        gzip.decompress((dumps / "kaltim-kg.nq.gz").read_bytes()),
        format=pyoxigraph.RdfFormat.N_QUADS,
    )
    assert len(list(quads)) == built.triples


def test_two_builds_give_identical_dumps(fresh_store):
    first = build(fresh_store)
    first_dumps = {p.name: p.read_bytes() for p in first.generation.dumps_dir.iterdir()}
    second = build(fresh_store)
    assert second.generation.id != first.generation.id
    assert {p.name: p.read_bytes() for p in second.generation.dumps_dir.iterdir()} == first_dumps


def test_old_generations_are_pruned(fresh_store):
    for _ in range(4):
        build(fresh_store)
    published = [p for p in StoreDir(fresh_store.store_dir).generations_dir.iterdir()]
    assert len(published) == 2


SEAWEED = "  - {year: 2020, commodity: seaweed, destination: KR, exporter: ipska-exporters, evidence: [seaweed]}"
BAD_EDITS = [
    ("destination: SG,", "destination: Atlantis,"),
    ('value: "428,2", scale: miliar', 'value: "-1", scale: miliar'),
    ('value: "428,2", scale: miliar', "value: lots, scale: miliar"),
    ("    evidence: [domestic]\n", ""),
    ("  - key: ipska-exporters", "  - key: [ipska-exporters"),
    (SEAWEED, f"{SEAWEED}\n{SEAWEED}"),  # the same flow twice
]


@pytest.mark.parametrize(("old", "new"), BAD_EDITS)
def test_bad_facts_leave_the_published_store_byte_identical(fresh_store, tmp_path, old, new):
    build(fresh_store)
    before = snapshot(fresh_store.store_dir)
    data = copy_data(tmp_path / "bad-data")
    replace_once(data, old, new)
    with pytest.raises(FactsErrors):
        build(fresh_store.with_overrides(data_dir=data.parent))
    assert snapshot(fresh_store.store_dir) == before
    leftovers = [p.name for p in StoreDir(fresh_store.store_dir).generations_dir.iterdir()]
    assert not [name for name in leftovers if name.startswith(".staging")]


def test_shacl_violation_blocks_publication(fresh_store, monkeypatch):
    """The gate itself: a graph the YAML checks cannot produce, so break the built graph."""
    build(fresh_store)
    before = snapshot(fresh_store.store_dir)

    def without_hs_codes(*args, **kwargs):
        built = build_dataset(*args, **kwargs)
        built.dataset.remove((None, KKG.hsCode, None, None))
        return built

    monkeypatch.setattr("kaltim_kg.store.publish.build_dataset", without_hs_codes)
    with pytest.raises(ValidationFailed) as failed:
        build(fresh_store)
    assert any("id/commodity/shrimp (kkg:hsCode)" in line for line in failed.value.lines)
    assert snapshot(fresh_store.store_dir) == before


def test_a_failure_while_writing_discards_the_staged_generation(fresh_store, monkeypatch):
    build(fresh_store)
    before = snapshot(fresh_store.store_dir)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("kaltim_kg.store.publish.write_dumps", broken)
    with pytest.raises(OSError, match="disk full"):
        build(fresh_store)
    assert snapshot(fresh_store.store_dir) == before
    assert [
        p.name
        for p in StoreDir(fresh_store.store_dir).generations_dir.iterdir()
        if p.name.startswith(".")
    ] == []


def test_ctrl_c_while_writing_stops_the_statistics_too(fresh_store, monkeypatch):
    """Leaving the build waits for the statistics thread: it must stop, not run to the end."""
    seen: list[str] = []

    def statistics(store, cancelled):
        deadline = time.monotonic() + 30  # at 10M the real ones run ~40 s
        while time.monotonic() < deadline:
            if cancelled():
                seen.append("cancelled")
                raise StatisticsCancelled
            time.sleep(0.01)
        seen.append("ran to the end")
        return {}

    def interrupted(*args, **kwargs):
        time.sleep(0.1)  # the statistics are under way
        raise KeyboardInterrupt

    monkeypatch.setattr("kaltim_kg.store.publish.compute_statistics", statistics)
    monkeypatch.setattr("kaltim_kg.store.publish.write_dumps", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(fresh_store)
    assert seen == ["cancelled"]
    assert StoreDir(fresh_store.store_dir).current() is None


def test_concurrent_builds_are_refused(fresh_store):
    store_dir = StoreDir(fresh_store.store_dir)
    with store_dir.lock(), pytest.raises(StoreError, match="another build or load"):
        build(fresh_store)


def test_base_uri_is_configurable(fresh_store):
    result = build(fresh_store.with_overrides(base_uri="http://example.org/kkg"))
    store = result.generation.open()
    subject = pyoxigraph.NamedNode("http://example.org/kkg/id/flow/2020-shrimp-JP")
    assert list(store.quads_for_pattern(subject, None, None, None))
    assert "http://example.org/kkg/graph/regencies" in result.graphs
