"""What runs inside a query worker process: open the store, run one query, serialise it.

Kept free of Flask so a worker starts fast. Only plain data crosses the pipe: a `Job` in,
a `Reply` with the serialised bytes out.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import pickle
import resource
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph

from kaltim_kg.errors import KaltimKGError
from kaltim_kg.formats import BY_NAME, xml_fault
from kaltim_kg.namespaces import PREFIXES, QUERY_PREFIXES
from kaltim_kg.query.handoff import QUERY_PROCESS_POLL_SECONDS, poll_readable, readable_poller
from kaltim_kg.query.scan import syntax_message
from kaltim_kg.store.generations import Generation, StoreDir

_TSV = pyoxigraph.QueryResultsFormat.TSV
_XML = pyoxigraph.QueryResultsFormat.XML
_JSON = pyoxigraph.QueryResultsFormat.JSON
# The fewest bytes one solution can take in each format: a body no longer than
# cap * this cannot hold more than `cap` rows, so most results need no counting at all.
_MIN_ROW_BYTES = {_JSON: 3, _XML: 17, _TSV: 1}
QUERY_STACK_BYTES = 512 * 1024 * 1024
BASE_HEAP_BYTES = 128 * 1024 * 1024  # interpreter, engine and database handles at rest
MEMORY_BYTES_PER_QUAD = 1024  # generous: an in-memory copy measured ~450 bytes per quad


@dataclass(frozen=True)
class Job:
    """One query to run, with its protocol dataset and the chosen output format."""

    query: str
    format_name: str  # a kaltim_kg.formats name
    max_rows: int
    default_graphs: tuple[str, ...] | None = None  # protocol dataset; None: not given
    named_graphs: tuple[str, ...] | None = None
    query_has_dataset: bool = False  # FROM / FROM NAMED in the query text
    star_order: tuple[str, ...] | None = None  # SELECT *: columns in this order
    base_iri: str | None = None  # relative IRIs resolve against the endpoint URL
    max_bytes: int = 0  # a longer result is cut to whole rows (or triples) that fit; 0: none


@dataclass
class Reply:
    """A worker's answer: bytes in the requested format, or an error kind and message.

    Not frozen: the worker fills in `generation` and `seconds` after `run_job` (on every
    query, where a copy would cost microseconds of the hop)."""

    body: bytes = b""
    truncated: bool = False
    error: str | None = None  # "syntax", "store", "engine" or "format"
    message: str = ""
    generation: str = ""
    seconds: float = 0.0  # spent in this process on the job: evaluation and serialisation
    cut_to_bytes: bool = False  # cut to fit Job.max_bytes


def _dataset_arguments(job: Job) -> dict[str, object]:
    """Protocol dataset replaces FROM; without either, the default graph is the union."""
    if job.default_graphs is not None or job.named_graphs is not None:
        return {
            "default_graph": [pyoxigraph.NamedNode(g) for g in job.default_graphs or ()],
            "named_graphs": [pyoxigraph.NamedNode(g) for g in job.named_graphs or ()],
        }
    if job.query_has_dataset:
        return {}  # the engine resolves FROM against local graphs only; unknown ones are empty
    return {"use_default_graph_as_union": True}


# A result bigger than this in the asked format is not kept whole: the query runs again and
# is cut in TSV, where the engine stops after the rows the cap allows.
FIRST_PASS_BYTES = 64 * 1024 * 1024


class _Enough(Exception):
    """Raised from a `_Sink`'s write to stop the engine's serialiser (and its evaluation)."""


class _Sink:
    """A write target for pyoxigraph's serialisers that stops them once more than
    `max_bytes` bytes or `max_lines` lines have come: the rows past a cap are never
    computed, however many the query would produce."""

    def __init__(self, max_bytes: int | None = None, max_lines: int | None = None) -> None:
        self.max_bytes, self.max_lines = max_bytes, max_lines
        self.size = self.lines = 0
        self.full = False
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        if self.full:  # the engine's buffered writer writes its buffer again as it unwinds
            raise _Enough
        chunk = data if type(data) is bytes else bytes(data)
        self._parts.append(chunk)
        self.size += len(chunk)
        if self.max_lines is not None:
            self.lines += chunk.count(b"\n")
        if (self.max_bytes is not None and self.size > self.max_bytes) or (
            self.max_lines is not None and self.lines > self.max_lines
        ):
            self.full = True
            raise _Enough
        return len(chunk)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return self._parts[0] if len(self._parts) == 1 else b"".join(self._parts)


def _serialise(result: pyoxigraph.QuerySolutions, fmt: Any, sink: _Sink) -> bool:
    """Serialise `result` into `sink`: True if it all went, False if the sink stopped it."""
    try:
        result.serialize(sink, fmt)
    except Exception:
        if sink.full:
            return False
        raise
    return True


def _truncate_lines(tsv: bytes, max_rows: int) -> tuple[bytes, bool]:
    """Keep the header line and the first `max_rows` rows of a TSV result."""
    end = -1
    for _ in range(max_rows + 1):
        end = tsv.find(b"\n", end + 1)
        if end < 0:
            return tsv, False
    return (tsv[: end + 1], True) if end + 1 < len(tsv) else (tsv, False)


def _star_permutation(
    result: pyoxigraph.QuerySolutions, star_order: tuple[str, ...] | None
) -> list[int] | None:
    """Column positions that put `SELECT *` variables in query order; None if already so."""
    if not star_order:
        return None
    current = [v.value for v in result.variables]
    rank = {name: i for i, name in enumerate(star_order)}
    wanted = sorted(current, key=lambda name: rank.get(name, len(rank)))
    return None if wanted == current else [current.index(name) for name in wanted]


def _permute_columns(tsv: bytes, permutation: list[int]) -> bytes:
    """Reorder TSV columns (a tab never occurs inside a TSV term: it is escaped)."""
    lines = tsv.split(b"\n")
    out = []
    for line in lines[:-1]:
        cells = line.split(b"\t")
        out.append(b"\t".join(cells[i] for i in permutation))
    return b"\n".join(out) + b"\n"


def _solutions(
    result: pyoxigraph.QuerySolutions,
    again: Callable[[], pyoxigraph.QuerySolutions],
    fmt: Any,
    max_rows: int,
    star_order: tuple[str, ...] | None,
) -> tuple[bytes, bool]:
    """Serialise SELECT results natively, cutting them to `max_rows` rows.

    TSV has exactly one line per row, so it is the format rows are counted, cut and
    reordered in; most results are small enough to skip that and go out as serialised. A
    result too big to keep whole is run `again` and cut in TSV, where the engine stops
    after the rows the cap allows.
    """
    permutation = _star_permutation(result, star_order)
    body: bytes | None = None
    if permutation is None and fmt in _MIN_ROW_BYTES:
        sink = _Sink(max_bytes=FIRST_PASS_BYTES)
        if _serialise(result, fmt, sink):
            body = sink.getvalue()
            if len(body) <= _MIN_ROW_BYTES[fmt] * max_rows:
                return body, False
            if fmt == _XML and body.count(b"<result>") <= max_rows:
                return body, False
        else:
            result = again()
    if body is not None:
        tsv = body if fmt == _TSV else _parse(body, fmt).serialize(format=_TSV)
    else:
        lines = _Sink(max_lines=max_rows + 1)  # the header and the rows allowed, then stop
        _serialise(result, _TSV, lines)
        tsv = lines.getvalue()
        if permutation is not None:
            tsv = _permute_columns(tsv, permutation)
    tsv, truncated = _truncate_lines(tsv, max_rows)
    if fmt == _TSV:
        return tsv, truncated
    if body is not None and not truncated:
        return body, False
    return _parse(tsv, _TSV).serialize(format=fmt), truncated


_XML_FORMATS = (_XML, pyoxigraph.RdfFormat.RDF_XML)


def _check_xml(reply: Reply, format_name: str) -> None:
    """Turn a body that is not well-formed XML into an error reply (see formats.xml_fault):
    a client's XML parser would fail on it."""
    fault = xml_fault(reply.body)
    if fault is not None:
        reply.body, reply.truncated = b"", False
        reply.error = "format"
        reply.message = f"the result cannot be written as {format_name}: {fault}"


