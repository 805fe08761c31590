"""Run pySHACL with copied shape files and split the results by severity."""

from __future__ import annotations

from pathlib import Path

from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import SH

CONFORMANCE = Path(__file__).parent / "conformance"


def shapes(*names: str) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(CONFORMANCE / name)
    return graph


def results(data: Graph, shapes_graph: Graph) -> dict[str, list[str]]:
    """Severity local name ('Violation', 'Warning', 'Info') → result messages."""
    _, report, _ = validate(data, shacl_graph=shapes_graph, inference="none", allow_warnings=True)
    found: dict[str, list[str]] = {}
    for result in report.subjects(SH.resultSeverity, None):
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        focus = report.value(result, SH.focusNode)
        message = report.value(result, SH.resultMessage)
        found.setdefault(severity, []).append(f"{focus}: {message}")
    return found
