"""`kaltim-kg load`: every format, gzip, named graphs, the SHACL gate, and atomic failure."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner

from kaltim_kg.cli import main
from kaltim_kg.config import Settings, load_settings
from kaltim_kg.store.generations import StoreDir
from kaltim_kg.store.publish import BuildResult, build

BASE = "https://w3id.org/kaltim-kg/"
EX = "http://example.org/"
TRIPLES = f'<{EX}a> <{EX}p> <{EX}b> .\n<{EX}a> <{EX}label> "A"@en .\n'
QUADS = f'<{EX}a> <{EX}p> <{EX}b> <{EX}g1> .\n<{EX}c> <{EX}p> "C" .\n'
TURTLE = f'@prefix ex: <{EX}> .\nex:a ex:p ex:b ; ex:label "A"@en .\n'
TRIG = f'@prefix ex: <{EX}> .\nex:g1 {{ ex:a ex:p ex:b . }}\nex:c ex:p "C" .\n'
SOURCES = {"nt": TRIPLES, "nq": QUADS, "ttl": TURTLE, "trig": TRIG}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The article built once; each test copies it, since loads change the store."""
    return build(load_settings(env={}, store_dir=tmp_path_factory.mktemp("template")))


@pytest.fixture()
def store(template: BuildResult, tmp_path: Path) -> Settings:
    root = tmp_path / "store"
    shutil.copytree(template.generation.path.parent.parent, root, symlinks=True)
    return load_settings(env={}, store_dir=root)


def _write(path: Path, text: str) -> Path:
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _load(settings: Settings, *args: str) -> object:
    return CliRunner().invoke(main, ["load", *args, "--store", str(settings.store_dir)])


def _graph_triples(settings: Settings, graph: str) -> set[tuple[str, str, str]]:
    store = StoreDir(settings.store_dir).require_current().open()
    quads = store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(graph))
    return {(q.subject.value, q.predicate.value, q.object.value) for q in quads}


def _snapshot(settings: Settings) -> tuple[str, bytes]:
    generation = StoreDir(settings.store_dir).require_current()
    return generation.id, (generation.dumps_dir / "SHA256SUMS").read_bytes()


@pytest.mark.parametrize("gz", ["", ".gz"])
@pytest.mark.parametrize("suffix", sorted(SOURCES))
def test_load_every_format(store: Settings, tmp_path: Path, suffix: str, gz: str) -> None:
    path = _write(tmp_path / f"other-data.{suffix}{gz}", SOURCES[suffix])
    result = _load(store, str(path))
    assert result.exit_code == 0, result.output
    file_graph = f"{BASE}graph/other-data"
    if suffix in ("nt", "ttl"):
        assert _graph_triples(store, file_graph) == {
            (f"{EX}a", f"{EX}p", f"{EX}b"),
            (f"{EX}a", f"{EX}label", "A"),
        }
    else:  # quads keep their graph; default-graph triples go to the file's graph
        assert _graph_triples(store, f"{EX}g1") == {(f"{EX}a", f"{EX}p", f"{EX}b")}
        assert _graph_triples(store, file_graph) == {(f"{EX}c", f"{EX}p", "C")}
    manifest = StoreDir(store.store_dir).require_current().manifest
    assert file_graph in manifest["loaded_graphs"]
    assert manifest["graphs"][file_graph] == len(_graph_triples(store, file_graph))


def test_graph_option_and_query(store: Settings, tmp_path: Path) -> None:
    path = _write(tmp_path / "x.nt", TRIPLES)
    assert _load(store, str(path), "--graph", f"{EX}mine").exit_code == 0
    query = f"SELECT ?o WHERE {{ GRAPH <{EX}mine> {{ <{EX}a> <{EX}label> ?o }} }}"
    result = CliRunner().invoke(
        main, ["query", query, "--format", "json", "--store", str(store.store_dir)]
    )
    rows = json.loads(result.output)["results"]["bindings"]
    assert [row["o"]["value"] for row in rows] == ["A"]


