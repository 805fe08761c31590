"""Run a SPARQL query against the local store for the command line."""

from __future__ import annotations

import pyoxigraph

from kaltim_kg.config import Settings
from kaltim_kg.errors import KaltimKGError
from kaltim_kg.namespaces import PREFIXES, QUERY_PREFIXES
from kaltim_kg.query.scan import scan_query, syntax_message
from kaltim_kg.store.generations import StoreDir


class QueryError(KaltimKGError):
    """The query could not be parsed or run."""


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.Literal):
        return term.value
    if isinstance(term, pyoxigraph.NamedNode):
        value = term.value
        for prefix, namespace in PREFIXES.items():
            if value.startswith(namespace):
                return f"{prefix}:{value[len(namespace) :]}"
        return f"<{value}>"
    return str(term)


def _table(solutions: pyoxigraph.QuerySolutions) -> str:
    names = [v.value for v in solutions.variables]
    rows = [[_cell(row[name]) for name in names] for row in solutions]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    line = lambda cells: " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()  # noqa: E731
    out = [line(names), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def run_local_query(settings: Settings, query: str, fmt: str) -> str:
    """Query the current generation (default graph = union of named graphs); return text."""
    if not query.strip():
        raise QueryError("empty query")
    update = scan_query(query).update
    if update is not None:
        raise QueryError(f"updates are refused: {update} (SPARQL Update); the store is read only")
    store = StoreDir(settings.store_dir).require_current().open()
    try:
        result = store.query(query, use_default_graph_as_union=True, prefixes=QUERY_PREFIXES)
    except SyntaxError as exc:
        raise QueryError(f"bad query: {syntax_message(query, str(exc))}") from None
    if isinstance(result, pyoxigraph.QueryBoolean):
        return ("true" if bool(result) else "false") + "\n"
    if isinstance(result, pyoxigraph.QueryTriples):
        rdf = pyoxigraph.RdfFormat.TURTLE
        return (result.serialize(format=rdf) or b"").decode()
    if fmt == "table":
        return _table(result)
    results_format = {
        "csv": pyoxigraph.QueryResultsFormat.CSV,
        "json": pyoxigraph.QueryResultsFormat.JSON,
    }
    return (result.serialize(format=results_format[fmt]) or b"").decode()
