"""Pool workers of `load` and `build` die with the process that started them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import alive

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from kaltim_kg.lifetime import die_with_parent

def worker_pid(_):
    time.sleep(0.2)  # so that both workers take a task
    return os.getpid()

if __name__ == "__main__":
    initializer = die_with_parent if sys.argv[1] == "die" else None
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, context, initializer) as pool:
        print(*set(pool.map(worker_pid, range(4))), flush=True)
        time.sleep(60)
"""


def _pool_workers_after_parent_killed(tmp_path: Path, mode: str) -> list[int]:
    script = tmp_path / "pool.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    parent = subprocess.Popen(
        [sys.executable, str(script), mode], stdout=subprocess.PIPE, text=True, env=env
    )
    assert parent.stdout is not None
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    assert workers and all(alive(pid) for pid in workers)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [pid for pid in workers if alive(pid)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_pool_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    assert _pool_workers_after_parent_killed(tmp_path, "die") == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_without_it_they_would_linger(tmp_path: Path) -> None:
    """The control: shows the first test can fail (and cleans up what it leaves)."""
    left = _pool_workers_after_parent_killed(tmp_path, "plain")
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left
