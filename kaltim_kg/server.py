"""Run the web app on a production WSGI server (gunicorn, threaded workers)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from kaltim_kg.config import Settings

GRACE_SECONDS = 30  # beyond the query timeout, before gunicorn declares a worker stuck


class _Gunicorn(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn configured from Settings instead of its own command line."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        options: dict[str, Any] = {
            "bind": f"[{s.host}]:{s.port}" if ":" in s.host else f"{s.host}:{s.port}",
            "workers": s.workers,
            "threads": s.threads,
            # gthread: a slow query blocks one thread, not the worker's heartbeat
            "worker_class": "gthread",
            "timeout": int(s.query_timeout) + GRACE_SECONDS,
            "graceful_timeout": 10,
            # A long GET query is judged by max_request_bytes (413), not gunicorn's 4 KB line.
            "limit_request_line": 0,
            "proc_name": "kaltim-kg",
            # gunicorn 27's control socket lives in $HOME, shared by every server of the user.
            "control_socket_disable": True,  # (skipped below on versions without it)
        }
        for key, value in options.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)
        self.cfg.set("post_worker_init", self._start_query_pool)

    def _start_query_pool(self, worker: Any) -> None:
        """Start this worker's query processes now, not on the first query."""
        from kaltim_kg.web.guard import pool_for

        pool_for(self.settings)

    def load(self) -> Flask:
        # Imported here so each worker builds its app (and later its query pool) after fork.
        from kaltim_kg.web import create_app

        return create_app(self.settings)


def run_server(settings: Settings) -> None:
    """Serve until interrupted; one access log line per query goes to standard error."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    _Gunicorn(settings).run()
