"""Baseline: our server with the query isolation taken out, to measure what isolation costs.

`python bench/baselines/ours_in_process.py STORE_DIR PORT` serves the store exactly as
`kaltim-kg serve` does (Granian, the same app, the same settings and `KALTIM_KG_*`
variables), except that each query runs in the server thread that received it, on an
in-memory copy held by the server process, instead of in a query process. Nothing can stop
a runaway query here: never expose it, it exists for `bench/isolation.py` only.
"""

from __future__ import annotations

import sys
import threading
import time
from functools import partial
from pathlib import Path

from flask import Flask

from kaltim_kg.config import Settings, load_settings
from kaltim_kg.query import pool as guard
from kaltim_kg.query.worker import Job, _OpenStore, run_job


class InProcessPool:
    """`guard.QueryPool`'s interface, answering in the calling thread."""

    def __init__(
        self, store_root: Path, size: int, memory_mb: int = 0, memory_quads: int = 0, **_: object
    ) -> None:
        self.size = size
        self._store = _OpenStore(str(store_root), memory_quads)
        self._opening = threading.Lock()

    def run(self, job: Job, timeout: float) -> guard.Answer:
        started = time.monotonic()
        with self._opening:  # the copy is made once, by the first query
            generation, store = self._store.get()
        engine_started = time.perf_counter()
        reply = run_job(store, job)
        reply.generation, reply.seconds = generation.id, time.perf_counter() - engine_started
        return guard._answer(reply, time.monotonic() - started)

    def close(self) -> None:
        pass


def _worker_app(settings: Settings) -> Flask:
    guard.QueryPool = InProcessPool  # type: ignore[misc]  # pool_for builds this instead
    from kaltim_kg.server import _worker_app as ours

    return ours(settings)


def main() -> None:
    store, port = Path(sys.argv[1]), int(sys.argv[2])
    from kaltim_kg.server import _server

    settings = load_settings(store_dir=store, port=port, host="127.0.0.1")
    _server(settings).serve(target_loader=partial(_worker_app, settings), wrap_loader=False)


if __name__ == "__main__":
    main()
