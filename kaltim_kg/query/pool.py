"""Query isolation: every query runs in a worker process that can be killed.

Neither Oxigraph nor any other embedded engine can cancel a running query, so the web
process never runs one itself. It hands a `Job` to an idle worker of a small persistent
pool and waits at most the query timeout; a worker that overruns is killed with SIGKILL and
replaced, and the other workers keep answering. The pool is created the first time a query
arrives, so under a pre-forking server each server process gets its own, after the fork.

Which worker runs a query is chosen for speed on few cores: one worker per pool holds the
store in memory and takes every query it is free for; quick queries run at most cores /
server processes at a time, and the spare workers step in only behind a slow one.
"""

from __future__ import annotations

import atexit
import itertools
import os
import pickle
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from kaltim_kg.config import Settings, available_cores
from kaltim_kg.errors import (
    QuerySyntaxError,
    QueryTimeout,
    QueryUnavailable,
    ResultNotRepresentable,
)
from kaltim_kg.query.handoff import (
    SERVER_POLL_SECONDS,
    poll_readable,
    readable_poller,
    wait_readable,
)
from kaltim_kg.query.worker import EXIT_NETWORK_KEPT, Job, Reply
from kaltim_kg.store.generations import StoreDir

# A worker that has just sent a reply this big is replaced: its heap grew to build the
# reply (several copies of it, in the engine, the sink and the pickle) and stays that size.
RECYCLE_REPLY_BYTES = 32 * 1024 * 1024
# How long a new worker may take to answer its first health probe before it is replaced.
WORKER_START_SECONDS = 60.0
# Called with the reason each time a worker is replaced (the web layer counts them).
RESTART_LISTENERS: list[Callable[[str], None]] = []
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


class _Worker:
    """One worker process (`python -m kaltim_kg.query.worker`) and our end of its socket.

    A fresh interpreter rather than multiprocessing's fork or forkserver: nothing inherited
    from a threaded server process (RocksDB and fork() do not mix), no re-import of the
    server's main module, and the same interpreter and package as the server.
    """

    def __init__(
        self, store_root: Path, memory_mb: int, memory_quads: int = 0, allow_network: bool = False
    ) -> None:
        self.memory_quads = memory_quads
        self.allow_network = allow_network
        self.answered = False  # has sent a reply: past its start-up
        ours, theirs = socket.socketpair()
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([_PACKAGE_ROOT, *sys.path]),
            "RUST_BACKTRACE": "0",  # an aborted query logs one line, not a backtrace
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kaltim_kg.query.worker",
                str(theirs.fileno()),
                str(store_root),
                str(memory_mb),
                str(memory_quads),
                str(os.getpid()),  # the worker ends when this process is gone
                "allow-network" if allow_network else "drop-network",
            ],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            env=env,
        )
        theirs.close()
        self.conn = Connection(ours.detach())
        self.readable = readable_poller(self.conn.fileno())

    def exit_reason(self) -> str:
        """Why a worker that closed its socket has gone."""
        try:
            code = self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return "stopped answering"
        if code == -signal.SIGABRT:
            return "ran out of its memory budget"
        if code == EXIT_NETWORK_KEPT:
            return (
                "cannot drop its network and may not keep it (serve --allow-query-network "
                "to run queries anyway)"
            )
        return f"stopped unexpectedly (exit status {code})"

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: the engine cannot be asked to stop
        self.process.wait(timeout=5)
        self.conn.close()


@dataclass(frozen=True)
class Answer:
    """A successful reply plus how long it took: in all, and in the query process alone."""

    body: bytes
    truncated: bool
    generation: str
    seconds: float  # waiting for a worker, the hop there and back, and the worker's time
    engine_seconds: float = 0.0  # the worker's own time: evaluation and serialisation
    cut_to_bytes: bool = False  # cut to the job's max_bytes


