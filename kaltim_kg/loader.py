"""Stream other RDF files into the store as named graphs beside the article's, atomically.

A load makes a new generation like `build` does: the current database is copied with
Oxigraph's backup (hard links, so it costs almost nothing), the files are bulk-loaded into
the copy, dumps and manifest are rewritten, and the current link is swapped. Any error leaves
the published store exactly as it was.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph

from kaltim_kg.errors import LoadError
from kaltim_kg.namespaces import graph_iri, slugify

# Suffix → format; `.gz` is stripped first. Triples formats go into one target graph.
FORMATS: dict[str, pyoxigraph.RdfFormat] = {
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "nq": pyoxigraph.RdfFormat.N_QUADS,
    "ttl": pyoxigraph.RdfFormat.TURTLE,
    "trig": pyoxigraph.RdfFormat.TRIG,
}
QUAD_FORMATS = frozenset({pyoxigraph.RdfFormat.N_QUADS, pyoxigraph.RdfFormat.TRIG})

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
    store: pyoxigraph.Store, source: LoadSource, progress: BytesProgress | None = None
) -> None:
    """Bulk-load one file into `store`; a syntax error raises LoadError with file:line."""
    to_graph = pyoxigraph.NamedNode(source.graph)
    try:
        with source.path.open("rb") as raw:
            plain: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if source.gzipped else raw
            reader = _CountingReader(raw, plain, progress or (lambda _: None))
            store.bulk_load(
                io.BufferedReader(reader, 1 << 20),
                format=source.rdf_format,
                to_graph=to_graph,
                # No base: a relative IRI is an error rather than a local file path in the data.
                base_iri=None,
            )
    except SyntaxError as exc:
        line = f":{exc.lineno}" if exc.lineno else ""
        reason = str(exc.msg if hasattr(exc, "msg") else exc)
        raise LoadError(f"{source.path}{line}: syntax error: {reason}") from exc
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise LoadError(f"{source.path}: cannot read: {exc}") from exc
