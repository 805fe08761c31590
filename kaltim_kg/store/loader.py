"""Stream other RDF files into the store as named graphs beside the article's, atomically.

A load makes a new generation like `build` does: the current database is copied with
Oxigraph's backup (hard links, so it costs almost nothing), the files are bulk-loaded into
the copy, dumps and manifest are rewritten, and the current link is swapped. Any error leaves
the published store exactly as it was.

N-Triples and N-Quads hold one statement per line, so they are cut into line-aligned chunks
that several Oxigraph bulk loaders write at once (as Oxigraph's own CLI loads files in
parallel): one loader keeps one core busy, and the on-disk loader is CPU-bound. Turtle and
TriG need their prefixes and can span lines, so they are parsed here and rewritten as
N-Quads chunks for the same loaders.
"""

from __future__ import annotations

import gzip
import io
import itertools
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph

from kaltim_kg.config import available_cores
from kaltim_kg.errors import LoadError
from kaltim_kg.formats import LINE_FORMATS
from kaltim_kg.namespaces import graph_iri, slugify

# Suffix → format; `.gz` is stripped first. Triples formats go into one target graph.
FORMATS: dict[str, pyoxigraph.RdfFormat] = {
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "nq": pyoxigraph.RdfFormat.N_QUADS,
    "ttl": pyoxigraph.RdfFormat.TURTLE,
    "trig": pyoxigraph.RdfFormat.TRIG,
}
QUAD_FORMATS = frozenset({pyoxigraph.RdfFormat.N_QUADS, pyoxigraph.RdfFormat.TRIG})
# Big enough that each bulk load writes few RocksDB files (1M triples: 8-32 MB all load at
# ~280k/s; 64 MB leaves one loader idle at the end), small enough to keep memory flat.
CHUNK_BYTES = 16 << 20
THREAD_NAME = "kaltim-kg-load"
REWRITE_QUADS = 100_000  # per rewritten Turtle/TriG chunk (~19 MB of N-Quads here)

BytesProgress = Callable[[int], None]


@dataclass(frozen=True)
class LoadSource:
    """One file to load: where it is, how it is written, and the graph its triples go to."""

    path: Path
    rdf_format: pyoxigraph.RdfFormat
    gzipped: bool
    graph: str  # triples files: their graph; quads files: where default-graph triples go

    @property
    def has_quads(self) -> bool:
        return self.rdf_format in QUAD_FORMATS


def format_of(path: Path, name: str | None = None) -> tuple[pyoxigraph.RdfFormat, bool]:
    """The RDF format of a file from its suffix (or `name`, one of FORMATS) and if it is gzip."""
    gzipped = path.suffix == ".gz"
    suffix = Path(path.stem).suffix if gzipped else path.suffix
    key = name or suffix.lstrip(".").lower()
    if key not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise LoadError(f"{path}: unknown RDF format {key!r} (use --format: {known})")
    return FORMATS[key], gzipped


def default_graph_for(path: Path, base_uri: str) -> str:
    """`{base}graph/{stem}`: the file name without RDF and gzip suffixes, slugged."""
    name = path.name
    for suffix in (".gz", *(f".{k}" for k in FORMATS)):
        name = name.removesuffix(suffix)
    try:
        return str(graph_iri(slugify(name), base_uri))
    except ValueError as exc:
        raise LoadError(f"{path}: cannot name a graph after this file; use --graph") from exc


def plan_sources(
    paths: Iterable[Path], base_uri: str, graph: str | None = None, format_name: str | None = None
) -> list[LoadSource]:
    """Check every file exists and has a known format before anything is written."""
    if graph is not None:
        try:
            pyoxigraph.NamedNode(graph)
        except ValueError as exc:
            raise LoadError(f"--graph {graph!r}: not an absolute IRI") from exc
    sources = []
    for path in paths:
        if not path.is_file():
            raise LoadError(f"{path}: no such file")
        rdf_format, gzipped = format_of(path, format_name)
        target = graph or default_graph_for(path, base_uri)
        sources.append(LoadSource(path, rdf_format, gzipped, target))
    return sources


@dataclass(frozen=True)
class _Chunk:
    """Whole statements: lines of a line-based file (with the file line of the first), or a
    Turtle/TriG batch rewritten as N-Quads (line numbers do not apply: its parse has them)."""

    data: bytes
    first_line: int
    lines: int  # newlines in data

    @property
    def may_have_blank_nodes(self) -> bool:
        return b"_:" in self.data  # or inside a literal: that only costs speed


