"""Files load in chunks on several threads (lines, or Turtle/TriG rewritten): same quads, errors.

A tiny chunk size makes a small file take the many-chunk, many-thread path the real loader
takes for big files.
"""

from __future__ import annotations

import _thread
import gzip
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pyoxigraph
import pytest

from kaltim_kg.errors import LoadError
from kaltim_kg.store import loader
from kaltim_kg.store.loader import (
    THREAD_NAME,
    LoadSource,
    _Chunk,
    _load_lines,
    format_of,
    load_file,
)

EX = "http://example.org/"
GRAPH = f"{EX}graph/file"


def _lines(count: int, blank_nodes_at: tuple[int, ...] = ()) -> list[str]:
    """Numbered triples; the lines (0-based) in `blank_nodes_at` all mention one blank node."""
    lines = [
        f'<{EX}s{n}> <{EX}value> "{n}"^^<http://www.w3.org/2001/XMLSchema#integer> .'
        for n in range(count)
    ]
    for index in blank_nodes_at:
        lines[index] = f"_:shared <{EX}mentions> <{EX}s{index}> ."
    return lines


def _blank_nodes(store: pyoxigraph.Store) -> set[pyoxigraph.BlankNode]:
    return {q.subject for q in store if isinstance(q.subject, pyoxigraph.BlankNode)}


def _source(path: Path) -> LoadSource:
    rdf_format, gzipped = format_of(path)
    return LoadSource(path, rdf_format, gzipped, GRAPH)


def _write(path: Path, text: str) -> Path:
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def _quads(store: pyoxigraph.Store) -> set[str]:
    """The quads as N-Quads lines; blank node labels (random per load) left out."""
    return {re.sub(r"_:\w+", "_:b", str(quad)) for quad in store}


def _reference(text: str, rdf_format: pyoxigraph.RdfFormat) -> set[str]:
    """The file parsed in one piece by Oxigraph itself."""
    store = pyoxigraph.Store()
    store.load(text.encode("utf-8"), format=rdf_format, to_graph=pyoxigraph.NamedNode(GRAPH))
    return _quads(store)


@pytest.mark.parametrize("name", ["many.nt", "many.nt.gz"])
def test_chunked_load_equals_a_whole_file_parse(tmp_path: Path, name: str) -> None:
    text = "\n".join(_lines(2000)) + "\n"
    path = _write(tmp_path / name, text)
    store = pyoxigraph.Store()
    seen: list[int] = []
    load_file(store, _source(path), seen.append, threads=3, chunk_bytes=1024)
    assert _quads(store) == _reference(text, pyoxigraph.RdfFormat.N_TRIPLES)
    assert len(store) == 2000
    assert sum(seen) == path.stat().st_size  # progress counts the file's own bytes


@pytest.mark.parametrize("where", [(0, 1999), (1000, 1999), (5, 6)])
def test_a_blank_node_stays_one_node_across_chunks(tmp_path: Path, where: tuple[int, ...]) -> None:
    """From the first chunk with a blank node on, one load reads the rest (one label scope)."""
    text = "\n".join(_lines(2000, blank_nodes_at=where)) + "\n"
    path = _write(tmp_path / "blank.nt", text)
    store = pyoxigraph.Store()
    load_file(store, _source(path), threads=3, chunk_bytes=1024)
    assert _quads(store) == _reference(text, pyoxigraph.RdfFormat.N_TRIPLES)
    assert len(_blank_nodes(store)) == 1


def test_chunks_without_blank_nodes_load_on_several_threads() -> None:
    chunks = [_Chunk(b"x\n", n + 1, 1) for n in range(6)] + [_Chunk(b"_:b\n", 7, 1)]
    chunks += [_Chunk(b"y\n", 8, 1)]
    calls: list[tuple[str, bytes]] = []

    def load(data: bytes | IO[bytes]) -> None:
        time.sleep(0.05)  # long enough that one thread cannot take every chunk
        body = data if isinstance(data, bytes) else data.read()
        calls.append((threading.current_thread().name, body))

    _load_lines(iter(chunks), load, threads=3)
    parallel, streamed = calls[:-1], calls[-1]
    assert sorted(body for _, body in parallel) == [b"x\n"] * 6
    assert len({name for name, _ in parallel}) > 1
    assert streamed == (threading.current_thread().name, b"_:b\ny\n")


