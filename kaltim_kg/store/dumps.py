"""Write the downloads of one store generation: deterministic bytes, checksummed."""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import hashlib
import io
import itertools
import json
import multiprocessing
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyoxigraph

from kaltim_kg.config import available_cores
from kaltim_kg.formats import LINE_FORMATS
from kaltim_kg.graph import jsonld
from kaltim_kg.lifetime import die_with_parent
from kaltim_kg.namespaces import PREFIXES
from kaltim_kg.store.csv_tables import MEDIA_TYPES as CSV_MEDIA_TYPES
from kaltim_kg.store.csv_tables import write_tidy_csv

STEM = "kaltim-kg"
CHUNK = 1 << 20
SORT_MEMORY = "256M"  # sort's buffer; beyond it, sorted runs spill to a temporary folder
GZIP_LEVEL = 6  # fixed: the level is part of what makes the bytes reproducible
# Below this many quads all dumps take a few seconds at most: not worth starting processes.
PARALLEL_FROM_STATEMENTS = 200_000
_COST_ORDER = {  # slowest first: JSON-LD takes ~5 s per million triples, in Python
    pyoxigraph.RdfFormat.JSON_LD: 0,
    pyoxigraph.RdfFormat.TURTLE: 1,
    pyoxigraph.RdfFormat.N_QUADS: 2,
    pyoxigraph.RdfFormat.N_TRIPLES: 3,
}


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

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # pyoxigraph's formats do not pickle; a helper process gets this by media type.
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        fields["rdf_format"] = self.rdf_format.media_type
        return _restore_format, (fields,)


def _restore_format(fields: dict[str, Any]) -> DumpFormat:
    rdf_format = pyoxigraph.RdfFormat.from_media_type(fields["rdf_format"])
    return DumpFormat(**{**fields, "rdf_format": rdf_format})


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


class _SortedLines:
    """The store's quads and union triples as byte-sorted, deduplicated files in `scratch`.

    Oxigraph writes every quad once, in Rust (the slow part, at engine speed); the union's
    triples are those lines minus their graph term; both are sorted by `sort -u` processes
    running side by side, which spill to disk past SORT_MEMORY. So memory stays flat at any
    size, and byte order (LC_ALL=C) makes each dump a function of the content alone. Without
    POSIX `sort`/`sed`, or with triples in the default graph, slower portable paths are used.
    """

    def __init__(self, store: pyoxigraph.Store, scratch: Path) -> None:
        self.store = store
        self.scratch = scratch
        self._files: dict[bool, Path] = {}

    def path(self, with_graphs: bool) -> Path:
        if not self._files:
            self._make()
        return self._files[with_graphs]

    def count(self, with_graphs: bool) -> int:
        """How many distinct quads (or union triples): the sorted file's line count."""
        with self.path(with_graphs).open("rb") as data:
            return sum(block.count(b"\n") for block in iter(lambda: data.read(CHUNK), b""))

    def _make(self) -> None:
        quads_out, triples_out = self.scratch / "sorted.nq", self.scratch / "sorted.nt"
        sort, sed = shutil.which("sort"), shutil.which("sed")
        if sort is None or sed is None:
            self._make_in_memory(quads_out, triples_out)
        elif self._default_graph_is_empty():
            self._make_streaming(sort, sed, quads_out, triples_out)
        else:
            self._make_from_files(sort, quads_out, triples_out)
        self._files = {True: quads_out, False: triples_out}

    def _sort_command(self, sort: str, out: Path) -> list[str]:
        return [sort, "-u", "-S", SORT_MEMORY, "-T", str(self.scratch), "-o", str(out)]

    def _make_streaming(self, sort: str, sed: str, quads_out: Path, triples_out: Path) -> None:
        """One quad dump piped into both sorts at once: sorting overlaps the dump."""
        env = {**os.environ, "LC_ALL": "C"}
        pipe = subprocess.PIPE
        quads = subprocess.Popen(self._sort_command(sort, quads_out), stdin=pipe, env=env)
        # Every line is `S P O G .`: dropping the last term before ` .` gives S P O.
        strip = subprocess.Popen([sed, "-E", r"s/ [^ ]+ \.$/ ./"], stdin=pipe, stdout=pipe)
        triples = subprocess.Popen(
            self._sort_command(sort, triples_out), stdin=strip.stdout, env=env
        )
        assert quads.stdin is not None and strip.stdin is not None and strip.stdout is not None
        strip.stdout.close()  # the triples sort owns the read end now
        try:
            self.store.dump(_Tee(quads.stdin, strip.stdin), format=pyoxigraph.RdfFormat.N_QUADS)
        finally:
            quads.stdin.close()
            strip.stdin.close()
            statuses = [(quads.wait(), "sort"), (strip.wait(), "sed"), (triples.wait(), "sort")]
        for status, program in statuses:
            _check(status, program)

    def _make_from_files(self, sort: str, quads_out: Path, triples_out: Path) -> None:
        """With triples in the default graph, dump the union graph by graph instead."""
        env = {**os.environ, "LC_ALL": "C"}
        raw_quads, raw_triples = self.scratch / "all.nq", self.scratch / "all.nt"
        self.store.dump(output=str(raw_quads), format=pyoxigraph.RdfFormat.N_QUADS)
        self._dump_union_triples(raw_triples)
        _run([*self._sort_command(sort, quads_out), str(raw_quads)], env)
        _run([*self._sort_command(sort, triples_out), str(raw_triples)], env)
        raw_quads.unlink()
        raw_triples.unlink()

    def _default_graph_is_empty(self) -> bool:
        default = pyoxigraph.DefaultGraph()
        return next(iter(self.store.quads_for_pattern(None, None, None, default)), None) is None

    def _dump_union_triples(self, path: Path) -> None:
        with path.open("wb") as out:
            for graph in [pyoxigraph.DefaultGraph(), *self.store.named_graphs()]:
                self.store.dump(out, format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=graph)

    def _make_in_memory(self, quads_out: Path, triples_out: Path) -> None:
        buffer = io.BytesIO()
        self.store.dump(buffer, format=pyoxigraph.RdfFormat.N_QUADS)
        quads_out.write_bytes(_sorted_set(buffer.getvalue()))
        raw = self.scratch / "all.nt"
        self._dump_union_triples(raw)
        triples_out.write_bytes(_sorted_set(raw.read_bytes()))