def _parse(body: bytes, fmt: Any) -> Any:
    return pyoxigraph.parse_query_results(body, format=fmt)


def _within_bytes(evaluate: Callable[[], Any], job: Job, fmt: Any, name: str, size: int) -> Reply:
    """The result cut to the whole rows (or triples) that fit in `job.max_bytes`.

    Run again, so the part kept is the engine's own first rows: SELECT results are cut as
    TSV lines (one per row) and rewritten in the asked format, graphs are cut by triple
    count; each try keeps the share of rows the last size allows, a little under.
    """
    result = evaluate()
    if isinstance(result, pyoxigraph.QuerySolutions):
        permutation = _star_permutation(result, job.star_order)
        lines = _Sink(max_bytes=job.max_bytes, max_lines=job.max_rows + 1)
        _serialise(result, _TSV, lines)
        tsv = lines.getvalue()
        tsv = tsv[: tsv.rfind(b"\n") + 1]  # whole lines only
        if permutation is not None:
            tsv = _permute_columns(tsv, permutation)
        rows = max(tsv.count(b"\n") - 1, 0)
        while True:
            body = tsv if fmt == _TSV else _parse(tsv, _TSV).serialize(format=fmt)
            if len(body) <= job.max_bytes or rows == 0:
                return Reply(body, cut_to_bytes=True)
            rows = min(rows - 1, int(rows * job.max_bytes / len(body) * 0.95))
            tsv, _ = _truncate_lines(tsv, max(rows, 0))
    prefixes = PREFIXES if name in ("turtle", "trig", "jsonld") else None
    triples = min(job.max_rows, max(1, int(job.max_rows * job.max_bytes / size)))
    while True:
        kept = itertools.islice(evaluate() if result is None else result, triples)
        result = None
        body = pyoxigraph.serialize(kept, format=fmt, prefixes=prefixes) or b""
        if len(body) <= job.max_bytes or triples == 0:
            return Reply(body, cut_to_bytes=True)
        triples = min(triples - 1, int(triples * job.max_bytes / len(body) * 0.95))


