"""Run the web app on a production WSGI server: Granian (HTTP in Rust, worker processes).

Measured against gunicorn's threaded workers on the same app (bench/RESULTS.md), Granian
spends about half the CPU per request on HTTP itself (0.23 vs 0.41 ms for a bare Flask
response), which is most of what our endpoint adds to a cheap query. Its URI parser limits a
GET query string to 65,534 bytes (414 past it); POST carries queries up to max_request_bytes.

Connections cannot exhaust it: each server process holds up to `max_connections` of them
(Granian's backpressure counts connections, idle keep-alive ones included, not requests), and
one that sends no complete request headers within `header_timeout` seconds is closed, whether
it is new or idle between keep-alive requests. That is HTTP/1.1 only: in Granian's
auto-detecting mode the first bytes are read without a timeout, and a connection that never
sends any would be held for ever (HTTP/2 belongs to the TLS proxy in front, if any). Granian
has no timeout for a request body: a client that stalls in the middle of one holds a request
thread until it goes, so there are many threads (`threads`), and a public deployment should
put a proxy with a body timeout in front.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import resource
import shutil
import socket
import sys
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask
from granian import Granian
from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings

from kaltim_kg.config import ENV_PREFIX, Settings
from kaltim_kg.errors import AddressInUse, KaltimKGError
from kaltim_kg.lifetime import die_with_parent
from kaltim_kg.query.warm import SHARED_COUNTS_VARIABLE
from kaltim_kg.store.generations import StoreDir

MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"  # prometheus-client reads it at import


def _worker_app(settings: Settings) -> Flask:
    """Each worker process builds its app and starts its query runner before serving: its
    query processes, or, over remote engines, only its connections (no query process then:
    each would hold an in-memory copy of a store no query reads)."""
    from kaltim_kg.query.runner import runner_for
    from kaltim_kg.web import browse, create_app, sparql

    die_with_parent()
    _allow_open_files(settings.max_connections + 256)
    app = create_app(settings)
    runner_for(settings)
    warmer = sparql.warmer(app)
    if warmer is not None:  # warm now, and each time a build or push goes live
        warmer.watch()
    browse.watch(app)  # the search and list index too
    return app


def _server(settings: Settings) -> Granian:
    return Granian(
        "kaltim_kg.web:create_app",  # a label only: the app comes from _worker_app
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        http=HTTPModes.http1,  # the header timeout then covers a connection's first bytes too
        http1_settings=HTTP1Settings(header_read_timeout=header_timeout_ms(settings)),
        workers=settings.workers,
        # A request holds a Python thread while its query runs in a query process (or while a
        # slow client sends its body); the query pool, not the threads, bounds the work.
        blocking_threads=max(1, settings.threads),
        backpressure=max(settings.max_connections, settings.threads),
        websockets=False,
        respawn_failed_workers=True,
        workers_kill_timeout=10,
        process_name="kaltim-kg",
        # Granian's own lines to standard error, beside ours (the access log).
        log_dictconfig={
            "handlers": {"console": _to_stderr("generic"), "access": _to_stderr("access")}
        },
    )


def header_timeout_ms(settings: Settings) -> int:
    """The header and keep-alive idle timeout in milliseconds, in Granian's range (1-60 s)."""
    return int(min(max(settings.header_timeout, 1.0), 60.0) * 1000)


def _allow_open_files(wanted: int) -> None:
    """Raise this process's soft limit on open files towards `wanted` (up to the hard limit):
    every connection is a file descriptor, and a default soft limit of 1024 would make
    `accept` fail before `max_connections` is reached."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def _to_stderr(formatter: str) -> dict[str, str]:
    return {"formatter": formatter, "class": "logging.StreamHandler", "stream": "ext://sys.stderr"}


def ensure_port_free(host: str, port: int) -> None:
    """Refuse a port already in use, which Granian would share silently.

    Each Granian worker binds with SO_REUSEPORT, so a second server on the same port would
    start without error and take half the connections. A bind without it still fails there.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # SO_REUSEADDR so that a restart is not refused over TIME_WAIT connections.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise AddressInUse(f"{host}:{port} is already in use") from None
            raise AddressInUse(f"cannot listen on {host}:{port}: {exc.strerror}") from None


@dataclass(frozen=True)
class Check:
    """One preflight check's outcome, said in one line."""

    name: str
    ok: bool
    detail: str


