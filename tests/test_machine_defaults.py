"""Defaults that use the machine: process counts and memory bounds from the cores and memory
this process may use, printed by `serve` at start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kaltim_kg.config import available_cores, load_settings, machine_defaults

ROOT = Path(__file__).resolve().parent.parent
GB = 1024**3


@pytest.mark.parametrize(
    ("cores", "memory", "expected"),
    [
        # cores, memory -> workers, query workers, running, copy quads, heap MB
        (2, 24 * GB, (2, 2, 1, 1_500_000, 1024)),  # this machine: what it always ran
        (1, 4 * GB, (2, 2, 1, 1_048_576, 512)),
        (16, 64 * GB, (8, 3, 2, 1_500_000, 1024)),  # all 16 cores run queries, not 4
        (16, 8 * GB, (8, 3, 2, 262_144, 170)),  # small memory: smaller copies and heaps
        (64, 256 * GB, (32, 3, 2, 1_500_000, 1024)),
    ],
)
def test_the_formula(cores, memory, expected):
    chosen = machine_defaults(cores, memory)
    got = (
        chosen.workers,
        chosen.query_workers,
        chosen.running,
        chosen.memory_store_quads,
        chosen.query_memory_mb,
    )
    assert got == expected
    # Quick queries at once, over all server processes: every core, never more.
    assert chosen.workers * chosen.running <= max(cores, 2)
    assert chosen.workers * chosen.running >= min(cores, chosen.workers)
    # Memory stays bounded: every copy and every query heap at its cap fit in memory.
    copies = chosen.workers * chosen.running * chosen.memory_store_quads * 1024
    heaps = chosen.workers * chosen.query_workers * chosen.query_memory_mb * 1024**2
    assert copies <= memory // 2 and (heaps <= memory // 2 or chosen.query_memory_mb == 128)


def test_settings_default_to_this_machine_and_flags_still_win():
    machine = machine_defaults()
    assert machine.cores == available_cores()
    settings = load_settings(env={})
    assert (settings.workers, settings.query_workers) == (machine.workers, machine.query_workers)
    assert settings.memory_store_quads == machine.memory_store_quads
    assert load_settings(env={"KALTIM_KG_WORKERS": "5"}, threads=7).workers == 5
    assert load_settings(env={}, threads=7).threads == 7


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_prints_what_it_chose(settings):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KALTIM_KG_")}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "kaltim_kg", "serve", "--port", str(_free_port())]
    command += ["--store", str(settings.store_dir), "--workers", "1", "--threads", "3"]
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            lines.append(line)
            if "server processes" in line or not line:
                break
    finally:
        os.killpg(process.pid, 9)
        process.wait()
    chosen = lines[-1]
    assert "1 server processes x 3 threads" in chosen, lines
    assert f"defaults for {available_cores()} cores" in chosen