def serialise(result: Any, again: Callable[[], Any], job: Job) -> Reply:
    """Write a query's result in the job's format, cut to its row and byte caps (`again`
    gives the result anew, for one too big to keep whole). The remote engines' answers,
    parsed into the same objects, go through here too, so every engine's bytes are alike."""
    fmt = BY_NAME[job.format_name]
    if isinstance(result, pyoxigraph.QueryBoolean):
        return Reply(result.serialize(format=fmt.oxigraph))
    if isinstance(result, pyoxigraph.QuerySolutions):
        reply = Reply(*_solutions(result, again, fmt.oxigraph, job.max_rows, job.star_order))
    else:
        prefixes = PREFIXES if fmt.name in ("turtle", "trig", "jsonld") else None
        # Straight from the engine's iterator, no list (~0.7 ms per 1000 triples); islice
        # stops after `max_rows`, and one more triple means the result was cut.
        first = itertools.islice(result, job.max_rows)
        body = pyoxigraph.serialize(first, format=fmt.oxigraph, prefixes=prefixes)
        reply = Reply(body, next(result, None) is not None)
    if job.max_bytes and len(reply.body) > job.max_bytes:
        reply = _within_bytes(again, job, fmt.oxigraph, fmt.name, len(reply.body))
    if fmt.oxigraph in _XML_FORMATS:
        _check_xml(reply, fmt.name)
    return reply


def run_job(store: pyoxigraph.Store, job: Job) -> Reply:
    """Run one job against an open store; engine errors become a Reply, never an exception."""

    def evaluate() -> Any:
        return store.query(
            job.query, base_iri=job.base_iri, prefixes=QUERY_PREFIXES, **_dataset_arguments(job)
        )

    try:
        return serialise(evaluate(), evaluate, job)
    except SyntaxError as exc:
        return Reply(error="syntax", message=syntax_message(job.query, str(exc)))
    except OSError as exc:
        return Reply(error="store", message=f"the store cannot be read: {exc}")
    except (ValueError, TypeError, RuntimeError) as exc:
        # Evaluation errors the engine reports (e.g. a result no format can hold).
        return Reply(
            error="engine", message=str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        )
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":  # pyo3 reports a Rust panic this way
            raise
        return Reply(error="engine", message="the engine failed on this query")


