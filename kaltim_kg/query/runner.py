"""Who answers this process's queries: the embedded query pool, or remote engines.

Both have `run(job, timeout) -> Answer` and `generation_id()`; the web layer asks
`runner_for(settings)` and does not care which it got.
"""

from __future__ import annotations

import os
import threading

from kaltim_kg.config import Settings
from kaltim_kg.query.pool import QueryPool, pool_for
from kaltim_kg.query.remote import RemoteEngines

_remote: dict[tuple[int, tuple[str, ...]], RemoteEngines] = {}
_lock = threading.Lock()


def runner_for(settings: Settings) -> QueryPool | RemoteEngines:
    """This process's query runner for the settings (made on first use, after any fork)."""
    if not settings.engines:
        return pool_for(settings)
    key = (os.getpid(), settings.engines)
    runner = _remote.get(key)
    if runner is None:
        with _lock:
            runner = _remote.get(key)
            if runner is None:
                runner = _remote[key] = RemoteEngines(settings.engines)
    return runner