def test_crlf_and_no_final_newline(tmp_path: Path) -> None:
    text = "\r\n".join(_lines(300, blank_nodes_at=(100, 299)))  # last line unterminated
    path = _write(tmp_path / "crlf.nt", text)
    store = pyoxigraph.Store()
    load_file(store, _source(path), threads=2, chunk_bytes=256)
    assert _quads(store) == _reference(text, pyoxigraph.RdfFormat.N_TRIPLES)
    assert len(_blank_nodes(store)) == 1


def test_nquads_keep_their_graphs_across_chunks(tmp_path: Path) -> None:
    lines = [f"<{EX}s{n}> <{EX}p> <{EX}o{n}> <{EX}g{n % 3}> ." for n in range(500)]
    lines.append(f"<{EX}d> <{EX}p> <{EX}o> .")  # default graph: goes to the file's graph
    text = "\n".join(lines) + "\n"
    path = _write(tmp_path / "many.nq", text)
    store = pyoxigraph.Store()
    load_file(store, _source(path), threads=2, chunk_bytes=512)
    assert _quads(store) == _reference(text, pyoxigraph.RdfFormat.N_QUADS)
    assert {q.graph_name.value for q in store} == {f"{EX}g0", f"{EX}g1", f"{EX}g2", GRAPH}


@pytest.mark.parametrize("blank_nodes_at", [(), (1000,)], ids=["parallel", "one-stream"])
def test_syntax_errors_report_the_first_one_at_its_file_line(
    tmp_path: Path, blank_nodes_at: tuple[int, ...]
) -> None:
    lines = _lines(2000, blank_nodes_at)
    lines[1499] = f"<{EX}broken> <{EX}p> <{EX}o"  # file line 1500
    lines[1799] = f'<{EX}broken> <{EX}p> "unterminated .'  # file line 1800, a later error
    path = _write(tmp_path / "bad.nt", "\n".join(lines) + "\n")
    with pytest.raises(LoadError) as raised:
        load_file(pyoxigraph.Store(), _source(path), threads=3, chunk_bytes=1024)
    message = str(raised.value)
    assert message.startswith(f"{path}:1500: syntax error: ")
    # pyoxigraph's own position, counted in the chunk, is counted in the file too
    mentioned = {int(n) for n in re.findall(r"\bline (\d+)", message)}
    assert mentioned and min(mentioned) == 1500


