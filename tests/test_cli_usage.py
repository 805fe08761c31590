"""What a new user hit on the command line (issue 18 item 8): each a one-line reason and exit 2."""

from __future__ import annotations

import gzip
import json

import click
import pytest
from click.testing import CliRunner
from rdflib import Dataset

from kaltim_kg.cli import main
from kaltim_kg.namespaces import QUERY_PREFIXES


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def store_args(settings) -> list[str]:
    return ["--store", str(settings.store_dir)]


def _one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["--port", "99999"], "--port"),
        (["--port", "0"], "--port"),
        (["--query-timeout", "-1"], "--query-timeout"),
        (["--query-timeout", "0"], "--query-timeout"),
        (["--query-timeout", "nan"], "--query-timeout"),
        (["--threads", "0"], "--threads"),
        (["--workers", "0"], "--workers"),
    ],
)
def test_serve_refuses_numbers_out_of_range_in_one_line(runner, store_args, args, names):
    result = runner.invoke(main, ["serve", *store_args, *args])
    assert result.exit_code == 2
    line = _one_line(result)
    assert line.startswith("error: ") and names in line


def test_an_environment_variable_out_of_range_is_the_same_usage_error(runner, store_args):
    result = runner.invoke(main, ["serve", "--check", *store_args], env={"KALTIM_KG_PORT": "70000"})
    assert result.exit_code == 2
    assert "KALTIM_KG_PORT" in _one_line(result)


def test_dump_takes_its_format_from_the_output_suffix(runner, store_args, tmp_path):
    out = tmp_path / "d.jsonld"
    assert runner.invoke(main, ["dump", *store_args, "-o", str(out)]).exit_code == 0
    assert "@context" in json.loads(out.read_text(encoding="utf-8"))
    quads = tmp_path / "d.nq.gz"
    assert runner.invoke(main, ["dump", *store_args, "-o", str(quads)]).exit_code == 0
    dataset = Dataset()
    dataset.parse(data=gzip.decompress(quads.read_bytes()).decode(), format="nquads")
    assert len(list(dataset.graphs())) > 2  # named graphs kept


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["-o", "d.txt"], "no format for this suffix"),
        (["--format", "nt", "-o", "d.ttl"], "the suffix says ttl, --format says nt"),
    ],
)
def test_dump_refuses_a_suffix_it_cannot_honour(runner, store_args, tmp_path, args, reason):
    args = [str(tmp_path / a) if a.startswith("d.") else a for a in args]
    result = runner.invoke(main, ["dump", *store_args, *args])
    assert result.exit_code == 2 and reason in _one_line(result)
    assert list(tmp_path.iterdir()) == []


def test_query_reads_standard_input(runner, store_args):
    result = runner.invoke(main, ["query", *store_args, "-"], input="ASK { ?s ?p ?o }\n")
    assert result.exit_code == 0 and result.stdout.strip() == "true"


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("missing.rq", "missing.rq: no such query file"),
        ("queries/top.sparql", "queries/top.sparql: no such query file"),
        ("INSERT DATA { <a:b> <a:b> <a:b> }", "updates are refused: INSERT"),
        ("DELETE WHERE { ?s ?p ?o }", "updates are refused: DELETE"),
        ("SELECT * WHERE { ?s ?p }", "bad query: error at 1:"),
        ("   ", "empty query"),
    ],
)
def test_query_tells_a_missing_file_an_update_and_a_bad_query_apart(
    runner, store_args, query, reason
):
    result = runner.invoke(main, ["query", *store_args, query])
    assert result.exit_code == 2
    assert reason in _one_line(result)


def test_common_prefixes_need_no_declaration(runner, store_args):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s dct:title ?t }"
    result = runner.invoke(main, ["query", *store_args, "--format", "csv", query])
    assert result.exit_code == 0, result.stderr
    assert int(result.stdout.split()[1]) > 0
    assert {"dct", "dcat", "geo", "qb", "void", "foaf", "sdmx"} <= set(QUERY_PREFIXES)


def test_an_unknown_prefix_is_named_in_one_line_with_the_known_ones(runner, store_args):
    result = runner.invoke(main, ["query", *store_args, "SELECT * { ?s foo:bar ?o }"])
    assert result.exit_code == 2
    line = _one_line(result)
    assert "unknown prefix foo:" in line and "dct, dcterms" in line
    assert "\\u{" not in line  # not the engine's list of Unicode ranges


def test_the_endpoint_names_an_unknown_prefix_in_one_line(client):
    response = client.get("/sparql", query_string={"query": "SELECT * { ?s foo:bar ?o }"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert body.count("\n") == 1 and "unknown prefix foo:" in body
    assert "skos" in body and "…" not in body  # the whole list of known prefixes
    ok = client.get("/sparql", query_string={"query": "ASK { ?s dct:title ?t }"})
    assert ok.status_code == 200 and ok.get_json()["boolean"] is True


def _options(command: click.Command, path: tuple[str, ...] = ()):
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _options(sub, (*path, name))
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            yield " ".join(path), param


def test_every_option_says_what_it_does_for_its_command():
    for command, option in _options(main):
        assert option.help, f"{command} {option.opts[0]} has no help"
        if command in ("validate", "synth"):  # no store there to keep a base IRI
            assert "store" not in option.help, f"{command} {option.opts[0]}: {option.help}"
