"""`kaltim-kg serve` as a real process on a free loopback port, for the tests that need HTTP."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(
    store_dir: Path, *options: str, env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[tuple[subprocess.Popen, int]]:
    """Serve `store_dir` until the block ends; yields the process and its port once healthy.
    Standard error goes to `log` if given."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KALTIM_KG_")}
    environment.update(env or {})
    environment["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "kaltim_kg", "serve", "--port", str(port)]
    sink = open(log, "wb") if log is not None else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        [*command, "--store", str(store_dir), *options],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=sink,
        start_new_session=True,  # its own process group, so teardown can end every process
    )
    try:
        _wait_healthy(process, port)
        yield process, port
    finally:
        stop_group(process)
        if log is not None:
            sink.close()  # type: ignore[union-attr]


def _wait_healthy(process: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, "server exited at start"
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, "server did not become healthy"
        time.sleep(0.2)


def stop_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
