"""Bounded memory in query processes (issue 18 F5): caps sized from the data they hold."""

from __future__ import annotations

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
    assert cap < 1700 * MiB  # not the 3.1 GiB that room for 1.5 M quads would give


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
