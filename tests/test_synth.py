"""The synthetic statistics generator: deterministic, in our vocabulary, SHACL-valid."""

from __future__ import annotations

import gzip
from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import RDF, XSD

from kaltim_kg.cli import main
from kaltim_kg.graph.build import ontology_graph
from kaltim_kg.graph.synth import TRIPLES_PER_FLOW, synthesize
from kaltim_kg.graph.validate import validate_graph
from kaltim_kg.namespaces import KKG


def _graph(path: Path) -> Graph:
    return Graph().parse(data=gzip.decompress(path.read_bytes()), format="nt")


def test_small_synthetic_file_conforms_to_the_shapes(tmp_path: Path) -> None:
    path = tmp_path / "s.nt.gz"
    stats = synthesize(path, 3_000, seed=5)
    graph = _graph(path)
    assert len(graph) == stats.triples
    flows = set(graph.subjects(RDF.type, KKG.ExportFlow))
    assert len(flows) == stats.flows > 200
    report = validate_graph(graph, ontology=ontology_graph())
    assert report.conforms, report.lines
    assert report.lines == []


def test_every_flow_has_month_value_and_weight(tmp_path: Path) -> None:
    path = tmp_path / "s.nt.gz"
    synthesize(path, 1_000, seed=1)
    graph = _graph(path)
    for flow in graph.subjects(RDF.type, KKG.ExportFlow):
        month = graph.value(flow, KKG.month)  # CONTRACT §5: an integer 1-12 beside the year
        assert month.datatype == XSD.integer and 1 <= month.toPython() <= 12
        assert graph.value(flow, KKG.valueIdr).toPython() > 0
        assert graph.value(flow, KKG.netWeightKg).toPython() > 0


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    runner = CliRunner()
    outputs = []
    for name, seed in (("a", "7"), ("b", "7"), ("c", "8")):
        path = tmp_path / f"{name}.nt.gz"
        result = runner.invoke(
            main, ["synth", "--triples", "1500", "--seed", seed, "-o", str(path)]
        )
        assert result.exit_code == 0, result.output
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0] != outputs[2]


def test_the_file_holds_the_triples_asked_for_within_one_flow(tmp_path: Path) -> None:
    for asked in (500, 1_000, 2_345, 30_000, 120_000):
        path = tmp_path / f"s{asked}.nt"
        stats = synthesize(path, asked, seed=2)
        lines = path.read_bytes().count(b"\n")
        assert lines == stats.triples
        assert asked - TRIPLES_PER_FLOW < lines <= asked, (asked, lines)


def test_fewer_triples_than_one_flow_needs_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "tiny.nt"
    result = CliRunner().invoke(main, ["synth", "--triples", "1", "-o", str(path)])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()[-1:]
    assert line.startswith("error: --triples 1: at least ") and "one flow" in line
    assert list(tmp_path.iterdir()) == []  # nothing written, not even an empty file