def _line_chunks(
    raw: IO[bytes], plain: IO[bytes], progress: BytesProgress, size: int
) -> Iterator[_Chunk]:
    """Cut `plain` after the last newline of every `size` bytes read, counting lines."""
    line, rest, seen = 1, b"", 0
    while block := plain.read(size):
        position = raw.tell()
        progress(position - seen)
        seen = position
        block = rest + block
        cut = block.rfind(b"\n") + 1
        rest = block[cut:]
        if cut:
            lines = block.count(b"\n", 0, cut)
            yield _Chunk(block[:cut], line, lines)
            line += lines
    if rest:
        yield _Chunk(rest, line, rest.count(b"\n"))


class _ChunksReader(io.RawIOBase):
    """Chunks read back as one stream, for a single bulk load."""

    def __init__(self, chunks: Iterator[_Chunk]) -> None:
        self._chunks = chunks
        self._current = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._current:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._current = memoryview(chunk.data)
        size = min(len(buffer), len(self._current))
        buffer[:size] = self._current[:size]
        self._current = self._current[size:]
        return size


def _in_file(exc: SyntaxError, offset: int) -> SyntaxError:
    """pyoxigraph's error, its 'line N' counted from a chunk's start, counted in the file."""
    message = re.sub(r"\bline (\d+)", lambda m: f"line {int(m.group(1)) + offset}", str(exc.msg))
    shifted = SyntaxError(message)
    shifted.lineno = (exc.lineno or 1) + offset
    return shifted


def _load_in_parallel_until_blank_nodes(
    chunks: Iterator[_Chunk], load: Callable[[bytes], None], threads: int
) -> _Chunk | None:
    """Run `load` on chunks from `threads` threads (bulk loads release the GIL).

    Stops before the first chunk that may mention a blank node and returns it (None at the
    end of the file). On a failure no further chunk is started, and the failure earliest
    in the file is raised: every chunk before it was loaded by then, so it is the first error.
    """
    work: queue.Queue[_Chunk] = queue.Queue(maxsize=threads)
    failures: list[tuple[int, BaseException]] = []
    failed = threading.Event()
    # Set when no chunk will come any more. Events, not sentinels in the queue: setting one
    # cannot block, so a Ctrl-C anywhere here still lets every loader thread end.
    finished = threading.Event()

    def run() -> None:
        while True:
            try:
                chunk = work.get(timeout=0.05)
            except queue.Empty:
                if finished.is_set() and work.empty():
                    return
                continue
            if failed.is_set():
                continue  # drain, so the producer never blocks
            try:
                load(chunk.data)
            except SyntaxError as exc:
                shifted = _in_file(exc, chunk.first_line - 1)
                failures.append((shifted.lineno or chunk.first_line, shifted))
                failed.set()
            except BaseException as exc:  # raised again below, in the calling thread
                failures.append((chunk.first_line, exc))
                failed.set()

    workers = [threading.Thread(target=run, name=f"{THREAD_NAME}-{n}") for n in range(threads)]
    for worker in workers:
        worker.start()
    stopped_at = None
    try:
        for chunk in chunks:
            if chunk.may_have_blank_nodes:
                stopped_at = chunk
                break
            if failed.is_set():
                break
            work.put(chunk)
    except BaseException:
        failed.set()  # the file cannot be read, or the load was interrupted: load no more
        raise
    finally:
        finished.set()
        for worker in workers:
            worker.join()
    if failures:
        raise min(failures, key=lambda failure: failure[0])[1]
    return stopped_at


def _load_lines(
    chunks: Iterator[_Chunk], load: Callable[[bytes | IO[bytes]], None], threads: int
) -> None:
    """Load chunks in parallel until one may mention a blank node, then the rest as one stream.

    Oxigraph gives every bulk load its own blank node scope, so from there on a single load
    reads everything; files without blank nodes (most bulk data) load in parallel throughout.
    """
    first = _load_in_parallel_until_blank_nodes(chunks, load, threads)
    if first is None:
        return
    stream = io.BufferedReader(_ChunksReader(itertools.chain([first], chunks)), 1 << 20)
    try:
        load(stream)
    except SyntaxError as exc:
        raise _in_file(exc, first.first_line - 1) from None


def _mentions_blank_nodes(head: bytes, rdf_format: pyoxigraph.RdfFormat) -> bool:
    """Whether the statements in a file's first bytes (likely cut mid-statement) have one.

    Parsed rather than searched: `[` and `(` make blank nodes in Turtle but are common in
    literals and IRIs too, and a false alarm would lose the parallel load.
    """
    try:
        for quad in pyoxigraph.parse(head, format=rdf_format, base_iri=None):
            terms = (quad.subject, quad.object, quad.graph_name)
            if any(isinstance(term, pyoxigraph.BlankNode) for term in terms):
                return True
    except SyntaxError:
        pass  # where the head was cut, or an error the load itself reports with its line
    return False


