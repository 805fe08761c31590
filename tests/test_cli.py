"""The `kaltim-kg` command line, through click's test runner."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from kaltim_kg.cli import main
from kaltim_kg.namespaces import SH
from kaltim_kg.store.generations import StoreDir
from tests.factfiles import copy_data, line_of, replace_once


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def store_args(settings) -> list[str]:
    return ["--store", str(settings.store_dir)]


def test_build_then_query_in_every_format(runner, tmp_path):
    store = tmp_path / "store"
    result = runner.invoke(main, ["build", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "reading facts" in result.stderr  # progress goes to stderr
    query = "SELECT ?code WHERE { ?f kkg:destination/kkg:isoAlpha2 ?code ; kkg:commodity/kkg:hsCode '0306' ; kkg:period '2020'^^xsd:gYear } ORDER BY ?code"
    as_json = runner.invoke(main, ["query", query, "--format", "json", "--store", str(store)])
    bindings = json.loads(as_json.stdout)["results"]["bindings"]
    assert [b["code"]["value"] for b in bindings] == ["GB", "JP", "TW"]
    as_csv = runner.invoke(main, ["query", query, "--format", "csv", "--store", str(store)])
    assert list(csv.DictReader(io.StringIO(as_csv.stdout))) == [
        {"code": c} for c in ("GB", "JP", "TW")
    ]
    table = runner.invoke(main, ["query", query, "--store", str(store)])
    lines = table.stdout.splitlines()
    assert lines[0].strip() == "code" and [ln.strip() for ln in lines[2:5]] == ["GB", "JP", "TW"]
    assert lines[-1] == "(3 rows)"


def test_query_from_a_file_and_ask(runner, store_args, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("ASK { ?c kkg:isoAlpha2 'IS' }")
    result = runner.invoke(main, ["query", str(path), *store_args])
    assert result.exit_code == 0 and result.stdout.strip() == "true"


def test_bad_query_exits_2_with_a_one_line_reason(runner, store_args):
    result = runner.invoke(main, ["query", "SELECT ?x WHERE {", *store_args])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: bad query: error at 1:")


def test_query_without_a_store_says_how_to_build(runner, tmp_path):
    result = runner.invoke(main, ["query", "ASK {}", "--store", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "kaltim-kg build" in result.stderr


def test_build_with_bad_facts_exits_1_with_file_and_line(runner, tmp_path):
    data = copy_data(tmp_path / "data")
    line = line_of(data, "destination: IS,")
    replace_once(data, "destination: IS,", "destination: Atlantis,")
    result = runner.invoke(
        main, ["build", "--store", str(tmp_path / "s"), "--data", str(data.parent)]
    )
    assert result.exit_code == 1
    reason = "flow: unknown country 'Atlantis' (nor a world region or province)"
    assert f"{data}:{line}: {reason}" in result.stderr.splitlines()
    assert StoreDir(tmp_path / "s").current() is None


def test_validate_exit_codes(runner, tmp_path):
    ok = runner.invoke(main, ["validate"])
    assert ok.exit_code == 0 and ok.stdout.startswith("Conforms: True")
    data = copy_data(tmp_path / "data")
    replace_once(data, 'value: "7,6"', 'value: "-7,6"')
    bad = runner.invoke(main, ["validate", str(data)])
    assert bad.exit_code == 1 and "must be a number as stated" in bad.stderr
    broken_rdf = tmp_path / "broken.ttl"
    broken_rdf.write_text("<a> <b> .")
    error = runner.invoke(main, ["validate", str(broken_rdf)])
    assert error.exit_code == 2 and "cannot parse RDF" in error.stderr


def test_validate_rdf_file_reports_violations_as_turtle(runner, tmp_path):
    path = tmp_path / "flow.ttl"
    path.write_text("<http://example.org/f> a <https://w3id.org/kaltim-kg/ontology#ExportFlow> .")
    result = runner.invoke(main, ["validate", str(path), "--format", "turtle"])
    assert result.exit_code == 1
    report = Graph().parse(data=result.stdout, format="turtle")
    focus = set(report.objects(None, SH.focusNode))
    assert focus == {URIRef("http://example.org/f")}
    assert (
        len(set(report.subjects(RDF.type, SH.ValidationResult))) >= 6
    )  # commodity, destination, ...


def test_validate_reads_gzipped_rdf(runner, tmp_path):
    """`synth -o FILE.nt.gz` is what the README suggests; validate takes it as it is."""
    data = tmp_path / "flows.nt.gz"
    assert runner.invoke(main, ["synth", "-o", str(data), "--triples", "1000"]).exit_code == 0
    ok = runner.invoke(main, ["validate", str(data)])
    assert ok.exit_code == 0 and ok.stdout.startswith("Conforms: True"), ok.output
    bad = tmp_path / "flow.ttl.gz"
    with gzip.open(bad, "wt") as out:
        out.write("<http://example.org/f> a <https://w3id.org/kaltim-kg/ontology#ExportFlow> .")
    assert runner.invoke(main, ["validate", str(bad)]).exit_code == 1


def test_a_bad_base_iri_is_a_usage_error(runner, tmp_path):
    for base in ("not an iri", "ftp://example.org/", "https://"):
        result = runner.invoke(main, ["build", "--store", str(tmp_path / "s"), "--base-uri", base])
        assert result.exit_code == 2, result.output
        assert "base IRI" in result.stderr.splitlines()[-1] and "Traceback" not in result.output
    assert not (tmp_path / "s").exists()


def test_paths_that_cannot_be_used_exit_2_with_one_line(runner, store_args, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    build = runner.invoke(main, ["build", "--store", str(blocker / "store")])
    assert build.exit_code == 2
    assert build.stderr.strip().splitlines()[-1] == f"error: {blocker / 'store'}: Not a directory"
    dump = runner.invoke(main, ["dump", "-o", str(blocker / "out.ttl"), *store_args])
    assert dump.exit_code == 2
    assert dump.stderr.strip() == f"error: {blocker / 'out.ttl'}: Not a directory"


def test_a_long_query_text_is_not_taken_for_a_file_name(runner, store_args):
    query = "ASK { ?c kkg:isoAlpha2 'IS' } #" + "x" * 300  # longer than a file name may be
    result = runner.invoke(main, ["query", query, *store_args])
    assert result.exit_code == 0 and result.stdout.strip() == "true", result.output


@pytest.mark.parametrize(
    ("fmt", "parser"), [("ttl", "turtle"), ("nt", "nt"), ("nq", "nquads"), ("jsonld", "json-ld")]
)
def test_dump_every_format_parses_back(runner, store_args, built, fmt, parser, tmp_path):
    result = runner.invoke(main, ["dump", "--format", fmt, *store_args])
    assert result.exit_code == 0
    graph = Dataset() if fmt == "nq" else Graph()
    graph.parse(data=result.stdout_bytes, format=parser)
    assert len(graph) == built.triples or (
        fmt == "nq" and sum(len(g) for g in graph.graphs()) == built.triples
    )
    out = tmp_path / f"dump.{fmt}.gz"
    written = runner.invoke(main, ["dump", "--format", fmt, "-o", str(out), *store_args])
    assert written.exit_code == 0
    assert gzip.decompress(out.read_bytes()) == result.stdout_bytes


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and "kaltim-kg" in result.stdout


def test_store_from_environment(runner, settings, monkeypatch):
    monkeypatch.setenv("KALTIM_KG_STORE", str(settings.store_dir))
    result = runner.invoke(main, ["query", "ASK { ?s a kkg:ExportFlow }"])
    assert result.stdout.strip() == "true"


def test_installed_resources_are_found_from_any_directory(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0
    assert Path.cwd() == tmp_path


def test_a_store_keeps_the_base_iri_it_was_built_with(runner, tmp_path, monkeypatch):
    monkeypatch.delenv("KALTIM_KG_BASE_URI", raising=False)
    store, base = tmp_path / "s", "https://example.org/kg/"
    assert runner.invoke(main, ["build", "--store", str(store), "--base-uri", base]).exit_code == 0
    extra = tmp_path / "extra.nt"
    extra.write_text(f'<{base}id/note/1> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    loaded = runner.invoke(main, ["load", str(extra), "--store", str(store), "--no-validate"])
    assert loaded.exit_code == 0, loaded.output
    assert f"{base}graph/extra: 1 triples" in loaded.stdout  # not under the default base
    rebuilt = runner.invoke(main, ["build", "--store", str(store)])  # no base named: the store's
    assert rebuilt.exit_code == 0, rebuilt.output
    manifest = StoreDir(store).require_current().manifest
    assert manifest["base_uri"] == base
    assert all(graph.startswith(base) for graph in manifest["graphs"])
    other = runner.invoke(
        main, ["build", "--store", str(store), "--base-uri", "https://x.example/"]
    )
    assert other.exit_code == 2
    assert other.stderr.startswith(f"error: {store}: its IRIs are under {base}")
    assert StoreDir(store).require_current().manifest["base_uri"] == base  # nothing changed


def test_settings_without_a_base_take_the_store_s(runner, tmp_path):
    from kaltim_kg.config import load_settings
    from kaltim_kg.store.publish import with_store_base

    store, base = tmp_path / "s", "https://example.org/kg/"
    assert runner.invoke(main, ["build", "--store", str(store), "--base-uri", base]).exit_code == 0
    settings = load_settings(env={}, store_dir=store)
    assert settings.base_uri != base
    assert with_store_base(settings, explicit=False).base_uri == base
