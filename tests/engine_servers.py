"""Real remote engines for the tests: Virtuoso 7 and Oxigraph server, each on loopback.

Each engine runs from a temporary folder of its own (its configuration, its database, its
log) on free ports, and is stopped (its process group killed) at the end. A missing tool
skips the tests that need it on a laptop, and fails them under CI=true, where `.ci/run`
has installed Debian's virtuoso-opensource and PyPI's oxigraph.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kaltim_kg.config import Settings

VIRTUOSO_USER = "dba"
VIRTUOSO_PASSWORD = "dba"  # the fresh database's own; loopback only, gone after the tests
STARTUP_SECONDS = 60.0
# How long a push waits before dropping the previous push's union graph: past the time a
# front end keeps its copy of the publication record (a test's front end, in this process,
# may hold one an earlier test read), not a query timeout (tests' queries are quick).
RETIRE_AFTER = 1.3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_tool(name: str, candidates: list[str]) -> str:
    """The tool's path; skip without it, except under CI=true (then the test fails)."""
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return found
    reason = f"{name} is not installed (looked for {', '.join(candidates)})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; .ci/run must install it")
    pytest.skip(reason)


@dataclass
class EngineServer:
    """A running engine: its kaltim-kg URL, its own query endpoint, its process."""

    kind: str
    url: str  # virtuoso+http://127.0.0.1:PORT or oxigraph+http://127.0.0.1:PORT
    sparql: str  # the engine's own query endpoint, for baselines and checks
    process: subprocess.Popen[bytes]
    folder: Path
    sql_port: int | None = None

    @property
    def credentials(self) -> dict[str, str]:
        if self.kind != "virtuoso":
            return {}
        return {
            "KALTIM_KG_ENGINE_USER": VIRTUOSO_USER,
            "KALTIM_KG_ENGINE_PASSWORD": VIRTUOSO_PASSWORD,
            "KALTIM_KG_ENGINE_SQL_PORT": str(self.sql_port),
        }

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def log_tail(self) -> str:
        log = self.folder / "engine.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""


def _wait_until_answering(server: EngineServer, probe: str) -> EngineServer:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.kind} exited at start:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return server
        except (OSError, urllib.error.HTTPError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"{server.kind} did not answer in time:\n{server.log_tail()}")
        time.sleep(0.25)


def _start(command: list[str], folder: Path) -> subprocess.Popen[bytes]:
    log = (folder / "engine.log").open("wb")
    return subprocess.Popen(
        command,
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stop() kills all of it
    )


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 20
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {folder}
; A small buffer pool by default: the machine is shared (8 KB a buffer).
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
ThreadsPerQuery = 2
; The push switches a whole generation in one transaction.
TransactionAfterImageLimit = 1500000000
AsyncQueueMaxThreads = 4

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 20
ServerThreads = 20
MaxKeepAlives = 20
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""


def start_virtuoso(folder: Path, buffers: int = 20_000) -> EngineServer:
    """Virtuoso on loopback with `buffers` x 8 KB of buffer pool (its guide: about two thirds
    of the memory it may use; the default suits the tests' small stores)."""
    binary = require_tool("Virtuoso 7", ["virtuoso-t"])
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(
            folder=folder,
            sql_port=sql_port,
            http_port=http_port,
            buffers=buffers,
            dirty_buffers=buffers * 3 // 4,
        )
    )
    process = _start([binary, "+foreground", "+configfile", str(ini)], folder)
    base = f"127.0.0.1:{http_port}"
    server = EngineServer(
        "virtuoso", f"virtuoso+http://{base}", f"http://{base}/sparql", process, folder, sql_port
    )
    return _wait_until_answering(server, f"http://{base}/sparql?query=ASK%7B%7D")


def oxigraph_binary() -> str:
    beside_python = str(Path(sys.executable).parent / "oxigraph")
    return require_tool("Oxigraph server (pip install oxigraph)", [beside_python, "oxigraph"])


def start_oxigraph(folder: Path, timeout_s: int = 30) -> EngineServer:
    binary = oxigraph_binary()
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"127.0.0.1:{port}"
    command = [binary, "serve", "--location", str(folder / "db"), "--bind", base]
    command += ["--timeout-s", str(timeout_s)]
    process = _start(command, folder)
    server = EngineServer(
        "oxigraph", f"oxigraph+http://{base}", f"http://{base}/query", process, folder
    )
    return _wait_until_answering(server, f"http://{base}/query?query=ASK%7B%7D")


# Fixtures (conftest.py loads this module as a plugin). One engine of each kind per session.


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineServer]:
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineServer]:
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    yield server
    server.stop()


@pytest.fixture(scope="session", params=["virtuoso", "oxigraph"])
def engine_server(request: pytest.FixtureRequest) -> EngineServer:
    """Each kind of engine in turn."""
    return request.getfixturevalue(f"{request.param}_server")


# The suites that must not be able to tell engines apart (protocol, safety, clients) take
# their `settings` from here: the session's built store, served embedded or from an engine
# it has just been pushed to. Module scope: each module pushes it again, since the push
# tests put other data on the same engines.
ENGINE_KINDS = ["embedded", "virtuoso", "oxigraph"]


def settings_on_engine(request: pytest.FixtureRequest, built) -> Settings:
    from kaltim_kg.config import load_settings
    from kaltim_kg.store.push import push_current

    settings = load_settings(env={}, store_dir=built.generation.path.parent.parent)
    if request.param == "embedded":
        return settings
    server: EngineServer = request.getfixturevalue(f"{request.param}_server")
    push_current(settings, [server.url], env=server.credentials, retire_after=RETIRE_AFTER)
    return settings.with_overrides(engines=(server.url,))
