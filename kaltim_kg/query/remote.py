"""Queries answered by remote engines (`serve --engine URL`, repeatable for replicas).

The front end keeps every rule of the embedded mode: the lexer's refusals happen before
this (web/sparql.py), the query is parsed here by the same parser as the embedded engine's
(on an empty in-memory store, so a bad query gets the same 400 wherever it would run), and
the engine's answer is parsed into the same objects and written by the same code
(`worker.serialise`), with the same row cap. A query past its timeout is cut off (its
connection closed, and Virtuoso told its own `timeout`) and answered 503.

The engine sees a query with our prefixes and the endpoint's base declared in front, and
our graphs as the protocol dataset: the default graph is their union (on Oxigraph server
the union graph the push wrote, on Virtuoso the list of them) and GRAPH ?g ranges over them
only, never over Virtuoso's system graphs, the staging graphs of a push running meanwhile,
or the publication record. Which graphs those are, and the generation they hold,
each replica says in its publication record (read at most once a second).

Replicas: a query goes to the next healthy one in turn; one that cannot be reached, or fails
on its own account (a server error, an unreadable answer, nothing pushed yet), is set aside
for RETRY_SECONDS and the query is sent to another; a replica set aside is tried again when
that time is up, or at once when no healthy one is left.
"""

from __future__ import annotations

import itertools
import queue
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph

from kaltim_kg.engines.address import parse_engine_url
from kaltim_kg.engines.protocol import (
    EMPTY_GRAPH,
    RECORD_SECONDS,
    Dataset,
    EngineClient,
    Publication,
)
from kaltim_kg.errors import (
    EngineFailed,
    EngineUnreachable,
    QueryRejected,
    QuerySyntaxError,
    QueryTimeout,
    QueryUnavailable,
    ResultNotRepresentable,
)
from kaltim_kg.namespaces import QUERY_PREFIXES
from kaltim_kg.query.pool import Answer
from kaltim_kg.query.scan import syntax_message
from kaltim_kg.query.worker import FIRST_PASS_BYTES, Job, serialise

PUBLICATION_SECONDS = RECORD_SECONDS  # how stale a replica's publication record may be
RETRY_SECONDS = 2.0  # how long an unreachable replica is set aside
HEALTH_TIMEOUT = 5.0
_GRAPH_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml", "nquads", "trig")


@dataclass
class _Replica:
    client: EngineClient
    publication: Publication | None = None
    read_at: float = float("-inf")
    down_until: float = float("-inf")

    @property
    def url(self) -> str:
        return self.client.url


