"""Streaming dumps: deterministic bytes, the union deduplicated, every triple present."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph
from rdflib import Dataset, Graph

from kaltim_kg.config import load_settings
from kaltim_kg.store.dumps import DUMP_FORMATS, DUMPS_BY_NAME, serialise, write_dumps
from kaltim_kg.store.publish import build

EX = "http://example.org/"


def _store_with_a_shared_triple() -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    shared = (
        pyoxigraph.NamedNode(f"{EX}a"),
        pyoxigraph.NamedNode(f"{EX}p"),
        pyoxigraph.Literal('é "q"'),
    )
    only = (
        pyoxigraph.NamedNode(f"{EX}b"),
        pyoxigraph.NamedNode(f"{EX}p"),
        pyoxigraph.NamedNode(f"{EX}c"),
    )
    for graph in ("g1", "g2"):
        store.add(pyoxigraph.Quad(*shared, pyoxigraph.NamedNode(f"{EX}{graph}")))
    store.add(pyoxigraph.Quad(*only, pyoxigraph.NamedNode(f"{EX}g2")))
    return store


def test_union_dumps_deduplicate_and_quads_keep_graphs() -> None:
    store = _store_with_a_shared_triple()
    nt = serialise(store, DUMPS_BY_NAME["nt"]).decode()
    assert nt.splitlines() == sorted(nt.splitlines())
    assert len(Graph().parse(data=nt, format="nt")) == 2
    assert len(nt.splitlines()) == 2
    nq = Dataset()
    nq.parse(data=serialise(store, DUMPS_BY_NAME["nq"]).decode(), format="nquads")
    assert len(list(nq.quads((None, None, None, None)))) == 3
    for name in ("ttl", "jsonld"):
        parsed = Graph().parse(
            data=serialise(store, DUMPS_BY_NAME[name]),
            format=name.replace("ttl", "turtle").replace("jsonld", "json-ld"),
        )
        assert parsed.isomorphic(Graph().parse(data=nt, format="nt"))


def test_written_dumps_match_the_store(tmp_path: Path) -> None:
    store = _store_with_a_shared_triple()
    listing = write_dumps(store, tmp_path)
    tidy = {"kaltim-kg-flows.csv", "kaltim-kg-totals.csv", "kaltim-kg-cohorts.csv"}
    assert set(listing) == {f.filename for f in DUMP_FORMATS} | tidy | {
        "kaltim-kg-csv-metadata.json"
    }
    nt = gzip.decompress((tmp_path / DUMPS_BY_NAME["nt"].filename).read_bytes())
    assert len(Graph().parse(data=nt, format="nt")) == 2
    assert listing[DUMPS_BY_NAME["nt"].filename]["statements"] == 2
    assert listing[DUMPS_BY_NAME["nq"].filename]["statements"] == 3


def test_two_builds_give_identical_checksums(tmp_path: Path) -> None:
    sums = []
    for name in ("one", "two"):
        result = build(load_settings(env={}, store_dir=tmp_path / name))
        sums.append((result.generation.dumps_dir / "SHA256SUMS").read_bytes())
    assert sums[0] == sums[1]
    assert len(sums[0].splitlines()) == len(DUMP_FORMATS) + 4  # and the tidy CSV files


def test_portable_paths_give_the_same_bytes(monkeypatch) -> None:
    """No `sort`/`sed`, or triples in the default graph: other paths, same dump."""
    store = _store_with_a_shared_triple()
    expected = {name: serialise(store, DUMPS_BY_NAME[name]) for name in ("nt", "nq")}
    monkeypatch.setattr("kaltim_kg.store.dumps.shutil.which", lambda _: None)
    assert {name: serialise(store, DUMPS_BY_NAME[name]) for name in ("nt", "nq")} == expected
    monkeypatch.undo()
    quad = next(iter(store.quads_for_pattern(None, None, None, None)))
    store.add(pyoxigraph.Quad(quad.subject, quad.predicate, quad.object))  # default graph
    nt = serialise(store, DUMPS_BY_NAME["nt"])
    assert nt == expected["nt"]
    assert len(serialise(store, DUMPS_BY_NAME["nq"]).splitlines()) == 4


def test_helper_processes_write_the_same_files(tmp_path: Path) -> None:
    """Big stores get one helper process per format; the files are the same bytes."""
    result = build(load_settings(env={}, store_dir=tmp_path / "store"))
    store = result.generation.open()
    one = write_dumps(store, tmp_path / "one", processes=1)
    several = write_dumps(store, tmp_path / "several", processes=3)
    assert several == one
    for name in one:
        assert (tmp_path / "several" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()
    assert (tmp_path / "several" / "SHA256SUMS").read_bytes() == (
        tmp_path / "one" / "SHA256SUMS"
    ).read_bytes()