# The exit status of a query process that could not drop its network and was not allowed
# to keep it: it answers nothing (the pool says why, `serve` refuses to start).
EXIT_NETWORK_KEPT = 3


def drop_network() -> bool:
    """Move this process into an empty network namespace (no route anywhere); True if it is.

    A second wall behind the SERVICE check: even a query the lexer missed cannot connect.
    Needs root or unprivileged user namespaces (refused, for one, under Docker's default
    seccomp profile).
    """
    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    before = os.readlink("/proc/self/ns/net")
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(clone_newnet) != 0:
            libc.unshare(clone_newuser | clone_newnet)
    except (OSError, AttributeError):
        return False
    return os.readlink("/proc/self/ns/net") != before


class _OpenStore:
    """The current generation, reopened when a build or load swaps in a new one.

    A generation of at most `memory_quads` quads is copied into an in-memory store: the
    same data and the same engine, without RocksDB's cost per index lookup. With
    `in_background`, queries read the database until the copy is ready (~10 s per million
    quads), so a worker answers at once after it starts and after every swap.
    """

    def __init__(self, root: str, memory_quads: int = 0, in_background: bool = False) -> None:
        self.store_dir = StoreDir(root)
        self.memory_quads = memory_quads
        self.in_background = in_background
        self.generation: Generation | None = None
        self.store: pyoxigraph.Store | None = None

    def get(self) -> tuple[Generation, pyoxigraph.Store]:
        if (
            self.store is None
            or self.generation is None
            or (self.store_dir.generation_id() != self.generation.id)
        ):
            self.store = None  # close the old database before opening the new one
            self.generation = generation = self.store_dir.require_current()
            self.store = on_disk = generation.open()
            if self._fits_in_memory(generation):
                _fit_memory_cap(generation.manifest["quads"])
                if self.in_background:
                    copier = threading.Thread(
                        target=self._copy_later, args=(generation, on_disk), daemon=True
                    )
                    copier.start()
                else:
                    self.store = _copy(on_disk)
        return self.generation, self.store

    def _fits_in_memory(self, generation: Generation) -> bool:
        quads = generation.manifest.get("quads")
        return isinstance(quads, int) and 0 < quads <= self.memory_quads

    def _copy_later(self, generation: Generation, on_disk: pyoxigraph.Store) -> None:
        in_memory = _copy(on_disk)
        if self.generation is generation:  # not swapped again meanwhile
            self.store = in_memory


COPY_BATCH_QUADS = 500  # ~5 ms with the GIL held, at ~10 µs a quad


def _copy(on_disk: pyoxigraph.Store) -> pyoxigraph.Store:
    """An in-memory copy, made in batches: one call keeps the GIL while it drains an
    iterator, and would stall the query thread for the whole copy.

    `extend`, not `bulk_extend`: the bulk loader allocates a 200 MB buffer whatever it is
    given, which the heap cap does not count (a worker with a small query budget aborted
    while copying, and so did each replacement); `extend` is as fast here (300k quads:
    1.2 s against 1.4 s).
    """
    in_memory = pyoxigraph.Store()
    quads = on_disk.quads_for_pattern(None, None, None, None)
    while batch := list(itertools.islice(quads, COPY_BATCH_QUADS)):
        in_memory.extend(batch)
        time.sleep(0)  # let a waiting query thread take the GIL
    return in_memory


