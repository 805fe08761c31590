"""/metrics in the Prometheus text format (prometheus-client), summed over server processes.

Granian runs the app in several processes, each counting its own requests. `serve` gives
them one folder for prometheus-client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set by
server.py before the processes start, emptied and removed when it stops): every process
writes its counts there and a scrape of any one of them sums them all. Without that folder
(the Flask test client, an app embedded elsewhere) the counts are this process's alone.

What the store holds (the generation and its size) is read at scrape time, not counted.
"""

from __future__ import annotations

import os
import time

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from kaltim_kg.query import pool as query_pool
from kaltim_kg.query import warm
from kaltim_kg.store.generations import StoreDir
from kaltim_kg.web import current

bp = Blueprint("metrics", __name__)
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "kaltim_kg_http_requests",
    "HTTP requests answered, by route (the URL rule) and status",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "kaltim_kg_http_request_duration_seconds",
    "Time from the request reaching the app to its response, by route",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
QUERY_TIMEOUTS = Counter("kaltim_kg_query_timeouts", "SPARQL queries stopped at the query timeout")
WORKER_RESTARTS = Counter(
    "kaltim_kg_query_worker_restarts",
    "Query processes replaced, by why (timeout, crash, memory, recycled)",
    ["reason"],
)
CACHE = Counter(
    "kaltim_kg_result_cache_lookups", "SPARQL result cache lookups, by result", ["result"]
)
query_pool.RESTART_LISTENERS.append(lambda reason: WORKER_RESTARTS.labels(reason).inc())
WARMED = Counter(
    "kaltim_kg_result_cache_warmed",
    "Results put into the cache by warming when a generation went live",
)
WARM_RUNS = Counter(
    "kaltim_kg_result_cache_warm_runs",
    "Warming runs, by how they ended (done, time, generation, engine)",
    ["ended"],
)


def _count_warm_run(run: warm.WarmRun) -> None:
    WARMED.inc(run.warmed)
    WARM_RUNS.labels(run.stopped or "done").inc()


warm.RUN_LISTENERS.append(_count_warm_run)


class StoreCollector(Collector):
    """The current generation and its size, read from the store when scraped."""

    def __init__(self, store_dir: StoreDir) -> None:
        self.store_dir = store_dir

    def collect(self):  # type: ignore[no-untyped-def]
        info = GaugeMetricFamily(
            "kaltim_kg_generation_info", "The store generation being served", labels=["id"]
        )
        quads = GaugeMetricFamily(
            "kaltim_kg_generation_quads", "Statements in the generation being served"
        )
        generation = self.store_dir.current()
        if generation is not None:
            info.add_metric([generation.id], 1)
            quads.add_metric([], generation.manifest.get("quads", 0))
        yield info
        yield quads


def _route() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "unmatched"


@bp.route("/metrics")
def metrics() -> Response:
    folder = os.environ.get(MULTIPROCESS_VARIABLE)
    if folder:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=folder)
    else:
        registry = REGISTRY
    body = generate_latest(registry)
    body += generate_latest(_StoreRegistry(StoreDir(current.settings().store_dir)))
    # The classic text format (0.0.4): what every Prometheus version reads.
    return Response(body, content_type=CONTENT_TYPE_PLAIN_0_0_4)


class _StoreRegistry(CollectorRegistry):
    def __init__(self, store_dir: StoreDir) -> None:
        super().__init__(auto_describe=False)
        self.register(StoreCollector(store_dir))


def _start_clock() -> None:
    g.metrics_started = time.perf_counter()


def _count(response: Response) -> Response:
    started = g.get("metrics_started")
    if started is not None:
        route = _route()
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        LATENCY.labels(route).observe(time.perf_counter() - started)
    cache = g.get("sparql_cache")
    if cache is not None:
        CACHE.labels(cache).inc()
    return response


def count_timeout() -> None:
    QUERY_TIMEOUTS.inc()


def init_app(app: Flask) -> None:
    app.before_request(_start_clock)
    app.after_request(_count)
