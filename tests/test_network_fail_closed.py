"""Fail closed (issue 18 item 3): where a query process cannot drop its network, nothing serves
queries unless the operator says so.

`unshare` is made to fail the way Docker's default seccomp profile makes it fail (EPERM): a
`sitecustomize` on the path of every Python process of the test, query processes included,
hands out a libc whose `unshare` returns -1.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kaltim_kg.errors import QueryUnavailable
from kaltim_kg.query.pool import QueryPool
from kaltim_kg.query.worker import Job
from tests.live_server import ROOT, free_port, stop_group

REFUSING_UNSHARE = '''
import ctypes, errno

_CDLL = ctypes.CDLL


class _NoUnshare:
    """libc as it is, but unshare(2) refused as a seccomp filter refuses it."""

    def __init__(self, real):
        self._real = real

    def __getattr__(self, name):
        if name == "unshare":
            def unshare(flags):
                ctypes.set_errno(errno.EPERM)
                return -1
            return unshare
        return getattr(self._real, name)


def _cdll(name, *args, **kwargs):
    return _NoUnshare(_CDLL(name, *args, **kwargs))


ctypes.CDLL = _cdll
'''

ASK = Job("ASK { ?s ?p ?o }", "json", 1)


@pytest.fixture()
def no_unshare(tmp_path: Path) -> Path:
    folder = tmp_path / "no-unshare"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(REFUSING_UNSHARE)
    return folder


def _environment(no_unshare: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KALTIM_KG_")}
    env["PYTHONPATH"] = os.pathsep.join([str(no_unshare), str(ROOT)])
    return env


def test_the_fake_really_refuses_unshare(no_unshare):
    probe = "import ctypes; print(ctypes.CDLL(None, use_errno=True).unshare(0x40000000))"
    done = subprocess.run(
        [sys.executable, "-c", probe], env=_environment(no_unshare), capture_output=True, text=True
    )
    assert done.stdout.strip() == "-1"


def test_serve_refuses_to_start_and_names_the_opt_out(settings, no_unshare):
    port = free_port()
    command = [sys.executable, "-m", "kaltim_kg", "serve", "--port", str(port)]
    done = subprocess.run(
        [*command, "--store", str(settings.store_dir)],
        env=_environment(no_unshare),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: query processes keep this host's network")
    assert "--allow-query-network" in last and "KALTIM_KG_ALLOW_QUERY_NETWORK" in last
    with pytest.raises(OSError):  # nothing listens
        http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/health")


def test_with_the_opt_out_serve_answers_queries(settings, no_unshare):
    port = free_port()
    command = [sys.executable, "-m", "kaltim_kg", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--store", str(settings.store_dir), "--allow-query-network"],
        env=_environment(no_unshare),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, "serve exited"
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D")
                response = conn.getresponse()
                if response.status == 200:
                    assert b"true" in response.read()
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "serve never answered"
            time.sleep(0.3)
    finally:
        stop_group(process)


def test_a_query_process_that_keeps_its_network_answers_nothing(settings, no_unshare, monkeypatch):
    # Query processes get this process's sys.path as their PYTHONPATH.
    monkeypatch.syspath_prepend(str(no_unshare))
    pool = QueryPool(Path(settings.store_dir).resolve(), 1)
    try:
        with pytest.raises(QueryUnavailable, match="cannot drop its network"):
            pool.run(ASK, timeout=60)
    finally:
        pool.close()
    allowed = QueryPool(Path(settings.store_dir).resolve(), 1, allow_network=True)
    try:
        assert allowed.run(ASK, timeout=60).body == b'{"head":{},"boolean":true}'
    finally:
        allowed.close()


def test_serve_check_says_the_network_is_kept(settings, no_unshare):
    command = [sys.executable, "-m", "kaltim_kg", "serve", "--check", "--port", str(free_port())]
    done = subprocess.run(
        [*command, "--store", str(settings.store_dir)],
        env=_environment(no_unshare),
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = {line.split(":")[0]: line for line in done.stdout.splitlines()}
    assert lines["ok   store"] and lines["FAIL network"]
    assert done.returncode == 1