class _Tee:
    """A write-only stream copying every block to two others (Oxigraph writes in blocks)."""

    def __init__(self, first: IO[bytes], second: IO[bytes]) -> None:
        self.first, self.second = first, second

    def write(self, block: bytes) -> int:
        self.first.write(block)
        self.second.write(block)
        return len(block)

    def flush(self) -> None:
        self.first.flush()
        self.second.flush()


def _sorted_set(data: bytes) -> bytes:
    return b"".join(sorted(set(data.splitlines(keepends=True))))


def _run(command: list[str], env: dict[str, str], stdin: IO[bytes] | None = None) -> None:
    _check(subprocess.run(command, env=env, stdin=stdin, check=False).returncode, command[0])


def _check(status: int, program: str) -> None:
    if status != 0:
        raise OSError(f"{Path(program).name} exited with status {status} while writing dumps")


def _write_from(lines: _SortedLines, fmt: DumpFormat, out: IO[bytes]) -> None:
    _write_sorted(lines.path(fmt.with_graphs), fmt, out)


def _write_sorted(source: Path, fmt: DumpFormat, out: IO[bytes]) -> None:
    """One dump from the sorted quads or triples in `source`."""
    if fmt.rdf_format in LINE_FORMATS:
        with source.open("rb") as data:
            _copy(data, out, fmt.gzipped)
        return
    with source.open("rb") as data, contextlib.ExitStack() as stack:
        # Turtle / JSON-LD: the sorted union re-serialised as a stream, with our prefixes.
        triples = pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
        sink = stack.enter_context(_gzip(out)) if fmt.gzipped else out
        if fmt.rdf_format == pyoxigraph.RdfFormat.JSON_LD:
            jsonld.write_document(_nodes(triples), sink)
        else:
            pyoxigraph.serialize(triples, sink, format=fmt.rdf_format, prefixes=PREFIXES)


def _write_file(source: Path, fmt: DumpFormat, path: Path) -> dict[str, object]:
    """Write one dump file and describe it; a helper process runs this for big stores."""
    with path.open("wb") as handle:
        _write_sorted(source, fmt, handle)
    return _describe(fmt, path)


def _nodes(triples: Iterator[pyoxigraph.Triple]) -> Iterator[dict[str, object]]:
    """Expanded JSON-LD node objects, one subject at a time (the input is sorted by subject)."""
    for _, group in itertools.groupby(triples, key=lambda triple: triple.subject):
        expanded = pyoxigraph.serialize(list(group), format=pyoxigraph.RdfFormat.JSON_LD)
        yield from json.loads(expanded or b"[]")


