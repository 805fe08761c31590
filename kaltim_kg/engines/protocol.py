"""The SPARQL protocols one engine speaks: query, update, Graph Store, and the record of
what kaltim-kg published there.

Both kinds take the SPARQL 1.1 Protocol and the Graph Store HTTP Protocol; what differs is
their paths (`address`), Virtuoso's digest authentication for writes, and how each is told
the time a query may take: Virtuoso's `timeout` parameter (milliseconds; past it Virtuoso
answers 200 with *partial* results and `X-SQL-State: S1TAT`, which is turned into a
timeout here), Oxigraph server's `--timeout-s`, fixed when it starts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from kaltim_kg.engines.address import EngineAddress
from kaltim_kg.engines.http import EngineHTTP, EngineResponse
from kaltim_kg.engines.results import standard_json
from kaltim_kg.errors import (
    EngineError,
    EngineFailed,
    QuerySyntaxError,
    QueryTimeout,
    QueryUnavailable,
)

# The graph that records the push now live: its generation and its graphs.
PUBLICATION_GRAPH = "urn:kaltim-kg:publication"
_P = "urn:kaltim-kg:"
# A graph that never holds anything: the dataset of a request that names none of ours.
EMPTY_GRAPH = "urn:kaltim-kg:empty"
# Every triple of the push's graphs, once: the default graph of the front end's queries on
# Oxigraph server, which answers from one graph several times faster than from a list of
# them (the aggregation 8x, bench/RESULTS.md), at the cost of holding each triple twice
# (Virtuoso gets none: engines/publication.py, `_union_for`). Named per generation: a push
# writes a new one, never moves it.
UNION_GRAPH = "urn:kaltim-kg:union:"
# How stale a front end's copy of the publication record may be, in seconds.
RECORD_SECONDS = 1.0


def union_graph(generation: str) -> str:
    return UNION_GRAPH + generation


JSON_RESULTS = "application/sparql-results+json"
_VIRTUOSO_QUERY_ERROR = re.compile(r"Virtuoso (37|22|42)\w{3} Error")
N_TRIPLES = "application/n-triples"
WRITE_TIMEOUT = 600.0  # seconds for one graph upload or the switch


@dataclass(frozen=True)
class Publication:
    """What the last successful push put live on an engine."""

    generation: str
    graphs: tuple[str, ...]
    quads: int
    union: str | None = None  # the graph holding them all (None: pushed without one)


@dataclass(frozen=True)
class Dataset:
    """The protocol dataset sent with a query (None: let the query's FROM decide)."""

    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None


class EngineClient:
    """One engine, as kaltim-kg uses it."""

    def __init__(self, address: EngineAddress) -> None:
        self.address = address
        self.http = EngineHTTP(address)

    @property
    def url(self) -> str:
        return self.address.url

    def close(self) -> None:
        self.http.close()

    # Reading

    def _query(
        self, query: str, accept: str, dataset: Dataset | None, timeout: float, max_bytes: int
    ) -> EngineResponse:
        fields: list[tuple[str, str]] = [("query", query)]
        if dataset is not None:
            fields += [("default-graph-uri", g) for g in dataset.default_graphs or ()]
            fields += [("named-graph-uri", g) for g in dataset.named_graphs or ()]
        if self.address.kind == "virtuoso":
            fields.append(("timeout", str(max(1, int(timeout * 1000)))))
        response = self.http.request(
            "POST",
            self.address.query_path,
            body=urlencode(fields).encode(),
            headers={
                # Virtuoso reads a form without a charset as Latin-1 (it mangled `?fǜow`).
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "Accept": accept,
            },
            timeout=timeout,
            max_bytes=max_bytes,
        )
        if response.header("X-SQL-State") == "S1TAT":  # Virtuoso's partial answer
            raise QueryTimeout(f"query stopped after the {timeout:g} s timeout")
        first_line = response.first_line()
        if response.status >= 500 and "timeout" in first_line.lower():
            raise QueryTimeout(f"query stopped after the {timeout:g} s timeout")
        if 400 <= response.status < 500 or _VIRTUOSO_QUERY_ERROR.match(first_line):
            # Virtuoso answers 500 for queries it cannot compile or evaluate (SQL states
            # 37000, 22xxx, 42xxx), e.g. a transitive path with no bound end.
            if "exceeds the limit" in first_line:  # its cost estimate: an engine limit
                raise QueryUnavailable(f"the engine refuses the query: {first_line}")
            raise QuerySyntaxError(f"the engine cannot evaluate the query: {first_line}")
        if response.status != 200:
            raise EngineFailed(f"engine {self.url} answered {response.status}: {response.reason()}")
        return response

    def select(self, query: str, dataset: Dataset | None, timeout: float, max_bytes: int) -> bytes:
        """SELECT or ASK results as standard SPARQL JSON (Virtuoso's rewritten)."""
        response = self._query(query, JSON_RESULTS, dataset, timeout, max_bytes)
        if self.address.kind == "oxigraph":
            return response.body  # already standard: no rewriting in Python
        return standard_json(response.body, latin1_names=True)

    def construct(
        self, query: str, dataset: Dataset | None, timeout: float, max_bytes: int
    ) -> bytes:
        """CONSTRUCT or DESCRIBE results as N-Triples."""
        return self._query(query, N_TRIPLES, dataset, timeout, max_bytes).body

    def publication(self, timeout: float = 10.0) -> Publication | None:
        """What the last push put live here; None when nothing was ever pushed."""
        query = (
            f"SELECT ?generation ?graph ?quads ?merged WHERE {{ GRAPH <{PUBLICATION_GRAPH}> {{ "
            f"<{PUBLICATION_GRAPH}> <{_P}generation> ?generation ; <{_P}quads> ?quads . "
            f"OPTIONAL {{ <{PUBLICATION_GRAPH}> <{_P}graph> ?graph }} "
            f"OPTIONAL {{ <{PUBLICATION_GRAPH}> <{_P}union> ?merged }} }} }}"
        )
        body = self.select(query, None, timeout, 16_000_000)
        try:
            rows = json.loads(body)["results"]["bindings"]
            if not rows:
                return None
            graphs = sorted({row["graph"]["value"] for row in rows if "graph" in row})
            union = next((r["merged"]["value"] for r in rows if "merged" in r), None)
            return Publication(
                rows[0]["generation"]["value"],
                tuple(graphs),
                int(rows[0]["quads"]["value"]),
                union,
            )
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise EngineFailed(f"engine {self.url}: its publication record cannot be read") from exc

    def count(self, graph: str, timeout: float = WRITE_TIMEOUT) -> int:
        body = self.select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
            None,
            timeout,
            1_000_000,
        )
        rows = json.loads(body)["results"]["bindings"]
        return int(rows[0]["n"]["value"]) if rows else 0

    # Writing

    def _write(self, method: str, path: str, body: bytes, content_type: str, what: str) -> None:
        response = self.http.request(
            method,
            path,
            body=body,
            headers={"Content-Type": content_type, "Accept": "*/*"},
            timeout=WRITE_TIMEOUT,
            repeatable=False,
            authenticate=self.address.kind == "virtuoso",
        )
        if response.status not in (200, 201, 204):
            raise EngineError(f"{self.url}: {what} failed ({response.status}): {response.reason()}")

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace one graph's content (Graph Store protocol PUT)."""
        path = f"{self.address.store_path}?graph={quote(graph, safe='')}"
        if self.address.kind == "oxigraph":
            # A staging graph no query sees, counted afterwards: no need for Oxigraph's
            # transaction, which made a 100k-triple upload take minutes.
            path += "&no_transaction"
        self._write("PUT", path, ntriples, N_TRIPLES, f"uploading {graph}")

    def update(self, update: str, what: str) -> None:
        """Run one SPARQL Update request (one transaction on both engines)."""
        if self.address.kind == "virtuoso":
            body = urlencode([("query", update)]).encode()
            content_type = "application/x-www-form-urlencoded"
        else:
            body, content_type = update.encode(), "application/sparql-update"
        self._write("POST", self.address.update_path, body, content_type, what)


def publication_triples(
    generation: str, graphs: Sequence[str], quads: int, union: str | None
) -> str:
    """The publication record, as N-Triples."""
    lines = [f'<{PUBLICATION_GRAPH}> <{_P}generation> "{generation}" .']
    integer = "http://www.w3.org/2001/XMLSchema#integer"
    lines.append(f'<{PUBLICATION_GRAPH}> <{_P}quads> "{int(quads)}"^^<{integer}> .')
    lines += [f"<{PUBLICATION_GRAPH}> <{_P}graph> <{g}> ." for g in graphs]
    if union is not None:
        lines.append(f"<{PUBLICATION_GRAPH}> <{_P}union> <{union}> .")
    return "\n".join(lines) + "\n"