class _IdleWorkers:
    """Idle workers, handed out best first: one that may hold the in-memory copy, then the
    one used last (its CPU caches still hold what the previous query touched; rotating
    through them cost ~30 % on a 10 ms aggregation)."""

    def __init__(self) -> None:
        self._workers: list[_Worker] = []
        self._changed = threading.Condition()

    def put(self, worker: _Worker) -> None:
        with self._changed:
            self._workers.append(worker)
            self._changed.notify()

    def count(self) -> int:
        with self._changed:
            return len(self._workers)

    def get(self, timeout: float | None = None) -> _Worker:
        """The best idle worker, waiting up to `timeout` seconds; queue.Empty after that."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while not self._workers:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise queue.Empty
                self._changed.wait(remaining)
            for i in range(len(self._workers) - 1, -1, -1):
                if self._workers[i].memory_quads:
                    return self._workers.pop(i)
            return self._workers.pop()


class _Admission:
    """At most `limit` queries run at once, unless the running ones are slow.

    More queries than cores running at once only share the cores and evict each other's
    data from the CPU caches: on 2 cores, 4 query processes served the mix 20-25 % slower
    than 2. A query that finds `limit` running waits for one to finish, but no longer than
    until the oldest has run `patience` seconds: a runaway query holds the others back for
    that long at most.
    """

    def __init__(self, limit: int, patience: float) -> None:
        self.limit = max(1, limit)
        self.patience = patience
        self._changed = threading.Condition()
        self._running: dict[int, float] = {}  # ticket -> when it started
        self._tickets = itertools.count()

    def enter(self, deadline: float) -> int:
        with self._changed:
            while len(self._running) >= self.limit:
                now = time.monotonic()
                wait = min(min(self._running.values()) + self.patience, deadline) - now
                if wait <= 0:
                    break
                self._changed.wait(wait)
            ticket = next(self._tickets)
            self._running[ticket] = time.monotonic()
            return ticket

    def leave(self, ticket: int) -> None:
        with self._changed:
            del self._running[ticket]
            self._changed.notify()


class QueryPool:
    """A fixed number of persistent query workers over one store directory.

    `running_limit` (None: as many as there are workers) caps the queries running at once
    while they are quick; the other workers take over when one has run `patience` seconds.
    Only the first `memory_copies` workers copy a store of up to `memory_quads` quads into
    memory; they take every query they are free for, and the rest read the database.
    """

    def __init__(
        self,
        store_root: Path,
        size: int,
        memory_mb: int = 0,
        memory_quads: int = 0,
        running_limit: int | None = None,
        patience: float = 0.25,
        memory_copies: int = 1,
        recycle_bytes: int = RECYCLE_REPLY_BYTES,
        allow_network: bool = False,
    ) -> None:
        self.store_root = store_root
        self.allow_network = allow_network
        self.recycle_bytes = recycle_bytes
        self.restarts: Counter[str] = Counter()  # replaced workers, by why
        self.size = max(1, size)
        self.memory_mb = memory_mb
        self._admission = _Admission(running_limit or self.size, patience)
        self._idle = _IdleWorkers()
        self._lock = threading.Lock()
        self._in_flight = 0  # this process's queries waiting or running
        self._all: list[_Worker] = []
        for i in range(self.size):
            self._add_worker(memory_quads if i < memory_copies else 0)

    def _add_worker(self, memory_quads: int) -> _Worker:
        worker = _Worker(self.store_root, self.memory_mb, memory_quads, self.allow_network)
        with self._lock:
            self._all.append(worker)
        self._idle.put(worker)
        return worker

    def _retire(self, worker: _Worker, why: str) -> None:
        self.restarts[why] += 1
        for listener in RESTART_LISTENERS:
            listener(why)
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        self._add_worker(worker.memory_quads)

    def run(self, job: Job, timeout: float) -> Answer:
        """Run `job` within `timeout` seconds (waiting for a free worker included)."""
        started = time.monotonic()
        with self._lock:
            self._in_flight += 1
        try:
            ticket = self._admission.enter(started + timeout)
            try:
                try:
                    remaining = max(timeout - (time.monotonic() - started), 0)
                    worker = self._idle.get(timeout=remaining)
                except queue.Empty:
                    raise QueryUnavailable(
                        f"all {self.size} query workers are busy for {timeout:g} s; try again later"
                    ) from None
                return self._run_on(worker, job, started, timeout)
            finally:
                self._admission.leave(ticket)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _run_on(self, worker: _Worker, job: Job, started: float, timeout: float) -> Answer:
        try:
            worker.conn.send_bytes(pickle.dumps(job, pickle.HIGHEST_PROTOCOL))
            # Alone in this process, poll for a quick answer before sleeping (see handoff).
            readable = self._in_flight == 1 and poll_readable(worker.readable, SERVER_POLL_SECONDS)
            if not readable:
                remaining = timeout - (time.monotonic() - started)
                # Not Connection.poll(): it builds a selector per call (~0.1 ms).
                readable = wait_readable(worker.readable, remaining)
            if not readable:
                self._retire(worker, "timeout")
                raise QueryTimeout(f"query stopped after the {timeout:g} s timeout")
            reply: Reply = pickle.loads(worker.conn.recv_bytes())
        except (EOFError, OSError):
            reason = worker.exit_reason()
            self._retire(worker, "memory" if "memory" in reason else "crash")
            raise QueryUnavailable(f"the query's worker process {reason}") from None
        worker.answered = True
        if len(reply.body) >= self.recycle_bytes:
            # Its heap grew to hold this reply and the allocator keeps it: start afresh.
            self._retire(worker, "recycled")
        else:
            self._idle.put(worker)
        return _answer(reply, time.monotonic() - started)

    def probe(self, timeout: float) -> bool:
        """Ask an idle worker a trivial query, past the admission queue: True when one
        answered, False when every worker is busy (they are not waited for)."""
        started = time.monotonic()
        with self._lock:
            self._in_flight += 1
        try:
            try:
                worker = self._idle.get(timeout=0)
            except queue.Empty:
                if self.running_workers() == 0:
                    raise QueryUnavailable("no query process is running") from None
                return False
            if not worker.answered:  # still starting, perhaps on a busy machine: not stuck
                timeout = max(timeout, WORKER_START_SECONDS)
            self._run_on(worker, Job("ASK { ?s ?p ?o }", "json", 1), started, timeout)
            return True
        finally:
            with self._lock:
                self._in_flight -= 1

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [worker.process.pid for worker in self._all]

    def running_workers(self) -> int:
        """Query processes alive now (a dead one is replaced when its next query finds it)."""
        with self._lock:
            return sum(1 for worker in self._all if worker.process.poll() is None)

    def busy_workers(self) -> int:
        """Query processes running a query now."""
        with self._lock:
            return len(self._all) - self._idle.count()

    def generation_id(self) -> str | None:
        """The generation now current in the store (a readlink)."""
        return StoreDir(self.store_root).generation_id()

    def close(self) -> None:
        with self._lock:
            workers, self._all = list(self._all), []
        for worker in workers:
            worker.kill()


def _answer(reply: Reply, seconds: float) -> Answer:
    if reply.error == "syntax":
        raise QuerySyntaxError(reply.message)
    if reply.error == "store":
        raise QueryUnavailable(reply.message)
    if reply.error == "format":
        raise ResultNotRepresentable(reply.message)
    if reply.error is not None:
        raise QuerySyntaxError(f"the query cannot be evaluated: {reply.message}")
    return Answer(
        reply.body, reply.truncated, reply.generation, seconds, reply.seconds, reply.cut_to_bytes
    )


_pools: dict[tuple[int, str, int, int, int, bool], QueryPool] = {}
_pools_lock = threading.Lock()


def pool_for(settings: Settings) -> QueryPool:
    """This process's pool for the settings' store; created on first use (after any fork).

    The server processes share the cores: each lets cores / processes quick queries run at
    once, each on a worker with the in-memory copy, and its other query workers stand by for
    when one is slow.
    """
    key = (
        os.getpid(),
        str(settings.store_dir),
        settings.query_workers,
        settings.query_memory_mb,
        settings.memory_store_quads,
        settings.allow_query_network,
    )
    pool = _pools.get(key)  # the common case, without the lock or a path resolve
    if pool is not None:
        return pool
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            root = Path(settings.store_dir).resolve()
            running = max(1, available_cores() // max(1, settings.workers))
            pool = _pools[key] = QueryPool(
                root,
                settings.query_workers,
                settings.query_memory_mb,
                settings.memory_store_quads,
                running_limit=running,
                memory_copies=running,  # each quick query that may run at once finds a copy
                allow_network=settings.allow_query_network,
            )
        return pool


@atexit.register
def _close_pools() -> None:
    for key, pool in list(_pools.items()):
        if key[0] == os.getpid():
            pool.close()
