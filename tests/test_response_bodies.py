"""Bodies in memory reach the HTTP server as one piece; streamed bodies stay streamed."""

from __future__ import annotations

import json
from urllib.parse import quote

from werkzeug.test import create_environ


def call(app, path: str, method: str = "GET", accept: str = "*/*"):
    """The WSGI app's own return value (what Granian receives), status and body."""
    seen: dict = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = status

    app_iter = app(create_environ(path, method=method, headers={"Accept": accept}), start_response)
    try:
        body = b"".join(app_iter)
    finally:
        if hasattr(app_iter, "close"):
            app_iter.close()
    return app_iter, seen["status"], body


def test_a_query_answer_is_one_piece(app):
    query = quote("SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c }")
    app_iter, status, body = call(
        app, f"/sparql?query={query}", accept="application/sparql-results+json"
    )
    assert status.startswith("200")
    assert isinstance(app_iter, list) and len(app_iter) == 1
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 0


def test_head_has_no_body(app):
    _, status, body = call(app, "/health", method="HEAD")
    assert status.startswith("200")
    assert body == b""


def test_a_dump_download_stays_streamed(app):
    app_iter, status, body = call(app, "/dumps/kaltim-kg.nt.gz")
    assert status.startswith("200")
    assert not isinstance(app_iter, list)  # a file: sent as it is read, never held in memory
    assert body[:2] == b"\x1f\x8b"  # gzip
