"""The query worker pool on its own: overload, crash and timeout each give a clear error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph
import pytest

from kaltim_kg.errors import QueryTimeout, QueryUnavailable
from kaltim_kg.query import worker as query_worker
from kaltim_kg.query.pool import QueryPool, _Admission
from kaltim_kg.query.worker import Job, _OpenStore
from kaltim_kg.store.generations import StoreDir
from tests.processes import alive

ASK = Job("ASK { ?s ?p ?o }", "json", 10)


@pytest.fixture()
def pool(settings):
    pool = QueryPool(settings.store_dir, 1)
    yield pool
    pool.close()


def test_a_busy_pool_answers_unavailable_instead_of_queueing_forever(pool):
    taken = pool._idle.get()  # the only worker is busy
    try:
        with pytest.raises(QueryUnavailable, match="busy"):
            pool.run(ASK, timeout=0.2)
    finally:
        pool._idle.put(taken)
    assert pool.run(ASK, timeout=10).body == b'{"head":{},"boolean":true}'


def test_a_dead_worker_is_replaced(pool):
    worker = pool._idle.get()
    worker.process.kill()
    worker.process.wait()
    pool._idle.put(worker)
    with pytest.raises(QueryUnavailable, match="stopped unexpectedly"):
        pool.run(ASK, timeout=10)
    assert pool.run(ASK, timeout=10).body == b'{"head":{},"boolean":true}'


def test_a_timed_out_worker_is_killed_and_replaced(pool):
    runaway = Job(
        "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", "json", 10
    )
    worker = pool._idle.get()
    pool._idle.put(worker)
    with pytest.raises(QueryTimeout):
        pool.run(runaway, timeout=0.5)
    assert worker.process.poll() is not None  # killed, not left running
    assert pool.run(ASK, timeout=10).body == b'{"head":{},"boolean":true}'


def test_the_most_recently_used_worker_takes_the_next_job(settings):
    """Idle workers are a stack: back-to-back queries reuse the worker whose CPU caches
    still hold the data (a queue rotated them and cost ~30 % on a 10 ms aggregation)."""
    pool = QueryPool(settings.store_dir, 2)
    taken = []
    take = pool._idle.get

    def spy(*args, **kwargs):
        taken.append(take(*args, **kwargs))
        return taken[-1]

    pool._idle.get = spy
    try:
        for _ in range(4):
            pool.run(ASK, timeout=10)
        assert len(taken) == 4 and all(worker is taken[0] for worker in taken)
    finally:
        pool.close()


@pytest.mark.parametrize("memory_quads", [0, 10_000_000])
def test_on_disk_and_in_memory_answer_the_same(settings, memory_quads):
    """Below `memory_store_quads` a worker serves a copy in memory; above, the database."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    job = Job(query, "json", 1000)
    pool = QueryPool(settings.store_dir, 1, memory_quads=memory_quads)
    try:
        rows = json.loads(pool.run(job, timeout=30).body)["results"]["bindings"]
    finally:
        pool.close()
    counts = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
    generation = StoreDir(settings.store_dir).require_current()
    assert counts == generation.manifest["graphs"]


def test_the_worker_with_the_memory_copy_is_preferred_and_replaced_in_kind(settings):
    """One worker copies the store into memory; it takes every job it is free for."""
    pool = QueryPool(settings.store_dir, 2, memory_quads=10_000_000, memory_copies=1)
    taken: list = []
    take = pool._idle.get

    def spy(*args, **kwargs):
        taken.append(take(*args, **kwargs))
        return taken[-1]

    try:
        assert sorted(w.memory_quads for w in pool._all) == [0, 10_000_000]
        hot = pool._idle.get()  # busy elsewhere: the next job goes to the other worker
        pool._idle.get = spy
        pool.run(ASK, timeout=10)
        pool._idle.put(hot)
        pool.run(ASK, timeout=10)  # the disk worker ran last, but the copy is free again
        assert [w.memory_quads for w in taken] == [0, 10_000_000]
        hot.process.kill()  # a dead copy holder is replaced by another copy holder
        hot.process.wait()
        with pytest.raises(QueryUnavailable):
            pool.run(ASK, timeout=10)
        assert sorted(w.memory_quads for w in pool._all) == [0, 10_000_000]
        assert hot not in pool._all
    finally:
        pool.close()


