"""Baseline: raw pyoxigraph, data in memory, behind a minimal threaded WSGI server (wsgiref).

`python bench/baselines/oxigraph_wsgi.py DUMP.nq.gz PORT` — GET /sparql?query=… answers
SELECT/ASK as SPARQL JSON and CONSTRUCT/DESCRIBE as N-Triples. No limits, no timeout, no
content negotiation: the least an endpoint can do, to measure what ours adds.
"""

from __future__ import annotations

import gzip
import sys
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pyoxigraph


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def app_for(store: pyoxigraph.Store):
    def app(environ, start_response):
        query = parse_qs(environ.get("QUERY_STRING", "")).get("query", [""])[0]
        try:
            results = store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [str(exc).encode()]
        if isinstance(results, pyoxigraph.QueryTriples):
            body = results.serialize(format=pyoxigraph.RdfFormat.N_TRIPLES)
            content_type = "application/n-triples"
        else:
            body = results.serialize(format=pyoxigraph.QueryResultsFormat.JSON)
            content_type = "application/sparql-results+json"
        start_response("200 OK", [("Content-Type", content_type)])
        return [body]

    return app


def main() -> None:
    dump, port = sys.argv[1], int(sys.argv[2])
    store = pyoxigraph.Store()
    with gzip.open(dump, "rb") as data:
        store.bulk_load(data, format=pyoxigraph.RdfFormat.N_QUADS)
    server = make_server("127.0.0.1", port, app_for(store), ThreadingWSGIServer, QuietHandler)
    server.serve_forever()


if __name__ == "__main__":
    main()