def _gzip(out: IO[bytes]) -> gzip.GzipFile:
    """A gzip writer with a zero timestamp and a fixed level: same input, same bytes."""
    return gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="", compresslevel=GZIP_LEVEL)


def _copy(source: IO[bytes], out: IO[bytes], gzipped: bool) -> None:
    if not gzipped:
        shutil.copyfileobj(source, out, CHUNK)
        return
    with _gzip(out) as zipped:
        shutil.copyfileobj(source, zipped, CHUNK)


def write_dump(store: pyoxigraph.Store, fmt: DumpFormat, out: IO[bytes]) -> None:
    """Write one dump to a binary stream, in bounded memory."""
    with tempfile.TemporaryDirectory(prefix="kaltim-kg-dump-") as scratch:
        _write_from(_SortedLines(store, Path(scratch)), fmt, out)


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
    processes: int | None = None,
) -> dict[str, dict[str, object]]:
    """Write every dump plus SHA256SUMS into `directory`; return name → size and checksum.

    Once the sorted lines exist the formats are independent, and Turtle and JSON-LD are
    written by Python-bound loops that threads could not overlap; so with more than one
    core, stores past PARALLEL_FROM_STATEMENTS get `processes` helper processes (default:
    the cores) writing one format each. Smaller stores are done before those would start.
    """
    directory.mkdir(parents=True, exist_ok=True)
    formats = list(formats)
    # Scratch space beside the dumps (same disk, cleaned up): the sort runs are made once.
    with tempfile.TemporaryDirectory(prefix=".sort-", dir=directory) as scratch:
        lines = _SortedLines(store, Path(scratch))
        if progress:
            progress("sorting quads and triples for the dumps")
        statements = {graphs: lines.count(graphs) for graphs in (True, False)}
        jobs = [(lines.path(f.with_graphs), f, directory / f.filename) for f in formats]
        if processes is None:
            big = statements[True] >= PARALLEL_FROM_STATEMENTS
            processes = min(available_cores(), len(jobs)) if big else 1
        if progress:
            names = ", ".join(f.filename for f in formats)
            progress(f"writing dumps {names} ({processes} process{'es' if processes > 1 else ''})")
        listing = _write_files(jobs, processes)
        if progress:
            progress("writing the tidy CSV files")
        for path in write_tidy_csv(store, directory):
            listing[path.name] = {
                "format": "csv" if path.suffix == ".csv" else "csvw",
                "media_type": CSV_MEDIA_TYPES[path.name],
                "gzip": False,
                "bytes": path.stat().st_size,
                "sha256": sha256_file(path),
            }
        for fmt in formats:
            if fmt.rdf_format in LINE_FORMATS:
                # Distinct statements, free from the sorted lines: VoID's void:triples.
                listing[fmt.filename]["statements"] = statements[fmt.with_graphs]
    return _write_checksums(directory, listing)


def _write_files(
    jobs: list[tuple[Path, DumpFormat, Path]], processes: int
) -> dict[str, dict[str, object]]:
    if processes <= 1:
        return {path.name: _write_file(source, fmt, path) for source, fmt, path in jobs}
    # A fresh interpreter per helper ("spawn"): the caller may hold RocksDB handles and
    # threads, which a fork would copy.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, context, die_with_parent) as pool:
        # Slowest first (JSON-LD, then Turtle), so the short ones fill in around them.
        ordered = sorted(jobs, key=lambda job: _COST_ORDER.get(job[1].rdf_format, 0))
        futures = {job[2].name: pool.submit(_write_file, *job) for job in ordered}
        return {name: futures[name].result() for name in sorted(futures)}


def _describe(fmt: DumpFormat, path: Path) -> dict[str, object]:
    return {
        "format": fmt.name,
        "media_type": fmt.media_type,
        "gzip": fmt.gzipped,
        "bytes": path.stat().st_size,
        "sha256": sha256_file(path),
    }


def _write_checksums(
    directory: Path, listing: dict[str, dict[str, object]]
) -> dict[str, dict[str, object]]:
    sums = io.StringIO()
    for name in sorted(listing):
        sums.write(f"{listing[name]['sha256']}  {name}\n")
    (directory / CHECKSUMS).write_text(sums.getvalue(), encoding="utf-8")
    return listing
