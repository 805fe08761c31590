"""The on-disk store: immutable generations of an embedded Oxigraph database plus dumps.

Layout of a store directory::

    STORE/current -> generations/<id>     symlink, swapped atomically on publish
    STORE/generations/<id>/oxigraph/      the Oxigraph (RocksDB) database, never written again
    STORE/generations/<id>/dumps/         the downloads made from exactly that database
    STORE/generations/<id>/manifest.json  generation id, graphs, counts, statistics
    STORE/.lock                           held while a build or load writes

Readers open the current generation read-only, so any number of processes can share it,
and a build never disturbs a query in flight: it writes a new generation aside and swaps.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import json
import os
import shutil
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph

from kaltim_kg.errors import StoreError

MANIFEST = "manifest.json"
KEEP_GENERATIONS = 2  # the current one and its predecessor, which a running server may still read


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC, as Python reports it or as RocksDB words it (its IO errors carry no errno)."""
    if not isinstance(exc, OSError):
        return False
    return (
        exc.errno in (errno.ENOSPC, errno.EDQUOT) or "no space left on device" in str(exc).lower()
    )


class _Layout:
    """Where a generation folder keeps its database and its dumps."""

    path: Path

    @property
    def database_dir(self) -> Path:
        return self.path / "oxigraph"

    @property
    def dumps_dir(self) -> Path:
        return self.path / "dumps"


@dataclass(frozen=True)
class Generation(_Layout):
    """One published, immutable state of the store."""

    path: Path

    @property
    def id(self) -> str:
        return self.path.name

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))

    def open(self) -> pyoxigraph.Store:
        """Open this generation's database read-only (safe: nothing writes it any more)."""
        try:
            return pyoxigraph.Store.read_only(str(self.database_dir))
        except OSError as exc:
            raise StoreError(f"{self.database_dir}: cannot open store: {exc}") from exc


@dataclass
class Staging(_Layout):
    """A generation being written; becomes visible only when published."""

    path: Path
    generation_id: str

    def fill_database(self, fill: Callable[[pyoxigraph.Store], None]) -> None:
        """Open the staged database read-write, let `fill` write it, and close it again.

        pyoxigraph has no close(): the database closes when the object is collected. So the
        store never outlives this call, not even through a traceback's frames, or RocksDB
        would keep writing into a folder that is being discarded or renamed.
        """
        store = pyoxigraph.Store(str(self.database_dir))
        try:
            fill(store)
            store.flush()
        except BaseException as exc:
            traceback.clear_frames(exc.__traceback__)
            raise
        finally:
            del store
            gc.collect()

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        body = {"generation": self.generation_id, **manifest}
        (self.path / MANIFEST).write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")


class StoreDir:
    """A store directory holding generations; the unit `--store DIR` names."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._current_link = os.fspath(self.current_link)  # checked before every query

    @property
    def generations_dir(self) -> Path:
        return self.root / "generations"

    @property
    def current_link(self) -> Path:
        return self.root / "current"

    def current(self) -> Generation | None:
        """The published generation, or None when nothing was ever built."""
        link = self.current_link
        if not link.is_symlink() and not link.exists():
            return None
        target = link.resolve()
        if not (target / MANIFEST).is_file():
            raise StoreError(f"{link}: points at an incomplete generation {target}")
        return Generation(target)

    def require_current(self) -> Generation:
        generation = self.current()
        if generation is None:
            raise StoreError(
                f"{self.root}: no store yet; run `kaltim-kg build --store {self.root}`"
            )
        return generation

    def generation_id(self) -> str | None:
        """Cheap check of which generation is current (a readlink, no I/O on the database)."""
        try:
            return os.path.basename(os.readlink(self._current_link))
        except OSError:
            return None

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the writer lock; a second concurrent build or load fails fast."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise StoreError(f"{self.root}: another build or load is running") from exc
            try:
                self._remove_leftovers()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _remove_leftovers(self) -> None:
        """Remove what a killed build or load left behind (a staging folder can hold hundreds
        of MB). Only under the lock: then no other writer can be filling one."""
        if self.generations_dir.is_dir():
            for leftover in self.generations_dir.glob(".staging-*"):
                shutil.rmtree(leftover, ignore_errors=True)
        for link in self.root.glob(".current-*"):
            with contextlib.suppress(OSError):
                link.unlink()

    @contextlib.contextmanager
    def staging(self) -> Iterator[Staging]:
        """Write a new generation aside; publish it if the block succeeds, else discard it.

        Must be used under `lock()`. Publishing is a rename and an atomic symlink swap, so
        readers see either the old generation or the new one, never a half-written state.
        """
        self.generations_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        generation_id = f"{stamp}-{uuid.uuid4().hex[:8]}"
        tmp = self.generations_dir / f".staging-{generation_id}"
        tmp.mkdir()
        staging = Staging(tmp, generation_id)
        try:
            yield staging
        except BaseException as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if is_disk_full(exc):
                raise StoreError(
                    f"{self.root}: the disk is full (no space left on device); nothing was "
                    "published and the partial generation was removed"
                ) from exc
            raise
        final = self.generations_dir / generation_id
        os.rename(tmp, final)
        link_tmp = self.root / f".current-{generation_id}"
        os.symlink(Path("generations") / generation_id, link_tmp)
        os.replace(link_tmp, self.current_link)
        self._prune(keep=final)

    def _prune(self, keep: Path) -> None:
        """Remove old generations and abandoned staging folders, keeping the newest few."""
        entries = sorted(
            (p for p in self.generations_dir.iterdir() if p.is_dir()), key=lambda p: p.name
        )
        published = [p for p in entries if not p.name.startswith(".")]
        for stale in published[:-KEEP_GENERATIONS]:
            if stale != keep:
                shutil.rmtree(stale, ignore_errors=True)
        for leftover in entries:
            if leftover.name.startswith(".staging-"):
                shutil.rmtree(leftover, ignore_errors=True)