def test_syntax_error_names_file_and_line_and_changes_nothing(
    store: Settings, tmp_path: Path
) -> None:
    before = _snapshot(store)
    good = _write(tmp_path / "good.nt", TRIPLES)
    bad = _write(tmp_path / "bad.nt.gz", TRIPLES + f'<{EX}x> <{EX}p> "unterminated .\n')
    result = _load(store, str(good), str(bad))
    assert result.exit_code != 0
    match = re.search(r"error: (\S+):(\d+): syntax error", result.output)
    assert match, result.output
    assert Path(match.group(1)).name == "bad.nt.gz"
    assert int(match.group(2)) == 3
    assert _snapshot(store) == before
    assert _graph_triples(store, f"{BASE}graph/good") == set()


def test_missing_file_changes_nothing(store: Settings, tmp_path: Path) -> None:
    before = _snapshot(store)
    result = _load(store, str(tmp_path / "absent.nt"))
    assert result.exit_code != 0
    assert "absent.nt" in result.output.splitlines()[-1]
    assert _snapshot(store) == before


def test_build_after_load_keeps_loaded_graph(store: Settings, tmp_path: Path) -> None:
    assert _load(store, str(_write(tmp_path / "kept.ttl", TURTLE))).exit_code == 0
    build(store)
    graph = f"{BASE}graph/kept"
    assert (f"{EX}a", f"{EX}label", "A") in _graph_triples(store, graph)
    manifest = StoreDir(store.store_dir).require_current().manifest
    assert manifest["loaded_graphs"][graph]["files"] == ["kept.ttl"]


def test_graphs_owned_by_build_are_refused(store: Settings, tmp_path: Path) -> None:
    before = _snapshot(store)
    path = _write(tmp_path / "x.nt", TRIPLES)
    result = _load(store, str(path), "--graph", f"{BASE}graph/countries")
    assert result.exit_code != 0
    assert _snapshot(store) == before


FLOW = f"{BASE}id/flow/2020-shrimp-XX"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
BAD_FLOW = f"<{FLOW}> <{RDF_TYPE}> <{BASE}ontology#ExportFlow> .\n"  # nothing else: invalid


def test_shacl_gate_rejects_invalid_loaded_data(store: Settings, tmp_path: Path) -> None:
    before = _snapshot(store)
    path = _write(tmp_path / "flows.nt", BAD_FLOW)
    result = _load(store, str(path))
    assert result.exit_code == 1
    assert any("id/flow/2020-shrimp-XX" in line for line in result.output.splitlines())
    assert _snapshot(store) == before
    assert _load(store, str(path), "--no-validate").exit_code == 0
    assert _graph_triples(store, f"{BASE}graph/flows")


def test_replace_empties_the_target_graph(store: Settings, tmp_path: Path) -> None:
    graph = f"{EX}g"
    assert _load(store, str(_write(tmp_path / "a.nt", TRIPLES)), "--graph", graph).exit_code == 0
    other = _write(tmp_path / "b.nt", f"<{EX}z> <{EX}p> <{EX}b> .\n")
    assert _load(store, str(other), "--graph", graph, "--replace").exit_code == 0
    assert _graph_triples(store, graph) == {(f"{EX}z", f"{EX}p", f"{EX}b")}


def test_graph_must_be_an_absolute_iri(store: Settings, tmp_path: Path) -> None:
    result = _load(store, str(_write(tmp_path / "x.nt", TRIPLES)), "--graph", "not an iri")
    assert result.exit_code != 0
    assert result.output.splitlines()[-1].startswith("error: --graph")


def test_manifest_statistics_follow_the_load(store: Settings, tmp_path: Path) -> None:
    before = StoreDir(store.store_dir).require_current().manifest["statistics"]
    assert _load(store, str(_write(tmp_path / "s.nt", TRIPLES))).exit_code == 0
    after = StoreDir(store.store_dir).require_current().manifest["statistics"]
    assert after["dataset"]["triples"] == before["dataset"]["triples"] + 2
    assert after["dataset"]["distinctSubjects"] == before["dataset"]["distinctSubjects"] + 1
    assert after["property_partitions"][f"{EX}label"] == 1


def test_unnameable_file_asks_for_graph(store: Settings, tmp_path: Path) -> None:
    result = _load(store, str(_write(tmp_path / "_.nt", TRIPLES)))
    assert result.exit_code != 0
    assert result.output.splitlines()[-1].endswith("use --graph")
