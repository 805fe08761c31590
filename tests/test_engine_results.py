"""Virtuoso's SPARQL JSON made standard (engines/results.py): the quick rename of
`typed-literal` gives the same solutions as the full rewrite, which still takes every
answer holding a form only it undoes."""

from __future__ import annotations

import json

import pyoxigraph
import pytest

from kaltim_kg.engines import results
from kaltim_kg.engines.results import standard_json

XSD = "http://www.w3.org/2001/XMLSchema#"


def virtuoso_json(rows: list[dict], names: list[str]) -> bytes:
    """An answer as Virtuoso 7 writes it: its spacing, `typed-literal`, extra members."""
    bindings = ",\n".join(
        "{ "
        + "\t, ".join(f'"{n}": {json.dumps(t, ensure_ascii=False)}' for n, t in row.items())
        + "}"
        for row in rows
    )
    head = ", ".join(f'"{n}"' for n in names)
    text = (
        f'\n{{ "head": {{ "link": [], "vars": [{head}] }},\n  "results": {{ "distinct": false, '
        f'"ordered": true, "bindings": [\n{bindings} ] }} }}'
    )
    return text.encode("utf-8")


def typed(value: str, datatype: str) -> dict:
    return {"type": "typed-literal", "datatype": XSD + datatype, "value": value}


def solutions(body: bytes) -> list[list[object]]:
    parsed = pyoxigraph.parse_query_results(body, format=pyoxigraph.QueryResultsFormat.JSON)
    return [[row[v] for v in parsed.variables] for row in parsed]


def full_rewrite(body: bytes, monkeypatch) -> bytes:
    monkeypatch.setattr(results, "_only_typed_literals", lambda *_: False)
    return standard_json(body, latin1_names=True)


ROWS = [
    {"s": {"type": "uri", "value": "http://example.org/a"}, "v": typed("1.5", "decimal")},
    {"s": {"type": "uri", "value": "http://example.org/b"}, "v": typed("7", "integer")},
    {
        "s": {"type": "uri", "value": "http://example.org/c"},
        "v": {"type": "literal", "xml:lang": "id", "value": 'kata "typed-literal" itu'},
    },
]


def test_typed_literals_alone_are_renamed_in_the_bytes(monkeypatch):
    body = virtuoso_json(ROWS, ["s", "v"])
    quick = standard_json(body, latin1_names=True)
    assert b"typed-literal" not in quick.replace(b'\\"typed-literal\\"', b"")
    assert b'"link"' in quick  # the bytes as Virtuoso wrote them, but for the rename
    expected = solutions(full_rewrite(body, monkeypatch))
    assert solutions(quick) == expected
    assert expected[0][1] == pyoxigraph.Literal(
        "1.5", datatype=pyoxigraph.NamedNode(XSD + "decimal")
    )
    assert expected[2][1] == pyoxigraph.Literal('kata "typed-literal" itu', language="id")


@pytest.mark.parametrize(
    "term, names, standard",
    [
        (
            typed("1", "boolean"),
            ["v"],
            pyoxigraph.Literal("true", datatype=pyoxigraph.NamedNode(XSD + "boolean")),
        ),
        (typed("x", "string"), ["v"], pyoxigraph.Literal("x")),
        ({"type": "bnode", "value": "nodeID://b10007"}, ["v"], pyoxigraph.BlankNode("b10007")),
        (
            typed("2", "integer"),
            ["f\u01dcow"],
            pyoxigraph.Literal("2", datatype=pyoxigraph.NamedNode(XSD + "integer")),
        ),
    ],
)
def test_forms_only_the_rewrite_undoes_are_rewritten(term, names, standard):
    name = names[0]
    # Virtuoso writes a non-ASCII variable name as its UTF-8 bytes read as Latin-1.
    written = name.encode("utf-8").decode("latin-1")
    body = virtuoso_json([{written: term}], [written])
    parsed = pyoxigraph.parse_query_results(
        standard_json(body, latin1_names=True), format=pyoxigraph.QueryResultsFormat.JSON
    )
    assert [v.value for v in parsed.variables] == [name]
    assert [row[0] for row in parsed] == [standard]
