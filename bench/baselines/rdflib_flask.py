"""Baseline: a naive Flask + rdflib endpoint, the way a first prototype is often written.

`python bench/baselines/rdflib_flask.py DUMP.nq.gz PORT` — the whole dump in an rdflib
Dataset (default graph = union), rdflib's SPARQL engine, Flask's threaded dev server.
"""

from __future__ import annotations

import gzip
import logging
import sys

from flask import Flask, Response, request
from rdflib import Dataset


def create(dataset: Dataset) -> Flask:
    app = Flask(__name__)

    @app.get("/sparql")
    def sparql() -> Response:
        try:
            result = dataset.query(request.args.get("query", ""))
        except Exception as exc:  # a baseline: any failure is the client's query
            return Response(str(exc).splitlines()[0], 400, mimetype="text/plain")
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return Response(result.serialize(format="nt"), mimetype="application/n-triples")
        return Response(result.serialize(format="json"), mimetype="application/sparql-results+json")

    return app


def main() -> None:
    dump, port = sys.argv[1], int(sys.argv[2])
    dataset = Dataset(default_union=True)
    with gzip.open(dump, "rb") as data:
        dataset.parse(data, format="nquads")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    create(dataset).run("127.0.0.1", port, threaded=True)


if __name__ == "__main__":
    main()
