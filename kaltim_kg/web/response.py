"""The Flask response class: bodies already in memory go to the HTTP server in one piece."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Response


class WholeBodyResponse(Response):
    """Werkzeug hands every body to the server as an iterator; Granian then pulls it piece
    by piece, taking the GIL from its own thread for each piece. A body that is already in
    memory goes across as a one-item list instead, in one call. Streamed bodies (generators,
    files) are left as they are, so they never have to fit in memory."""

    def get_app_iter(self, environ: dict[str, Any]) -> Iterable[bytes]:
        app_iter = super().get_app_iter(environ)
        if not self.is_sequence:
            return app_iter
        body = b"".join(app_iter)
        close = getattr(app_iter, "close", None)
        if close is not None:
            close()
        return [body]
