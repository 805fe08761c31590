"""An engine's answer in standard terms, so no client can tell which engine gave it.

Engines are asked for SPARQL JSON (solutions, booleans) and N-Triples (graphs), the forms
every engine writes; kaltim-kg then writes the format the client asked for itself, with the
same writers and row cap as the embedded engine. Virtuoso's JSON differs from the standard
in ways this module undoes: `typed-literal`, booleans written `1`/`0`, blank nodes named
`nodeID://b10000`, an explicit `xsd:string`, extra `link`/`distinct`/`ordered` members.
Language tags are compared case-insensitively (BCP 47); Virtuoso lowers them, and so does
Oxigraph, so they are left as they come.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kaltim_kg.errors import QueryUnavailable

XSD = "http://www.w3.org/2001/XMLSchema#"
_BLANK_ID = re.compile(r"[^A-Za-z0-9_]")
_BOOLEAN = {"1": "true", "0": "false", "true": "true", "false": "false"}


def _blank_id(value: str) -> str:
    """A valid blank node label for an engine's own (`nodeID://b10000` -> `b10000`)."""
    label = value.removeprefix("nodeID://").removeprefix("_:")
    label = _BLANK_ID.sub("_", label)
    return label if label and not label[0].isdigit() else f"b{label}"


def _term(term: dict[str, Any]) -> dict[str, Any]:
    kind = term.get("type")
    if kind == "bnode":
        return {"type": "bnode", "value": _blank_id(str(term.get("value", "")))}
    if kind in ("literal", "typed-literal"):
        value = str(term.get("value", ""))
        datatype = term.get("datatype")
        if datatype == XSD + "boolean":
            value = _BOOLEAN.get(value, value)
        out: dict[str, Any] = {"type": "literal", "value": value}
        if term.get("xml:lang"):
            out["xml:lang"] = term["xml:lang"]
        elif datatype and datatype != XSD + "string":
            out["datatype"] = datatype
        return out
    return term


def _unmangled(name: str) -> str:
    """Virtuoso writes a non-ASCII variable name as its UTF-8 bytes read as Latin-1."""
    if name.isascii():
        return name
    try:
        return name.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


# Virtuoso's forms that only a rewrite of each term undoes; without them, renaming
# `typed-literal` is all it takes (a JSON string cannot hold these quote marks unescaped, so
# the sequence is only ever the member itself).
_NEEDS_REWRITE = (b'"bnode"', b"XMLSchema#boolean", b"XMLSchema#string", b'"boolean"')
_TYPED = b'"type": "typed-literal"'


def _only_typed_literals(body: bytes, latin1_names: bool) -> bool:
    if any(form in body for form in _NEEDS_REWRITE):
        return False
    head = body[: body.find(b'"results"')]
    mangled = latin1_names and (not head.isascii() or b"\\u" in head)  # as bytes or \u escapes
    return not mangled and b'"typed-literal"' not in body.replace(_TYPED, b"")


def standard_json(body: bytes, latin1_names: bool = False) -> bytes:
    """The engine's SPARQL JSON results rewritten as standard SPARQL 1.1 JSON
    (`latin1_names`: undo Virtuoso's reading of variable names as Latin-1).

    Most answers differ from the standard only by `typed-literal`: those are renamed in
    the bytes (a 1,900-row answer took 15 ms through json in Python, ~0.3 ms so); the
    extra members (`link`, `distinct`, `ordered`) are left, as every reader ignores them."""
    if b'"results"' in body and _only_typed_literals(body, latin1_names):
        return body.replace(_TYPED, b'"type": "literal"')
    rename = _unmangled if latin1_names else str
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise QueryUnavailable(f"the engine's answer is not SPARQL JSON: {exc}") from None
    if not isinstance(document, dict):
        raise QueryUnavailable("the engine's answer is not SPARQL JSON")
    if "boolean" in document:
        return json.dumps({"head": {}, "boolean": bool(document["boolean"])}).encode()
    head = document.get("head") or {}
    rows = (document.get("results") or {}).get("bindings") or []
    bindings = [{rename(name): _term(term) for name, term in row.items()} for row in rows]
    names = [rename(name) for name in head.get("vars") or []]
    out = {"head": {"vars": names}, "results": {"bindings": bindings}}
    return json.dumps(out, ensure_ascii=False).encode()
