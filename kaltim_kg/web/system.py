"""System routes (/health) and per-query operations: access log line and Server-Timing."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime

from flask import Blueprint, Flask, Response, g, jsonify, request

from kaltim_kg.config import Settings
from kaltim_kg.errors import KaltimKGError
from kaltim_kg.query.pool import pool_for
from kaltim_kg.query.remote import RemoteEngines
from kaltim_kg.query.runner import runner_for
from kaltim_kg.store.generations import StoreDir
from kaltim_kg.web import current

bp = Blueprint("system", __name__)
access_log = logging.getLogger("kaltim_kg.access")
HEALTH_TIMEOUT = 5.0  # seconds for an idle query process to answer the health probe


@bp.route("/health")
def health() -> tuple[Response, int]:
    """200 when a query process reads the current generation, else 503; JSON either way.

    It never waits behind the query pool: with a query process idle it asks that one (a
    trivial ASK, past the admission queue); with every one busy it only checks they are
    alive, so runaway queries filling them do not make a load balancer think the server gone.
    """
    settings = current.settings()
    if settings.engines:
        return _engines_health(settings)
    try:
        generation = StoreDir(settings.store_dir).require_current()
        pool = pool_for(settings)
        pool.probe(min(HEALTH_TIMEOUT, settings.query_timeout))
        manifest = generation.manifest
        running, busy = pool.running_workers(), pool.busy_workers()
    except (KaltimKGError, OSError, ValueError) as exc:
        return jsonify(status="unavailable", reason=str(exc).splitlines()[0]), 503
    return jsonify(
        status="ok",
        generation=generation.id,
        triples=manifest.get("quads", 0),
        graphs=len(manifest.get("graphs", {})),
        query_processes={"running": running, "busy": busy},
    ), 200


def _engines_health(settings: Settings) -> tuple[Response, int]:
    """Serving from remote engines: 200 while one answers, naming it and its generation."""
    runner = runner_for(settings)
    assert isinstance(runner, RemoteEngines)
    replicas = runner.health()
    ok = [r for r in replicas if r["status"] == "ok"]
    if not ok:
        return jsonify(status="unavailable", reason=replicas[0]["reason"], engines=replicas), 503
    first = ok[0]
    return jsonify(
        status="ok",
        engine=first["engine"],
        generation=first["generation"],
        triples=first["triples"],
        graphs=first["graphs"],
        engines=replicas,
    ), 200


@bp.before_app_request
def start_clock() -> None:
    g.request_started = time.perf_counter()


@bp.after_app_request
def time_queries(response: Response) -> Response:
    """Server-Timing on /sparql responses, and the access log: one text line per query, or
    with `access_log = "json"` one JSON object per request, every route."""
    if "request_started" not in g:
        return response
    total_ms = (time.perf_counter() - g.request_started) * 1000
    if current.settings().access_log == "json":
        _log_json(response, total_ms)
    if request.endpoint != "sparql.endpoint":
        return response
    timings = [f"total;dur={total_ms:.3f}"]
    query = g.get("sparql_query_seconds")
    if query is not None:
        # query: all the time a query process took to answer, the hop included; engine: the
        # query process's own part, so their difference is the isolation's price.
        engine = g.get("sparql_engine_seconds", 0.0)
        timings[:0] = [
            f'query;dur={query * 1000:.3f};desc="worker"',
            f'engine;dur={engine * 1000:.3f};desc="in the query process"',
        ]
    if "sparql_cache" in g:
        timings.insert(0, f'cache;desc="{g.sparql_cache}"')
    response.headers["Server-Timing"] = ", ".join(timings)
    if request.method != "OPTIONS" and current.settings().access_log == "text":
        access_log.info(
            '%s "%s %s" %s %s %.1fms form=%s cache=%s bytes=%s',
            request.remote_addr or "-",
            request.method,
            request.path,
            response.status_code,
            response.mimetype or "-",
            total_ms,
            g.get("sparql_form", "-"),
            g.get("sparql_cache", "-"),
            response.calculate_content_length() or 0,
        )
    return response


def _log_json(response: Response, total_ms: float) -> None:
    """One JSON object on one line: what log shippers (Loki, Elasticsearch, jq) read."""
    rule = request.url_rule
    entry = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "remote": request.remote_addr,
        "method": request.method,
        "path": request.path,
        "query_string": request.query_string.decode("latin-1")[:2000],
        "route": rule.rule if rule is not None else None,
        "status": response.status_code,
        "type": response.mimetype,
        "bytes": response.calculate_content_length(),
        "ms": round(total_ms, 3),
        "user_agent": request.user_agent.string or None,
    }
    if request.endpoint == "sparql.endpoint":
        entry.update(form=g.get("sparql_form"), cache=g.get("sparql_cache"))
        if "sparql_query_seconds" in g:
            entry["query_ms"] = round(g.sparql_query_seconds * 1000, 3)
    access_log.info(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))


def _no_stack_traces(error: Exception) -> Response:
    """Last resort for anything unexpected: log it here, tell the client one plain line."""
    logging.getLogger("kaltim_kg.web").exception("unhandled error on %s", request.path)
    return Response("internal error\n", status=500, content_type="text/plain; charset=utf-8")


def init_app(app: Flask) -> None:
    app.register_error_handler(500, _no_stack_traces)
