"""Access to the current store generation from request handlers.

Each process keeps the current generation's database open read-only and reopens it when a
build or load has swapped in a new generation (a readlink per request, no database I/O).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pyoxigraph
from flask import Flask, current_app

from kaltim_kg.config import Settings
from kaltim_kg.store.generations import Generation, StoreDir


@dataclass(frozen=True)
class Opened:
    generation: Generation
    store: pyoxigraph.Store


class CurrentStore:
    """Per-process handle on the newest generation of one store directory."""

    def __init__(self, store_dir: StoreDir) -> None:
        self.store_dir = store_dir
        self._lock = threading.Lock()
        self._opened: Opened | None = None

    def get(self) -> Opened:
        """The open current generation; raises StoreError if there is none."""
        generation_id = self.store_dir.generation_id()
        opened = self._opened
        if opened is not None and opened.generation.id == generation_id:
            return opened
        with self._lock:
            if self._opened is None or self._opened.generation.id != generation_id:
                generation = self.store_dir.require_current()
                self._opened = Opened(generation, generation.open())
            return self._opened


def settings() -> Settings:
    return current_app.config["KALTIM_KG_SETTINGS"]


def store() -> Opened:
    """The current generation for this request."""
    return current_app.extensions["kaltim_kg_store"].get()


def init_app(app: Flask) -> None:
    app.extensions["kaltim_kg_store"] = CurrentStore(
        StoreDir(app.config["KALTIM_KG_SETTINGS"].store_dir)
    )