class RemoteEngines:
    """The engines one front end queries, with the pool's interface (`run`)."""

    def __init__(self, urls: Sequence[str], env: Any = None) -> None:
        self._replicas = [_Replica(EngineClient(parse_engine_url(url, env))) for url in urls]
        self._turn = itertools.count()
        self._lock = threading.Lock()
        self._parser = _Parser()

    @property
    def urls(self) -> list[str]:
        return [r.url for r in self._replicas]

    # Which replica, and what it holds

    def _publication(self, replica: _Replica, timeout: float, fresh: bool = False) -> Publication:
        now = time.monotonic()
        if fresh or now - replica.read_at > PUBLICATION_SECONDS or replica.publication is None:
            publication = replica.client.publication(timeout)
            replica.publication, replica.read_at = publication, time.monotonic()
        if replica.publication is None:
            raise EngineFailed(f"nothing has been pushed to {replica.url} yet (kaltim-kg push)")
        return replica.publication

    def _candidates(self) -> list[_Replica]:
        now = time.monotonic()
        start = next(self._turn) % len(self._replicas)
        ordered = self._replicas[start:] + self._replicas[:start]
        healthy = [r for r in ordered if r.down_until <= now]
        resting = sorted((r for r in ordered if r.down_until > now), key=lambda r: r.down_until)
        return healthy + resting

    def generation_id(self) -> str | None:
        """The generation the next query will most likely read (for the result cache)."""
        for replica in self._candidates():
            try:
                return self._publication(replica, HEALTH_TIMEOUT).generation
            except QueryUnavailable:
                replica.down_until = time.monotonic() + RETRY_SECONDS
        return None

    # Running a query

    def _check_syntax(self, job: Job) -> tuple[str, ...] | None:
        """Refuse what the embedded engine's parser refuses, and what would crash the
        engine's; the SELECT's variables, in order, when the parser could tell."""
        if _ENGINE_FUNCTION.search(_unescaped(job.query)):
            raise QueryRejected(
                "IRIs in the bif: and sql: schemes are refused: Virtuoso runs them as its own "
                "functions, some of which open outbound connections"
            )
        chain = _chain(job.query)
        if chain > MAX_CHAIN:
            raise QueryRejected(
                f"query chains {chain} operators or UNIONs; a remote engine takes at most "
                f"{MAX_CHAIN}"
            )
        return self._parser.check(job)

    def _text(self, job: Job, variables: tuple[str, ...] | None) -> str:
        ours = [f"BASE <{job.base_iri}>"] if job.base_iri else []
        # The predeclared prefixes this query may use (a name followed by a colon anywhere
        # in its text: one too many costs nothing, and ~45 lines on every query would).
        query_text = job.query
        ours += [
            f"PREFIX {name}: <{iri}>"
            for name, iri in QUERY_PREFIXES.items()
            if f"{name}:" in query_text
        ]
        query = job.query
        if variables and not job.query_has_dataset:
            # The row cap bounds the engine's work, not just the answer: the query runs as a
            # subquery under a LIMIT one past the cap (one more row says it was cut).
            end = _PROLOGUE.match(query)
            prologue, body = query[: end.end()], query[end.end() :]
            projection = " ".join(f"?{v}" for v in variables)
            limit = job.max_rows + 1
            query = f"{prologue}\nSELECT {projection} WHERE {{\n{body}\n}} LIMIT {limit}"
        return "\n".join([*ours, query])

    def _dataset(self, job: Job, publication: Publication) -> Dataset | None:
        ours = publication.graphs
        if job.default_graphs is not None or job.named_graphs is not None:
            known = set(ours)
            default = tuple(g for g in job.default_graphs or () if g in known)
            named = tuple(g for g in job.named_graphs or () if g in known)
            # An empty list would mean "all graphs" to the engine: name one that is empty.
            return Dataset(default or (EMPTY_GRAPH,), named or (EMPTY_GRAPH,))
        if job.query_has_dataset:
            return None  # FROM / FROM NAMED in the query decide
        # The union graph when the push made one: one default graph is answered several
        # times faster than the list of ours (engines/protocol.py, UNION_GRAPH).
        default = (publication.union,) if publication.union and ours else ours
        return Dataset(default or (EMPTY_GRAPH,), ours or (EMPTY_GRAPH,))

    def run(self, job: Job, timeout: float) -> Answer:
        """Answer `job` from a replica within `timeout` seconds."""
        started = time.monotonic()
        variables = self._check_syntax(job)
        graph = job.format_name in _GRAPH_FORMATS  # the format was negotiated for the form
        text = self._text(job, variables)
        last: Exception | None = None
        for replica in self._candidates():
            remaining = timeout - (time.monotonic() - started)
            if remaining <= 0:
                break
            try:
                publication = self._publication(replica, remaining)
                asked = time.monotonic()
                dataset = self._dataset(job, publication)
                if graph:
                    body = replica.client.construct(text, dataset, remaining, FIRST_PASS_BYTES)
                else:
                    body = replica.client.select(text, dataset, remaining, FIRST_PASS_BYTES)
                engine_seconds = time.monotonic() - asked
                try:
                    reply = serialise(*_parsed(body, graph), job)
                except (SyntaxError, ValueError) as exc:
                    raise EngineFailed(
                        f"the answer of {replica.url} cannot be read: {exc}"
                    ) from None
            except (EngineUnreachable, EngineFailed) as exc:
                # This replica's failure, not the query's: set it aside, ask the next one.
                replica.down_until = time.monotonic() + RETRY_SECONDS
                last = exc
                continue
            except QueryTimeout:
                raise QueryTimeout(f"query stopped after the {timeout:g} s timeout") from None
            if reply.error == "format":
                raise ResultNotRepresentable(reply.message)
            return Answer(
                reply.body,
                reply.truncated,
                publication.generation,
                time.monotonic() - started,
                engine_seconds,
            )
        if last is not None:
            raise QueryUnavailable(f"no engine can be reached: {last}")
        raise QueryTimeout(f"query stopped after the {timeout:g} s timeout")

    def health(self) -> list[dict[str, Any]]:
        """Each replica: its URL, whether it answers, what it holds."""
        states = []
        for replica in self._replicas:
            state: dict[str, Any] = {"engine": replica.url, "kind": replica.client.address.kind}
            try:
                publication = self._publication(replica, HEALTH_TIMEOUT, fresh=True)
            except QueryUnavailable as exc:
                replica.down_until = time.monotonic() + RETRY_SECONDS
                state.update(status="unavailable", reason=str(exc).splitlines()[0])
            else:
                replica.down_until = float("-inf")
                state.update(
                    status="ok",
                    generation=publication.generation,
                    triples=publication.quads,
                    graphs=len(publication.graphs),
                )
            states.append(state)
        return states

    def close(self) -> None:
        for replica in self._replicas:
            replica.client.close()


