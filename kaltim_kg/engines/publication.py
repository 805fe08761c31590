"""Push a generation to remote engines: stage every graph, check it, switch in one update.

Every named graph of the generation, and the new publication record, is uploaded (Graph
Store protocol PUT) under a staging name `urn:kaltim-kg:staging:{graph}`, which no query of
the front end can see (it sends our graphs as the protocol dataset, never the staging
ones). On Oxigraph server the union of them all, each triple once, is uploaded too, under
a name of its own for the generation (`union_graph`), which no front end asks before the
publication record names it: the default graph the front end queries there, as one graph
is answered several times faster than a list of them. The staged counts must equal the
generation's manifest, graph by graph; then one transaction moves each staged graph onto
its real name and empties the graphs the previous push had that this one has not: on Oxigraph server one SPARQL Update request (MOVE, DROP),
on Virtuoso one SQL procedure call through isql (its SPARQL MOVE commits as it goes; see
`isql`). A reader sees the previous push whole until the switch commits and this one whole
after it. A push that fails before the switch drops what it staged and changes nothing a
reader sees; the counts are checked once more after the switch. The previous push's union
graph is dropped `retire_after` seconds after the switch, when no front end can still be
reading it: their copy of the record is at most RECORD_SECONDS old, and a query started on
it ends within the front end's query timeout (`push` waits that long, the timeout being
the store's `query_timeout`).

With several engines (replicas) every one is staged and checked before any is switched.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from kaltim_kg.engines.isql import switch_graphs
from kaltim_kg.engines.protocol import (
    PUBLICATION_GRAPH,
    UNION_GRAPH,
    EngineClient,
    Publication,
    publication_triples,
    union_graph,
)
from kaltim_kg.errors import EngineError, KaltimKGError

STAGING_PREFIX = "urn:kaltim-kg:staging:"
_SAFE_IRI = re.compile(r'^[^<>"{}|^`\\\x00-\x20]+$')


def staging_name(graph: str) -> str:
    return STAGING_PREFIX + graph


@dataclass(frozen=True)
class PushReport:
    engine: str
    generation: str
    graphs: int
    quads: int
    previous: str | None  # the generation that was live before


def _checked(graphs: Mapping[str, int]) -> dict[str, int]:
    for graph in graphs:
        if not _SAFE_IRI.match(graph) or graph.startswith("urn:kaltim-kg:"):
            raise EngineError(f"graph name {graph!r} cannot be pushed")
    return dict(graphs)


def _compare(client: EngineClient, expected: Mapping[str, int], name: Callable[[str], str]) -> None:
    wrong = []
    for graph, count in expected.items():
        found = client.count(name(graph))
        if found != count:
            says = "distinct triples in its graphs" if graph.startswith(UNION_GRAPH) else ""
            wrong.append(f"{graph}: {found} triples, the manifest says {count} {says}".rstrip())
    if wrong:
        raise EngineError(f"{client.url}: " + "; ".join(wrong[:5]))


def _stage(
    client: EngineClient,
    generation: str,
    graphs: Mapping[str, int],
    ntriples: Callable[[str], bytes],
    union_triples: int,
    progress: Callable[[str], None],
) -> None:
    for graph, count in graphs.items():
        if count == 0:
            continue
        progress(f"{client.url}: staging {graph} ({count} triples)")
        client.put_graph(staging_name(graph), ntriples(graph))
    _compare(client, graphs, staging_name)
    union = _union_for(client, generation)
    if union is not None:
        progress(f"{client.url}: writing the union of every graph ({union_triples} triples)")
        # One upload, so a blank node two graphs share stays one node in the union.
        client.put_graph(union, b"".join(ntriples(g) for g, n in graphs.items() if n > 0))
        _compare(client, {union: union_triples}, lambda g: g)
    record = publication_triples(generation, sorted(graphs), sum(graphs.values()), union)
    client.put_graph(staging_name(PUBLICATION_GRAPH), record.encode())


def _union_for(client: EngineClient, generation: str) -> str | None:
    """The union graph this push writes to `client`: Oxigraph server only. Virtuoso's
    readers of our graphs were seen missing rows during pushes that also wrote a union
    graph (the same triples, in the same index pages), and Virtuoso gains less from it
    (1.5-2.5x on quick queries, against Oxigraph server's 8x on the aggregation)."""
    return union_graph(generation) if client.address.kind == "oxigraph" else None


def _drop_staging(client: EngineClient, generation: str, graphs: Sequence[str]) -> None:
    names = [staging_name(g) for g in [*graphs, PUBLICATION_GRAPH]] + [union_graph(generation)]
    update = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in names)
    # Best effort: the next push replaces them anyway.
    with contextlib.suppress(KaltimKGError):
        client.update(update, "dropping the staged graphs")


