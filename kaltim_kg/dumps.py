"""Write the downloads of one store generation: deterministic bytes, checksummed."""

from __future__ import annotations

import gzip
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph

from kaltim_kg import jsonld
from kaltim_kg.namespaces import PREFIXES

STEM = "kaltim-kg"
CHUNK = 1 << 20


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
        "JSON-LD, all graphs merged, compacted with /context.jsonld",
    ),
)
DUMPS_BY_NAME = {f.name: f for f in DUMP_FORMATS}
CHECKSUMS = "SHA256SUMS"


def _union_triples(store: pyoxigraph.Store) -> Iterator[pyoxigraph.Triple]:
    """Every distinct triple of every named graph (the endpoint's default graph)."""
    seen: set[pyoxigraph.Triple] = set()
    for quad in store.quads_for_pattern(None, None, None, None):
        triple = quad.triple
        if triple not in seen:
            seen.add(triple)
            yield triple


def _sorted_lines(data: bytes) -> bytes:
    lines = sorted(set(data.splitlines(keepends=True)))
    return b"".join(lines)


def serialise(store: pyoxigraph.Store, fmt: DumpFormat) -> bytes:
    """The uncompressed bytes of one dump; line formats are sorted so rebuilds are identical."""
    if fmt.with_graphs:
        return _sorted_lines(store.dump(format=fmt.rdf_format) or b"")
    if fmt.rdf_format == pyoxigraph.RdfFormat.N_TRIPLES:
        data = pyoxigraph.serialize(_union_triples(store), format=fmt.rdf_format) or b""
        return _sorted_lines(data)
    triples = sorted(_union_triples(store), key=str)
    data = pyoxigraph.serialize(triples, format=fmt.rdf_format, prefixes=PREFIXES) or b""
    if fmt.rdf_format == pyoxigraph.RdfFormat.JSON_LD:
        return jsonld.compact(data)  # keys as kkg:…, with the context /context.jsonld serves
    return data


def write_dump(store: pyoxigraph.Store, fmt: DumpFormat, out: IO[bytes]) -> None:
    """Write one dump to a binary stream (gzip with a zero timestamp: same input, same bytes)."""
    data = serialise(store, fmt)
    if fmt.gzipped:
        with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as zipped:
            zipped.write(data)
    else:
        out.write(data)


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