@pytest.mark.parametrize("blank_nodes_at", [(), (10,)], ids=["parallel", "one-stream"])
def test_unreadable_gzip_stops_every_loader(
    tmp_path: Path, blank_nodes_at: tuple[int, ...]
) -> None:
    whole = gzip.compress(("\n".join(_lines(5000, blank_nodes_at)) + "\n").encode("utf-8"))
    path = tmp_path / "cut.nt.gz"
    path.write_bytes(whole[: len(whole) // 2])  # truncated download
    with pytest.raises(LoadError, match=r"cut\.nt\.gz: cannot read"):
        load_file(pyoxigraph.Store(), _source(path), threads=2, chunk_bytes=1024)
    assert not _loader_threads()  # none left waiting for work


def _turtle(count: int, blank_node_at: int | None = None) -> str:
    lines = [f"@prefix ex: <{EX}> ."]
    for n in range(count):
        subject = "_:shared" if n == blank_node_at else f"ex:s{n}"
        lines.append(f'{subject} ex:value {n} ;\n    ex:label "s{n}"@en .')
    lines.append("ex:last ex:mentions _:shared, [ ex:value -1 ] .")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("blank_node_at", [None, 0, 150], ids=["no-shared", "first", "middle"])
def test_turtle_is_rewritten_in_chunks_with_the_same_quads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blank_node_at: int | None
) -> None:
    monkeypatch.setattr("kaltim_kg.store.loader.REWRITE_QUADS", 50)
    rewrites = _count_rewrites(monkeypatch)
    text = _turtle(300, blank_node_at)
    path = _write(tmp_path / "many.ttl.gz", text)
    store = pyoxigraph.Store()
    load_file(store, _source(path), threads=3, chunk_bytes=2048)
    assert _quads(store) == _reference(text, pyoxigraph.RdfFormat.TURTLE)
    # a blank node in the first chunk_bytes: one plain load; else rewritten in chunks
    assert len(rewrites) == (0 if blank_node_at == 0 else 1)
    # `_:shared` (on line 1, or half-way, and again at the end) and the `[ ]`: two nodes
    terms = {term for q in store for term in (q.subject, q.object)}
    assert len({t for t in terms if isinstance(t, pyoxigraph.BlankNode)}) == 2


def _count_rewrites(monkeypatch: pytest.MonkeyPatch) -> list[pyoxigraph.RdfFormat]:
    """One entry per file the loader rewrites in chunks (rather than loading it whole)."""
    seen: list[pyoxigraph.RdfFormat] = []
    original = loader._rewritten_chunks

    def counting(reader: IO[bytes], rdf_format: pyoxigraph.RdfFormat) -> Iterator[_Chunk]:
        seen.append(rdf_format)
        return original(reader, rdf_format)

    monkeypatch.setattr(loader, "_rewritten_chunks", counting)
    return seen


def test_trig_graphs_survive_the_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kaltim_kg.store.loader.REWRITE_QUADS", 7)
    rewrites = _count_rewrites(monkeypatch)
    blocks = [f"@prefix ex: <{EX}> ."]
    blocks += [f"ex:g{n % 3} {{ ex:s{n} ex:p ex:o{n} . }}" for n in range(40)]
    blocks.append("ex:d ex:p ex:o .")  # default graph: goes to the file's graph
    text = "\n".join(blocks) + "\n"
    path = _write(tmp_path / "many.trig", text)
    store = pyoxigraph.Store()
    load_file(store, _source(path), threads=2)
    assert _quads(store) == _reference(text, pyoxigraph.RdfFormat.TRIG)
    assert rewrites == [pyoxigraph.RdfFormat.TRIG]
    assert {q.graph_name.value for q in store} == {f"{EX}g0", f"{EX}g1", f"{EX}g2", GRAPH}


@pytest.mark.parametrize("blank_node_at", [None, 3], ids=["rewritten", "one-load"])
def test_turtle_syntax_error_keeps_its_file_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blank_node_at: int | None
) -> None:
    monkeypatch.setattr("kaltim_kg.store.loader.REWRITE_QUADS", 20)
    lines = _turtle(200, blank_node_at).splitlines()
    lines[301] = "ex:broken ex:p ex:o"  # file line 302; the statement runs into the next
    path = _write(tmp_path / "bad.ttl", "\n".join(lines) + "\n")
    with pytest.raises(LoadError) as raised:
        load_file(pyoxigraph.Store(), _source(path), threads=2, chunk_bytes=2048)
    assert re.match(rf"{re.escape(str(path))}:30[2-3]: syntax error: ", str(raised.value))


def test_an_interrupted_load_leaves_no_loader_thread() -> None:
    """Ctrl-C while the last chunks still load: the exception goes up, and every loader
    thread ends on its own (they once waited forever for a stop signal the Ctrl-C cut off)."""
    chunks = [_Chunk(b"x\n", n + 1, 1) for n in range(4)]

    def load(data: bytes | IO[bytes]) -> None:
        time.sleep(0.5)

    threading.Timer(0.25, _thread.interrupt_main).start()  # all chunks queued by then
    with pytest.raises(KeyboardInterrupt):
        _load_lines(iter(chunks), load, threads=2)
    deadline = time.monotonic() + 5
    while _loader_threads() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _loader_threads()


def _loader_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(THREAD_NAME)]