def test_only_small_generations_are_copied_into_memory(settings):
    quads = StoreDir(settings.store_dir).require_current().manifest["quads"]
    _, small = _OpenStore(str(settings.store_dir), memory_quads=quads).get()
    _, large = _OpenStore(str(settings.store_dir), memory_quads=quads - 1).get()
    assert len(small) == len(large) == quads
    extra = pyoxigraph.Quad(
        pyoxigraph.NamedNode("urn:s"), pyoxigraph.NamedNode("urn:p"), pyoxigraph.Literal("o")
    )
    small.add(extra)  # a private copy in memory: writable, and nobody else sees it
    with pytest.raises((OSError, RuntimeError)):
        large.add(extra)  # the published database, opened read-only


def test_a_worker_reads_the_database_until_its_copy_is_ready(settings, monkeypatch):
    """Copying takes ~5 s per million quads: queries must not wait for it (nor time out)."""
    copy_may_start = threading.Event()
    real_copy = query_worker._copy

    def slow_copy(store):
        copy_may_start.wait(timeout=30)
        return real_copy(store)

    monkeypatch.setattr(query_worker, "_copy", slow_copy)
    quads = StoreDir(settings.store_dir).require_current().manifest["quads"]
    opened = _OpenStore(str(settings.store_dir), memory_quads=quads, in_background=True)
    _, first = opened.get()
    extra = pyoxigraph.Quad(
        pyoxigraph.NamedNode("urn:s"), pyoxigraph.NamedNode("urn:p"), pyoxigraph.Literal("o")
    )
    with pytest.raises((OSError, RuntimeError)):
        first.add(extra)  # the published database, read-only, answers meanwhile
    copy_may_start.set()
    deadline = time.monotonic() + 30
    while opened.get()[1] is first and time.monotonic() < deadline:
        time.sleep(0.05)
    _, copy = opened.get()
    assert copy is not first and len(copy) == quads
    copy.add(extra)  # the private in-memory copy


def test_admission_lets_quick_queries_run_one_at_a_time():
    admission = _Admission(limit=1, patience=10)
    running, most = [0], [0]
    lock = threading.Lock()

    def query() -> None:
        ticket = admission.enter(time.monotonic() + 10)
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        admission.leave(ticket)

    threads = [threading.Thread(target=query) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert most[0] == 1


def test_admission_stops_waiting_for_a_slow_query_after_the_patience():
    admission = _Admission(limit=1, patience=0.2)
    slow = admission.enter(time.monotonic() + 10)  # never leaves during the test
    started = time.monotonic()
    quick = admission.enter(time.monotonic() + 10)
    waited = time.monotonic() - started
    assert 0.15 < waited < 2
    admission.leave(quick)
    admission.leave(slow)


def test_a_runaway_query_holds_back_a_quick_one_only_for_the_patience(settings):
    runaway = Job(
        "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", "json", 10
    )
    pool = QueryPool(settings.store_dir, 2, running_limit=1, patience=0.2)
    try:
        outcome: list[BaseException] = []

        def run_away() -> None:
            try:
                pool.run(runaway, timeout=3)
            except QueryTimeout as exc:
                outcome.append(exc)

        thread = threading.Thread(target=run_away)
        thread.start()
        time.sleep(0.3)  # the runaway is past its patience
        started = time.monotonic()
        assert pool.run(ASK, timeout=10).body == b'{"head":{},"boolean":true}'
        assert time.monotonic() - started < 1.5
        thread.join(timeout=10)
        assert len(outcome) == 1
    finally:
        pool.close()


def test_query_processes_exit_mid_query_when_their_server_process_dies(settings, tmp_path):
    """A runaway query must not outlive a server process killed with SIGKILL."""
    script = tmp_path / "owner.py"
    script.write_text(
        "import sys, threading, time\n"
        "from pathlib import Path\n"
        "from kaltim_kg.query.worker import Job\n"
        "from kaltim_kg.query.pool import QueryPool\n"
        "pool = QueryPool(Path(sys.argv[1]), 1)\n"
        "runaway = Job('SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }',"
        " 'json', 10)\n"
        "threading.Thread(target=pool.run, args=(runaway, 600), daemon=True).start()\n"
        "time.sleep(1)\n"
        "print(pool._all[0].process.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    owner = subprocess.Popen(
        [sys.executable, str(script), str(settings.store_dir)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        worker_pid = int(owner.stdout.readline())
        assert alive(worker_pid)  # busy with the runaway query
        owner.kill()
        owner.wait(timeout=10)
        deadline = time.monotonic() + 10
        while alive(worker_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(worker_pid)
    finally:
        if owner.poll() is None:
            owner.kill()
