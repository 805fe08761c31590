"""The SHACL gate around pyshacl: validate a dataset, and say where each problem was written."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kaltim_kg.config import resource_dir
from kaltim_kg.facts import Where
from kaltim_kg.namespaces import PREFIXES, SH


@dataclass(frozen=True)
class Report:
    """Outcome of one SHACL run, in the shape of pySHACL's `(conforms, graph, text)`."""

    conforms: bool
    graph: Graph
    text: str
    lines: list[str]


def shapes_graph(path: Path | None = None) -> Graph:
    return Graph().parse(path or resource_dir("shapes") / "kaltim-shapes.ttl", format="turtle")


def _short(node: object) -> str:
    """Compact an IRI for a message: a prefixed name, or the path under /id/."""
    text = str(node)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    if "/id/" in text:
        return "id/" + text.split("/id/", 1)[1]
    return text


def explain(results: Graph, origins: Mapping[URIRef, Where] | None = None) -> list[str]:
    """One `file:line: reason` line per violation, sorted, for humans and the CLI."""
    origins = origins or {}
    lines = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage) or "constraint violated"
        severity = results.value(result, SH.resultSeverity)
        where = origins.get(focus)  # type: ignore[arg-type]
        prefix = f"{where}: " if where else ""
        level = str(severity).rsplit("#", 1)[-1].lower()
        sev = "" if severity == SH.Violation else f"[{level}] "
        on = f" ({_short(path)})" if path is not None else ""
        lines.append(f"{prefix}{sev}{_short(focus)}{on}: {message}")
    return sorted(set(lines))


def validate_graph(
    data: Graph,
    ontology: Graph | None = None,
    shapes: Graph | None = None,
    origins: Mapping[URIRef, Where] | None = None,
) -> Report:
    """Validate data (+ ontology for the class hierarchy) against the shapes."""
    conforms, results, text = shacl_validate(
        data,
        shacl_graph=shapes if shapes is not None else shapes_graph(),
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=False,
    )
    return Report(bool(conforms), results, str(text), explain(results, origins))