def preflight(settings: Settings) -> list[Check]:
    """What `serve --check` tells before serving: the store is readable by a query process,
    the port is free, and query processes run without network access."""
    from kaltim_kg.query.pool import QueryPool
    from kaltim_kg.query.worker import Job

    checks = []
    store_dir = StoreDir(settings.store_dir)
    # Allowed to keep its network, so that the store can be checked where the OS refuses
    # the drop; the network check below then says so.
    pool = QueryPool(
        Path(settings.store_dir).resolve(), 1, settings.query_memory_mb, allow_network=True
    )
    try:
        try:
            if store_dir.current() is None:
                raise _Empty
            generation = store_dir.require_current()
            pool.run(Job("ASK { ?s ?p ?o }", "json", 1), timeout=PREFLIGHT_SECONDS)
            quads = generation.manifest.get("quads", 0)
            checks.append(
                Check(
                    "store",
                    True,
                    f"{settings.store_dir}: generation {generation.id}, "
                    f"{quads} quads, read by a query process",
                )
            )
        except _Empty:
            detail = f"{settings.store_dir}: empty; serve builds the shipped facts into it first"
            checks.append(Check("store", True, detail))
        except (KaltimKGError, OSError) as exc:
            checks.append(Check("store", False, _first_line(exc)))
        try:
            ensure_port_free(settings.host, settings.port)
            checks.append(Check("port", True, f"{settings.host}:{settings.port} is free"))
        except AddressInUse as exc:
            checks.append(Check("port", False, str(exc)))
        checks.append(_network_check(pool, settings.allow_query_network))
    finally:
        pool.close()
    return checks


def ensure_queries_have_no_network(settings: Settings) -> None:
    """Refuse to serve where query processes cannot drop their network, unless allowed.

    Fail closed: the lexer refuses SERVICE, but the empty network namespace is what stops a
    query it missed (issue 18 F3). Remote engines run queries elsewhere: nothing to check.
    """
    from kaltim_kg.query.pool import QueryPool

    if settings.engines or settings.allow_query_network:
        return
    pool = QueryPool(Path(settings.store_dir).resolve(), 1, 0, allow_network=True)
    try:
        check = _network_check(pool, allowed=False)
    finally:
        pool.close()
    if not check.ok:
        raise KaltimKGError(
            f"{check.detail}; refusing to serve. To serve anyway, with the lexer as the only "
            f"wall against SERVICE, pass --allow-query-network (env "
            f"{ENV_PREFIX}ALLOW_QUERY_NETWORK=1)"
        )


PREFLIGHT_SECONDS = 30.0


class _Empty(Exception):
    """No generation yet (serve would build one)."""


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def _network_check(pool: Any, allowed: bool) -> Check:
    """A query process must live in a network namespace of its own (no route anywhere)."""
    from kaltim_kg.query.worker import Job

    with contextlib.suppress(KaltimKGError):  # the process is past its start-up then
        pool.run(Job("ASK {}", "json", 1), timeout=PREFLIGHT_SECONDS)
    own = os.readlink("/proc/self/ns/net")
    try:
        theirs = {os.readlink(f"/proc/{pid}/ns/net") for pid in pool.worker_pids()}
    except OSError as exc:
        return Check("network", False, f"cannot tell: {exc.strerror}")
    if theirs and own not in theirs:
        return Check("network", True, "query processes run without network access")
    kept = (
        "query processes keep this host's network: the OS refused them a network namespace "
        "(unshare: needs root or unprivileged user namespaces)"
    )
    if allowed:
        return Check("network", True, f"{kept}, allowed by --allow-query-network")
    return Check("network", False, kept)


def run_server(settings: Settings) -> None:
    """Serve until interrupted; the access log goes to standard error.

    The server processes count /metrics into one folder of prometheus-client's multiprocess
    mode, made empty here before they start (they inherit the variable) and removed after;
    and share the query counts the cache's warming reads through another.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if settings.access_log == "json":  # bare JSON lines, no time and logger name before them
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access = logging.getLogger("kaltim_kg.access")
        access.addHandler(handler)
        access.propagate = False
    loader: Any = partial(_worker_app, settings)
    metrics_dir = tempfile.mkdtemp(prefix="kaltim-kg-metrics-")
    os.environ[MULTIPROCESS_VARIABLE] = metrics_dir
    # The query counts the processes share, so each warms what all were asked (query/warm.py).
    counts_dir = tempfile.mkdtemp(prefix="kaltim-kg-warm-")
    os.environ[SHARED_COUNTS_VARIABLE] = counts_dir
    try:
        _server(settings).serve(target_loader=loader, wrap_loader=False)
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
        shutil.rmtree(counts_dir, ignore_errors=True)
