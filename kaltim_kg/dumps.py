"""Write the downloads of one store generation: deterministic bytes, checksummed."""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import hashlib
import io
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph

from kaltim_kg.namespaces import PREFIXES

STEM = "kaltim-kg"
CHUNK = 1 << 20
SORT_MEMORY = "256M"  # sort's buffer; beyond it, sorted runs spill to a temporary folder
GZIP_LEVEL = 6  # fixed: the level is part of what makes the bytes reproducible
LINE_FORMATS = frozenset({pyoxigraph.RdfFormat.N_TRIPLES, pyoxigraph.RdfFormat.N_QUADS})


@dataclass(frozen=True)
class DumpFormat:
    """One downloadable serialisation."""

    name: str  # the CLI's --format value
    filename: str
    media_type: str
    rdf_format: pyoxigraph.RdfFormat
    gzipped: bool
    with_graphs: bool
    title: str


DUMP_FORMATS: tuple[DumpFormat, ...] = (
    DumpFormat(
        "ttl",
        f"{STEM}.ttl",
        "text/turtle",
        pyoxigraph.RdfFormat.TURTLE,
        False,
        False,
        "Turtle, all graphs merged",
    ),
    DumpFormat(
        "nt",
        f"{STEM}.nt.gz",
        "application/n-triples",
        pyoxigraph.RdfFormat.N_TRIPLES,
        True,
        False,
        "N-Triples (gzip), all graphs merged, sorted",
    ),
    DumpFormat(
        "nq",
        f"{STEM}.nq.gz",
        "application/n-quads",
        pyoxigraph.RdfFormat.N_QUADS,
        True,
        True,
        "N-Quads (gzip), with named graphs, sorted",
    ),
    DumpFormat(
        "jsonld",
        f"{STEM}.jsonld",
        "application/ld+json",
        pyoxigraph.RdfFormat.JSON_LD,
        False,
        False,
        "JSON-LD, all graphs merged",
    ),
)
DUMPS_BY_NAME = {f.name: f for f in DUMP_FORMATS}
CHECKSUMS = "SHA256SUMS"


def _graphs(store: pyoxigraph.Store) -> list[pyoxigraph.NamedNode | pyoxigraph.BlankNode]:
    """The store's named graphs, in a stable order (the order only affects sort input)."""
    return sorted(store.named_graphs(), key=str)


def _dump_lines(store: pyoxigraph.Store, fmt: DumpFormat, sink: IO[bytes]) -> None:
    """Write the unsorted lines of a line format: every quad, or every graph's triples.

    The triples of the union may repeat across graphs; the sort that follows removes them.
    Oxigraph serialises in Rust, so this runs at engine speed.
    """
    if fmt.with_graphs:
        store.dump(sink, format=pyoxigraph.RdfFormat.N_QUADS)
        return
    store.dump(sink, format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    for graph in _graphs(store):
        store.dump(sink, format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=graph)


@contextlib.contextmanager
def _sorted_unique(store: pyoxigraph.Store, fmt: DumpFormat) -> Iterator[IO[bytes]]:
    """A stream of the format's lines, byte-sorted and deduplicated, in bounded memory.

    Byte order (LC_ALL=C) makes the dump a function of the content alone. GNU/BSD `sort`
    spills to temporary files past SORT_MEMORY, so memory stays flat at any size; without a
    `sort` program the lines are sorted in memory (fine for small stores).
    """
    sort = shutil.which("sort")
    if sort is None:
        buffer = io.BytesIO()
        _dump_lines(store, fmt, buffer)
        lines = sorted(set(buffer.getvalue().splitlines(keepends=True)))
        yield io.BytesIO(b"".join(lines))
        return
    with tempfile.TemporaryDirectory(prefix="kaltim-kg-sort-") as scratch:
        env = {**os.environ, "LC_ALL": "C"}
        command = [sort, "-u", "-S", SORT_MEMORY, "-T", scratch]
        with subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        ) as process:
            assert process.stdin is not None and process.stdout is not None
            writer = threading.Thread(target=_feed, args=(store, fmt, process.stdin))
            writer.start()
            try:
                yield process.stdout
            finally:
                writer.join()
                process.stdout.close()
            if process.wait() != 0:
                raise OSError(f"sort exited with status {process.returncode}")


def _feed(store: pyoxigraph.Store, fmt: DumpFormat, sink: IO[bytes]) -> None:
    try:
        _dump_lines(store, fmt, sink)
    finally:
        sink.close()


def _copy(source: IO[bytes], out: IO[bytes], gzipped: bool) -> None:
    """Copy in blocks, compressing with a zero timestamp: same input, same bytes."""
    if not gzipped:
        shutil.copyfileobj(source, out, CHUNK)
        return
    with gzip.GzipFile(
        fileobj=out, mode="wb", mtime=0, filename="", compresslevel=GZIP_LEVEL
    ) as zipped:
        shutil.copyfileobj(source, zipped, CHUNK)


def _write_document(store: pyoxigraph.Store, fmt: DumpFormat, out: IO[bytes]) -> None:
    """Turtle / JSON-LD: re-serialise the sorted union triples, streamed, with our prefixes."""
    with _sorted_unique(store, DUMPS_BY_NAME["nt"]) as lines:
        triples = pyoxigraph.parse(lines, format=pyoxigraph.RdfFormat.N_TRIPLES)
        pyoxigraph.serialize(triples, out, format=fmt.rdf_format, prefixes=PREFIXES)


def write_dump(store: pyoxigraph.Store, fmt: DumpFormat, out: IO[bytes]) -> None:
    """Write one dump to a binary stream, streaming: line formats sorted and deduplicated."""
    if fmt.rdf_format in LINE_FORMATS:
        with _sorted_unique(store, fmt) as lines:
            _copy(lines, out, fmt.gzipped)
    elif fmt.gzipped:
        with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as zipped:
            _write_document(store, fmt, zipped)  # type: ignore[arg-type]
    else:
        _write_document(store, fmt, out)


def serialise(store: pyoxigraph.Store, fmt: DumpFormat) -> bytes:
    """The uncompressed bytes of one dump (in memory: for small stores and tests)."""
    buffer = io.BytesIO()
    write_dump(store, dataclasses.replace(fmt, gzipped=False), buffer)
    return buffer.getvalue()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def write_dumps(
    store: pyoxigraph.Store,
    directory: Path,
    formats: Iterable[DumpFormat] = DUMP_FORMATS,
    progress: Callable[[str], None] | None = None,
) -> dict[str, dict[str, object]]:
    """Write every dump plus SHA256SUMS into `directory`; return name → size and checksum."""
    directory.mkdir(parents=True, exist_ok=True)
    listing: dict[str, dict[str, object]] = {}
    for fmt in formats:
        if progress:
            progress(f"writing dump {fmt.filename}")
        path = directory / fmt.filename
        with path.open("wb") as handle:
            write_dump(store, fmt, handle)
        listing[fmt.filename] = {
            "format": fmt.name,
            "media_type": fmt.media_type,
            "gzip": fmt.gzipped,
            "bytes": path.stat().st_size,
            "sha256": sha256_file(path),
        }
    sums = io.StringIO()
    for name in sorted(listing):
        sums.write(f"{listing[name]['sha256']}  {name}\n")
    (directory / CHECKSUMS).write_text(sums.getvalue(), encoding="utf-8")
    return listing
