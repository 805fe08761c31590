"""`kaltim-kg validate FILE`: relative paths, and never a network request (issue 18 F7)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _validate(cwd: Path, *files: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KALTIM_KG_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "kaltim_kg", "validate", *files],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_relative_path_is_validated(tmp_path):
    (tmp_path / "data.ttl").write_text(
        '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n<#a> rdfs:label "a" .\n'
    )
    result = _validate(tmp_path, "data.ttl")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Conforms: True"


class _Listener:
    """A loopback HTTP port that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        context = json.dumps({"@context": {"name": "http://schema.org/name"}}).encode()
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            with conn:
                conn.recv(65536)
                conn.sendall(
                    b"HTTP/1.0 200 OK\r\nContent-Type: application/ld+json\r\n\r\n" + context
                )

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture()
def listener():
    listening = _Listener()
    yield listening
    listening.close()


def test_a_remote_jsonld_context_is_never_fetched(tmp_path, listener):
    document = {
        "@context": f"http://127.0.0.1:{listener.port}/context.jsonld",
        "@id": "http://example.org/a",
        "name": "a",
    }
    (tmp_path / "remote.jsonld").write_text(json.dumps(document))
    result = _validate(tmp_path, "remote.jsonld")
    assert listener.connections == 0
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("remote.jsonld: ") and "remote JSON-LD @context" in line


def test_an_inline_jsonld_context_is_read(tmp_path, listener):
    document = {
        "@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"},
        "@id": "http://example.org/a",
        "label": "a",
    }
    (tmp_path / "inline.jsonld").write_text(json.dumps(document))
    result = _validate(tmp_path, "inline.jsonld")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Conforms: True"
    assert listener.connections == 0
