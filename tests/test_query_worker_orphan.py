"""A query process whose server died while it was still starting does not run on.

Seen on the shared development machine: query processes reparented to init, each running a
runaway query a killed test run had queued, for as long as the query lasted. The process read
"who is my parent" only after its imports and the network drop, by which time the server was
gone and init had taken its place, so the orphan watch waited for init to die.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kaltim_kg.config import Settings

REPO = Path(__file__).resolve().parents[1]

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"

# A stand-in for a server process: it starts a query process, queues a runaway query and dies
# at once, before the query process has finished starting.
SHORT_LIVED_SERVER = f"""
import os, pickle, socket, sys
from multiprocessing.connection import Connection
from kaltim_kg.query.pool import _Worker
from kaltim_kg.query.worker import Job
from pathlib import Path
worker = _Worker(Path(sys.argv[1]), 0, 0)
worker.conn.send_bytes(pickle.dumps(Job({RUNAWAY!r}, "json", 10)))
print(worker.process.pid, flush=True)
os._exit(0)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False


def test_query_process_ends_when_its_server_died_while_it_started(settings: Settings) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = subprocess.run(
        [sys.executable, "-c", SHORT_LIVED_SERVER, str(settings.store_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    pid = int(started.stdout.split()[-1])
    try:
        deadline = time.monotonic() + 20  # generous: the machine may be busy
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(pid), "the orphaned query process kept running its query"
    finally:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
