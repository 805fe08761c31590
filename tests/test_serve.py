"""`kaltim-kg serve` as a process: the port check, HTTP limits and a clean shutdown."""

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
from urllib.parse import quote

import pytest

from tests.processes import alive, descendants

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def server(settings) -> Iterator[tuple[subprocess.Popen, int]]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KALTIM_KG_")}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "kaltim_kg", "serve", "--port", str(port)]
    options = ["--store", str(settings.store_dir), "--workers", "2", "--query-workers", "1"]
    process = subprocess.Popen(
        [*command, *options],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so teardown can end every process
    )
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, "server exited at start"
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                break
        except OSError:
            pass
        assert time.monotonic() < deadline, "server did not become healthy"
        time.sleep(0.2)
    try:
        yield process, port
    finally:
        _stop_group(process)


def _stop_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _serve_briefly(port: int, store: Path) -> tuple[int, str]:
    """`serve` that must give up at once: exit status and standard error."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KALTIM_KG_")}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "kaltim_kg", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--store", str(store)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        _stop_group(process)
        pytest.fail("serve started on a port that was in use")
    return process.returncode, stderr


def test_a_port_in_use_is_refused_before_anything_is_built(tmp_path):
    store = tmp_path / "store"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status, stderr = _serve_briefly(port, store)
    assert status == 2
    assert stderr.strip() == f"error: 127.0.0.1:{port} is already in use"
    assert not store.exists() or not any(store.iterdir())


def test_a_second_server_on_the_same_port_is_refused(server, tmp_path):
    """Granian binds with SO_REUSEPORT: without the check both servers would share it."""
    _, port = server
    status, stderr = _serve_briefly(port, tmp_path / "store")
    assert status == 2
    assert stderr.strip() == f"error: 127.0.0.1:{port} is already in use"


def test_query_size_limits_over_http(server, settings):
    """GET carries a query up to the URI limit; past it 414, and POST takes up to 1 MB."""
    _, port = server
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    padded = "ASK {} #" + "x" * 40_000
    conn.request("GET", "/sparql?query=" + quote(padded))
    response = conn.getresponse()
    assert (response.status, response.read()) == (200, b'{"head":{},"boolean":true}')

    too_long = "ASK {} #" + "x" * 70_000
    conn.request("GET", "/sparql?query=" + quote(too_long))
    response = conn.getresponse()
    response.read()
    assert response.status == 414

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/sparql-query"}
    conn.request("POST", "/sparql", body=too_long.encode(), headers=headers)
    response = conn.getresponse()
    assert (response.status, response.read()) == (200, b'{"head":{},"boolean":true}')

    over = "ASK {} #" + "x" * settings.max_request_bytes
    conn.request("POST", "/sparql", body=over.encode(), headers=headers)
    response = conn.getresponse()
    assert response.status == 413
    assert b"limit" in response.read()


def test_sigterm_stops_the_server_and_its_query_processes(server):
    process, port = server
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/sparql?query=" + quote("ASK { ?s ?p ?o }"))
    assert conn.getresponse().status == 200  # keep-alive connection left open
    below = descendants(process.pid)
    assert len(below) >= 4  # 2 web processes, each with its query process
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in below) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in below if alive(pid)]


def test_a_killed_main_process_takes_its_workers_with_it(server):
    """SIGKILL leaves no orphan serving the port or holding query processes."""
    process, port = server
    below = descendants(process.pid)
    assert below
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in below) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in below if alive(pid)]
    with socket.socket() as probe:  # and the port is free again
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
