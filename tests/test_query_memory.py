"""Bounded memory in query processes (issue 18 F5): caps sized from the data they hold."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from kaltim_kg.query.pool import QueryPool
from kaltim_kg.query.worker import Job, memory_cap
from kaltim_kg.store.generations import StoreDir

ASK = Job("ASK { ?s ?p ?o }", "json", 10)
MiB = 1024 * 1024


def _data_limit(pid: int) -> int:
    """The soft RLIMIT_DATA of a process, from /proc."""
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max data size"):
            return int(line.split()[3])
    raise AssertionError("no data limit line")


def test_the_heap_cap_is_sized_from_the_generations_quads_not_the_setting(settings):
    quads = StoreDir(settings.store_dir).require_current().manifest["quads"]
    pool = QueryPool(settings.store_dir, 1, memory_mb=1024, memory_quads=1_500_000)
    try:
        assert pool.run(ASK, timeout=30).body == b'{"head":{},"boolean":true}'
        [worker] = pool._all
        deadline = time.monotonic() + 10
        while _data_limit(worker.process.pid) == memory_cap(1024, 0):
            assert time.monotonic() < deadline, "the cap never made room for the copy"
            time.sleep(0.1)
        cap = _data_limit(worker.process.pid)
    finally:
        pool.close()
    assert cap == memory_cap(1024, quads)
    assert quads < 1_500_000 and cap < memory_cap(1024, 1_500_000)  # not room for 1.5 M quads


def test_a_worker_without_a_copy_gets_the_query_budget_alone(settings):
    pool = QueryPool(settings.store_dir, 1, memory_mb=1024, memory_quads=0)
    try:
        pool.run(ASK, timeout=30)
        [worker] = pool._all
        assert _data_limit(worker.process.pid) == memory_cap(1024, 0)
    finally:
        pool.close()


def test_a_worker_is_replaced_after_a_very_large_reply(settings):
    big = Job("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "ntriples", 100_000)
    pool = QueryPool(settings.store_dir, 1, recycle_bytes=10_000)
    try:
        [first] = pool._all
        pool.run(ASK, timeout=30)  # a small reply: the worker stays
        assert pool._all == [first] and not pool.restarts
        answer = pool.run(big, timeout=30)
        assert len(answer.body) >= 10_000
        [second] = pool._all
        assert second is not first and first.process.poll() is not None
        assert pool.restarts == {"recycled": 1}
        assert pool.run(ASK, timeout=30).body == b'{"head":{},"boolean":true}'  # the new one
    finally:
        pool.close()


COPY_UNDER_A_SMALL_CAP = """
import resource, sys
import pyoxigraph
from kaltim_kg.query.worker import _copy
source = pyoxigraph.Store()
source.extend(
    pyoxigraph.Quad(pyoxigraph.NamedNode(f"http://example.org/s{i}"),
                    pyoxigraph.NamedNode("http://example.org/p"), pyoxigraph.Literal(i),
                    pyoxigraph.NamedNode("http://example.org/g"))
    for i in range(2000)
)
resource.setrlimit(resource.RLIMIT_DATA, (150 * 1024 * 1024, resource.RLIM_INFINITY))
print(len(_copy(source)))
"""


def test_the_in_memory_copy_fits_a_small_heap_cap():
    """The copy must not need more than the data: pyoxigraph's bulk loader took a fixed
    200 MB buffer, so a worker with a 100 MB query budget aborted while copying (and each
    replacement did too, answering every later query with a 503)."""
    done = subprocess.run(
        [sys.executable, "-c", COPY_UNDER_A_SMALL_CAP],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0, done.stderr[-300:]
    assert done.stdout.split() == ["2000"]