def _rewritten_chunks(reader: IO[bytes], rdf_format: pyoxigraph.RdfFormat) -> Iterator[_Chunk]:
    """Turtle or TriG parsed here and written back as N-Quads chunks that stand alone.

    Their prefixes and multi-line statements keep these formats from being cut as they are;
    parsing (~1M triples/s) and writing N-Quads here is cheaper than loading, so the loads
    still run in parallel (1M triples of Turtle: 176k/s against 108k/s for one load). The
    parser keeps blank node labels, so `_:` in a chunk still means what it meant in the file,
    and its syntax errors carry the file's own line numbers.
    """
    quads = pyoxigraph.parse(reader, format=rdf_format, base_iri=None)
    while batch := list(itertools.islice(quads, REWRITE_QUADS)):
        yield _Chunk(pyoxigraph.serialize(batch, format=pyoxigraph.RdfFormat.N_QUADS), 1, 0)


class _CountingReader(io.RawIOBase):
    """A binary reader that reports how many compressed-or-plain file bytes were consumed."""

    def __init__(self, raw: IO[bytes], plain: IO[bytes], progress: BytesProgress) -> None:
        self._raw = raw  # the file on disk, to measure progress in its own bytes
        self._plain = plain  # what the parser reads (the gzip stream for .gz files)
        self._progress = progress
        self._seen = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._plain.read(len(buffer))
        buffer[: len(data)] = data
        position = self._raw.tell()
        if position != self._seen:
            self._progress(position - self._seen)
            self._seen = position
        return len(data)


def load_file(
    store: pyoxigraph.Store,
    source: LoadSource,
    progress: BytesProgress | None = None,
    threads: int | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> None:
    """Bulk-load one file into `store`; a syntax error raises LoadError with file:line.

    Chunks of `chunk_bytes` (line formats) or REWRITE_QUADS statements (Turtle, TriG) are
    loaded on `threads` threads (default: cores + 1).
    """
    to_graph = pyoxigraph.NamedNode(source.graph)
    report = progress or (lambda _: None)
    try:
        with source.path.open("rb") as raw:
            plain: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if source.gzipped else raw
            if source.rdf_format in LINE_FORMATS:
                chunks, chunk_format = (
                    _line_chunks(raw, plain, report, chunk_bytes),
                    source.rdf_format,
                )
            else:
                reader = io.BufferedReader(_CountingReader(raw, plain, report), chunk_bytes)
                if _mentions_blank_nodes(reader.peek(chunk_bytes)[:chunk_bytes], source.rdf_format):
                    # Blank nodes from the start: rewritten chunks would all go to a single
                    # load anyway, and slower (52k against 70k triples/s) than a plain one.
                    store.bulk_load(
                        reader, format=source.rdf_format, to_graph=to_graph, base_iri=None
                    )
                    return
                chunks = _rewritten_chunks(reader, source.rdf_format)
                chunk_format = pyoxigraph.RdfFormat.N_QUADS
            _load_lines(
                chunks,
                # No base: a relative IRI is an error rather than a local file path in the data.
                lambda data: store.bulk_load(
                    data, format=chunk_format, to_graph=to_graph, base_iri=None
                ),
                # one more than cores: a loader waiting for the next chunk leaves one idle
                threads or available_cores() + 1,
            )
    except SyntaxError as exc:
        line = f":{exc.lineno}" if exc.lineno else ""
        reason = str(exc.msg if hasattr(exc, "msg") else exc)
        raise LoadError(f"{source.path}{line}: syntax error: {reason}") from exc
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise LoadError(f"{source.path}: cannot read: {exc}") from exc


def keep_each_triple_once(
    store: pyoxigraph.Store, graphs: list[str], counts: dict[str, int]
) -> None:
    """Remove from each of `graphs` the triples another graph of the store already states.

    The default graph is the union of the named graphs, and Oxigraph's union counts a triple
    once per graph that holds it: a loaded file that restates what the store says (the
    reference descriptions `synth` writes so that its files validate alone) would double
    every count. The graphs already published keep their triples; among `graphs`, the first
    that states a triple keeps it. `counts` (triples per graph) names the graphs and picks
    the smaller side to scan; the engine probes the other side's index for each triple.
    """
    for index, name in enumerate(graphs):
        later = set(graphs[index + 1 :])
        others = sorted(g for g in counts if g != name and g not in later)
        if not others:
            continue
        graph = str(pyoxigraph.NamedNode(name))
        mine = f"GRAPH {graph} {{ ?s ?p ?o }}"
        values = " ".join(str(pyoxigraph.NamedNode(g)) for g in others)
        theirs = f"VALUES ?other {{ {values} }} GRAPH ?other {{ ?s ?p ?o }}"
        # The engine joins in the order written: it scans the first and probes the second.
        if sum(counts[g] for g in others) < counts.get(name, 0):
            pattern = f"{theirs} {mine}"
        else:
            pattern = f"{mine} FILTER EXISTS {{ {theirs} }}"
        store.update(f"DELETE {{ {mine} }} WHERE {{ {pattern} }}")