MAX_CHAIN = 500
# Virtuoso calls an IRI in the bif: or sql: scheme as its own SQL function (bif:http_get
# connected out in a test); the check reads the text with \u escapes decoded, and may
# over-detect (such a string in a literal is refused too), never miss.
_ENGINE_FUNCTION = re.compile(r"<\s*(?:bif|sql)\s*:", re.IGNORECASE)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescaped(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(min(int(m.group(1) or m.group(2), 16), 0x10FFFF)), text)


# BASE and PREFIX declarations, with the space and comments between them.
_PROLOGUE = re.compile(
    r"(?:\s|#[^\n]*\n|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)*", re.IGNORECASE
)
PARSER_THREADS = 4
PARSER_STACK_BYTES = 256 * 1024 * 1024  # the parser recurses: `1+1+…` needs a deep stack
PARSE_SECONDS = 2.0


class _Parser:
    """Parse queries as the embedded engine would, on threads with a deep stack.

    The engine's parser is recursive: on a request thread's default stack a long `1+1+…`
    kills the process (the safety suite has three such queries). The query is prepared on
    an empty in-memory store: SELECT, CONSTRUCT and DESCRIBE are evaluated lazily, so that
    is a parse; ASK is evaluated at once, which on no data is quick except for contrived
    VALUES products, so a check that takes longer than PARSE_SECONDS is left to the engine.
    """

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Job, list[Any], threading.Event]] = queue.Queue()
        self._started = False
        self._lock = threading.Lock()

    def _start(self) -> None:
        with self._lock:
            if self._started:
                return
            previous = threading.stack_size(PARSER_STACK_BYTES)
            try:
                for _ in range(PARSER_THREADS):
                    threading.Thread(target=self._serve, name="sparql-parser", daemon=True).start()
            finally:
                threading.stack_size(previous)
            self._started = True

    def _serve(self) -> None:
        store = pyoxigraph.Store()  # empty: only ever asked to parse
        while True:
            job, outcome, done = self._jobs.get()
            try:
                result = store.query(job.query, base_iri=job.base_iri, prefixes=QUERY_PREFIXES)
            except SyntaxError as exc:
                outcome.append(QuerySyntaxError(syntax_message(job.query, str(exc))))
            except BaseException:  # evaluation on no data, or an engine panic: the engine decides
                outcome.append(None)
            else:
                variables = getattr(result, "variables", None)
                outcome.append(tuple(v.value for v in variables) if variables else None)
            done.set()

    def check(self, job: Job) -> tuple[str, ...] | None:
        """Raise QuerySyntaxError with the embedded engine's own message for a bad query;
        a SELECT's variables in order (None: not a SELECT)."""
        if not self._started:
            self._start()
        outcome: list[Any] = []
        done = threading.Event()
        self._jobs.put((job, outcome, done))
        if not done.wait(PARSE_SECONDS) or not outcome:
            # Never send a query the parser has not passed: the engine's own syntax goes
            # further than SPARQL (Virtuoso's `define` pragmas can make it fetch URLs).
            raise QueryUnavailable("the query could not be checked in time; try again later")
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]


# Strings, IRIs and comments, skipped when operators are counted (IRIs are full of `/`).
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n]*",
    re.DOTALL,
)
_OPERATOR = re.compile(r"[+*/|&=<>!]|\b(?:UNION|MINUS)\b", re.IGNORECASE)


def _chain(text: str) -> int:
    """Operators and UNION/MINUS outside strings, IRIs and comments: a long chain of them
    recurses as deep as nesting in a parser (Oxigraph server, on its default stack, dies
    between 1000 and 2000 `+`). Counts a little more than the grammar would, never less."""
    return len(_OPERATOR.findall(_OPAQUE.sub(" ", text)))


def _parsed(body: bytes, graph: bool) -> tuple[Any, Any]:
    """The engine's answer as the embedded engine's result objects, and a way to get them
    again (for a result too big to keep whole)."""
    if graph:

        def triples() -> Any:
            quads = pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.N_TRIPLES)
            return (quad.triple for quad in quads)

        try:
            return triples(), triples
        except SyntaxError as exc:
            raise EngineFailed(f"the engine's answer is not N-Triples: {exc}") from None

    def solutions() -> Any:
        return pyoxigraph.parse_query_results(body, format=pyoxigraph.QueryResultsFormat.JSON)

    try:
        return solutions(), solutions
    except SyntaxError as exc:
        raise EngineFailed(f"the engine's answer is not SPARQL JSON: {exc}") from None
