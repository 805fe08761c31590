"""A per-client bound on concurrent queries, so one client cannot take every query process.

A client is the connection's remote address (there is no trusted-proxy header logic: behind a
reverse proxy every client has the proxy's address, so raise or switch off the bound there).
The count covers a query from when it asks for a query process until its answer is back, in
one server process; results served from the cache are not counted.

The default (1 per server process) stays below the query processes a server process has (2):
a client sending runaway queries holds one of them at most, and every other client's query
finds the other free (query/pool.py lets it start once the runaway has run its patience).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from kaltim_kg.errors import TooManyQueries


class ClientLimit:
    """At most `per_client` queries at once per client; 0 or less: no bound."""

    def __init__(self, per_client: int) -> None:
        self.per_client = per_client
        self._lock = threading.Lock()
        self._running: dict[str, int] = {}

    @contextlib.contextmanager
    def slot(self, client: str) -> Iterator[None]:
        """Hold one of `client`'s slots for the block; TooManyQueries if none is free."""
        if self.per_client <= 0:
            yield
            return
        with self._lock:
            held = self._running.get(client, 0)
            if held >= self.per_client:
                raise TooManyQueries(
                    f"this client already has {held} "
                    f"quer{'y' if held == 1 else 'ies'} running here; "
                    "wait for an answer before sending the next"
                )
            self._running[client] = held + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._running[client] - 1
                if left:
                    self._running[client] = left
                else:
                    del self._running[client]  # the table holds active clients only

    def active_clients(self) -> int:
        with self._lock:
            return len(self._running)