def _moves(graphs: Mapping[str, int]) -> list[tuple[str, str]]:
    live = [g for g, count in graphs.items() if count > 0]
    return [(staging_name(g), g) for g in [*live, PUBLICATION_GRAPH]]


def _drops(graphs: Mapping[str, int], previous_graphs: Sequence[str]) -> list[str]:
    empty = [g for g, count in graphs.items() if count == 0]
    return [*empty, *(g for g in previous_graphs if g not in graphs)]


def switch_update(graphs: Mapping[str, int], previous_graphs: Sequence[str]) -> str:
    """The one SPARQL Update (one transaction on Oxigraph) that puts a staged push live."""
    operations = [f"DROP SILENT GRAPH <{g}>" for g in _drops(graphs, previous_graphs)]
    operations += [f"MOVE SILENT GRAPH <{a}> TO GRAPH <{b}>" for a, b in _moves(graphs)]
    return " ;\n".join(operations)


def _switch(client: EngineClient, graphs: Mapping[str, int], previous: Sequence[str]) -> None:
    if client.address.kind == "virtuoso":
        switch_graphs(client.address, _moves(graphs), _drops(graphs, previous))
    else:
        client.update(switch_update(graphs, previous), "switching the staged graphs live")


def push(
    clients: Sequence[EngineClient],
    generation: str,
    graphs: Mapping[str, int],
    ntriples: Callable[[str], bytes],
    progress: Callable[[str], None] = lambda _: None,
    union_triples: int | None = None,
    retire_after: float = 0.0,
) -> list[PushReport]:
    """Publish `graphs` (name -> triple count from the manifest) of `generation` to every
    engine; `ntriples(name)` gives a graph's content, `union_triples` the distinct triples
    over all of them (default: the sum, for graphs that share none). Raises EngineError,
    leaving what readers see unchanged, if any engine fails before the switch. The previous
    push's union graph is dropped `retire_after` seconds after the switch."""
    graphs = _checked(graphs)
    if not _SAFE_IRI.match(generation):
        raise EngineError(f"generation {generation!r} cannot name a graph")
    union = sum(graphs.values()) if union_triples is None else union_triples
    previous = {client.url: client.publication() for client in clients}
    staged: list[EngineClient] = []
    try:
        for client in clients:
            staged.append(client)
            _stage(client, generation, graphs, ntriples, union, progress)
    except Exception:
        for client in staged:
            _drop_staging(client, generation, list(graphs))
        raise
    reports = []
    for client in clients:
        before = previous[client.url]
        progress(f"{client.url}: switching to generation {generation}")
        _switch(client, graphs, before.graphs if before else ())
        written = _union_for(client, generation)
        _compare(client, {**graphs, **({written: union} if written else {})}, lambda g: g)
        reports.append(
            PushReport(
                client.url,
                generation,
                len(graphs),
                sum(graphs.values()),
                before.generation if before else None,
            )
        )
    _retire_unions(clients, previous, generation, retire_after, progress)
    return reports


def _retire_unions(
    clients: Sequence[EngineClient],
    previous: Mapping[str, Publication | None],
    generation: str,
    after: float,
    progress: Callable[[str], None],
) -> None:
    """Drop the union graphs the pushes before this one made, once no reader can use them."""
    old = {
        client.url: before.union
        for client in clients
        if (before := previous[client.url]) is not None
        and before.union
        and before.union != union_graph(generation)
    }
    if not old:
        return
    if after > 0:
        progress(f"waiting {after:g} s for queries on the previous union graph to end")
        time.sleep(after)
    for client in clients:
        if client.url in old:
            try:
                client.update(f"DROP SILENT GRAPH <{old[client.url]}>", "dropping the union")
            except KaltimKGError as exc:
                # The push is live: say what is left over rather than fail it.
                progress(f"{client.url}: {old[client.url]} is left over ({exc}); drop it later")
