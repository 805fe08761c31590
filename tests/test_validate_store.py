"""The SHACL gate at scale: focus-node batches over a store give pySHACL's verdict."""

from __future__ import annotations

import pyoxigraph
import pytest

from kaltim_kg.errors import ShapesError
from kaltim_kg.graph.build import ontology_graph
from kaltim_kg.graph.synth import synthesize
from kaltim_kg.graph.validate import shapes_graph, target_classes, validate_store
from kaltim_kg.namespaces import KKG

GRAPH = "http://example.org/synthetic"


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory) -> pyoxigraph.Store:
    path = tmp_path_factory.mktemp("synth") / "s.nt"
    synthesize(path, 4_000, seed=2)
    store = pyoxigraph.Store()
    store.bulk_load(
        path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(GRAPH)
    )
    return store


def test_conforming_data_in_many_batches(synthetic_store: pyoxigraph.Store) -> None:
    report = validate_store(synthetic_store, [GRAPH], ontology_graph(), batch_nodes=50, workers=1)
    assert report.conforms, report.lines
    flows = synthetic_store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?f a <{KKG.ExportFlow}> }}")
    assert report.focus_nodes > int(next(iter(flows))[0].value)


def test_violations_found_in_worker_processes(synthetic_store: pyoxigraph.Store) -> None:
    store = pyoxigraph.Store()
    store.extend(synthetic_store.quads_for_pattern(None, None, None, None))
    victims = list(
        store.quads_for_pattern(None, pyoxigraph.NamedNode(str(KKG.destination)), None, None)
    )[:3]
    for quad in victims:
        store.remove(quad)
    report = validate_store(store, [GRAPH], ontology_graph(), batch_nodes=100, workers=2)
    assert not report.conforms
    flagged = {line.split(" ", 1)[0] for line in report.lines}
    expected = {"id/" + q.subject.value.split("/id/", 1)[1] for q in victims}
    assert flagged == expected
    assert all("(kkg:destination)" in line for line in report.lines)


def test_unsupported_targets_are_refused_not_skipped() -> None:
    shapes = shapes_graph()
    shapes.parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . "
        "<urn:s> a sh:NodeShape ; sh:targetNode <urn:x> .",
        format="turtle",
    )
    with pytest.raises(ShapesError):
        target_classes(shapes, ontology_graph())
