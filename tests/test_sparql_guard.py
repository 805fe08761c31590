"""The query worker pool on its own: overload, crash and timeout each give a clear error."""

from __future__ import annotations

import pytest

from kaltim_kg.errors import QueryTimeout, QueryUnavailable
from kaltim_kg.query_worker import Job
from kaltim_kg.web.guard import QueryPool

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
