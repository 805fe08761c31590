"""No leaks on disk: a killed writer's staging folder goes when the lock is next taken, and a
full disk is reported as a full disk (issue 18 F6)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kaltim_kg.errors import StoreError
from kaltim_kg.store.generations import StoreDir
from tests.sparql_support import make_store

ROOT = Path(__file__).resolve().parent.parent

KILLED_WRITER = """
import os, signal, sys
from kaltim_kg.store.generations import StoreDir
store = StoreDir(sys.argv[1])
with store.lock(), store.staging() as staging:
    (staging.path / "oxigraph").mkdir()
    (staging.path / "oxigraph" / "000012.sst").write_bytes(b"x" * 4_000_000)
    os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer or a power cut would
"""


def _staging_folders(root: Path) -> list[Path]:
    return sorted((root / "generations").glob(".staging-*"))


def test_a_killed_writers_staging_folder_is_removed_when_the_lock_is_next_taken(tmp_path):
    root = tmp_path / "store"
    make_store(
        root, {"http://example.org/g": '<http://example.org/s> <http://example.org/p> "o" .\n'}
    )
    published = StoreDir(root).generation_id()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(root)], env=env, timeout=60)
    assert killed.returncode == -9
    assert len(_staging_folders(root)) == 1  # the leak, as a killed load leaves it
    with StoreDir(root).lock():
        assert _staging_folders(root) == []
    assert StoreDir(root).generation_id() == published  # the published one is untouched


def test_a_full_disk_while_writing_is_one_line_and_leaves_nothing(tmp_path):
    root = tmp_path / "store"
    store = StoreDir(root)
    with pytest.raises(StoreError) as raised, store.lock(), store.staging():
        # What RocksDB raises: no errno, the reason inside a long message.
        raise OSError(
            "IO error: No space left on device: While appending to file: "
            f"{root}/generations/.staging-x/oxigraph/000008.log: No space left on device"
        )
    message = str(raised.value)
    assert "\n" not in message and "the disk is full" in message
    assert _staging_folders(root) == []
    assert store.current() is None


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux /dev/full")
def test_the_cli_says_the_disk_is_full(settings):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KALTIM_KG_")}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "kaltim_kg", "dump", "--store", str(settings.store_dir)]
    result = subprocess.run(
        [*command, "--format", "nt", "-o", "/dev/full"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ") and "the disk is full" in line