def memory_cap(memory_mb: int, copied_quads: int) -> int:
    """A query process's heap cap in bytes (RLIMIT_DATA: heap and thread stacks, not the
    mmapped database files; past it an allocation fails, the engine aborts and the server
    says so):

        512 MiB reserved query stack + 128 MiB at rest + query_memory_mb MiB
        + 1024 bytes x the quads of its in-memory copy (measured ~450; 0 without a copy)

    so a worker holding a copy of the 972-quad shipped store gets 1.64 GiB for a 1024 MB
    query budget, and one holding 1.5 M quads 3.1 GiB.
    """
    return (
        QUERY_STACK_BYTES
        + BASE_HEAP_BYTES
        + memory_mb * 1024 * 1024
        + copied_quads * MEMORY_BYTES_PER_QUAD
    )


def _fit_memory_cap(copied_quads: int) -> None:
    """Raise the soft heap cap (never lower it: memory already taken stays counted) to make
    room for a copy of `copied_quads` quads, within the hard cap set at start."""
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if soft == resource.RLIM_INFINITY:
        return
    wanted = soft + copied_quads * MEMORY_BYTES_PER_QUAD
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if wanted > soft:
        resource.setrlimit(resource.RLIMIT_DATA, (wanted, hard))


def serve_jobs(
    conn: Connection,
    store_root: str,
    memory_mb: int = 0,
    memory_quads: int = 0,
    parent: int | None = None,
    allow_network: bool = False,
) -> None:
    """Answer jobs from the pipe until it closes, on a thread with a deep stack.

    The engine parses and evaluates recursively: a long `1+1+…` or `{} UNION {} …` chain
    overflows the main thread's 8 MB stack and kills the process. The reserved stack is
    virtual memory; only the depth a query really uses is ever touched.
    """
    # Before any thread: unsharing a user namespace needs a single thread. Fail closed.
    if not drop_network() and not allow_network:
        os._exit(EXIT_NETWORK_KEPT)
    # The server names itself: read here, our parent may already be gone (a server killed
    # while we were still starting), and a job it queued before dying would run for as long
    # as the query lasts, with nobody left to kill us.
    parent = os.getppid() if parent is None else parent
    if os.getppid() != parent:
        os._exit(0)
    if memory_mb > 0:
        # The hard limit leaves room for the largest copy this worker may make; the soft
        # one, which binds, grows to fit the copy of the generation it opens (memory_cap).
        hard = memory_cap(memory_mb, memory_quads)
        resource.setrlimit(resource.RLIMIT_DATA, (memory_cap(memory_mb, 0), hard))
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    threading.stack_size(QUERY_STACK_BYTES)
    thread = threading.Thread(
        target=_answer_jobs, args=(conn, store_root, memory_quads), name="query"
    )
    thread.start()
    thread.join()


def _exit_when_orphaned(parent: int) -> None:
    """Exit, even in the middle of a query, once the server process that started us is gone.

    Its end of our socket closes too, but a query that runs for minutes would only notice
    when it finishes.
    """
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _answer_jobs(conn: Connection, store_root: str, memory_quads: int) -> None:
    threading.stack_size(0)  # the copying thread needs no deep stack (it counts in RLIMIT_DATA)
    opened = _OpenStore(store_root, memory_quads, in_background=True)
    # Open (and start the copy into memory) before the first query; without a store yet,
    # each job will say so.
    with contextlib.suppress(KaltimKGError, OSError):
        opened.get()
    next_job = readable_poller(conn.fileno())
    while True:
        try:
            job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            generation, store = opened.get()
            started = time.perf_counter()
            reply = run_job(store, job)
            reply.generation, reply.seconds = generation.id, time.perf_counter() - started
        except KaltimKGError as exc:
            reply = Reply(error="store", message=str(exc))
        conn.send_bytes(pickle.dumps(reply, pickle.HIGHEST_PROTOCOL))
        poll_readable(next_job, QUERY_PROCESS_POLL_SECONDS)  # see kaltim_kg.query.handoff


if __name__ == "__main__":
    # Import under the real module name so pickled Job/Reply classes match the server's.
    from kaltim_kg.query import worker as query_worker

    query_worker.serve_jobs(
        Connection(int(sys.argv[1])),
        sys.argv[2],
        int(sys.argv[3]),
        int(sys.argv[4]),
        int(sys.argv[5]) if len(sys.argv) > 5 else None,
        len(sys.argv) > 6 and sys.argv[6] == "allow-network",
    )
