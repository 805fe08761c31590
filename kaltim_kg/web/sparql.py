"""The SPARQL 1.1 Protocol endpoint at /sparql: read-only, offline, every query killable.

A request is read (protocol.py), lexed (query/scan.py) so updates, SERVICE and absurd nesting
are refused and the format can be negotiated before anything runs, then handed to the query
worker pool (guard.py), which returns bytes already serialised in the chosen format.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, g, render_template, request
from werkzeug.exceptions import BadRequest, Forbidden, HTTPException, NotAcceptable

from kaltim_kg.errors import (
    QueryForbidden,
    QueryRejected,
    QueryTimeout,
    QueryUnavailable,
    ResultNotRepresentable,
    StoreError,
    TooManyQueries,
)
from kaltim_kg.formats import BY_NAME, Format, by_name, negotiate
from kaltim_kg.namespaces import KKG
from kaltim_kg.query.cache import CachedResult, CacheKey, ResultCache
from kaltim_kg.query.clients import ClientLimit
from kaltim_kg.query.examples import EXAMPLES, examples_json
from kaltim_kg.query.runner import runner_for
from kaltim_kg.query.scan import MAX_NESTING, QueryScan, scan_query
from kaltim_kg.query.warm import SHARED_COUNTS_VARIABLE, Asked, QueryCounts, Warmer
from kaltim_kg.query.worker import Job
from kaltim_kg.store.generations import StoreDir
from kaltim_kg.web import current
from kaltim_kg.web.metrics import count_timeout
from kaltim_kg.web.negotiation import checked_xml
from kaltim_kg.web.numbers import format_number
from kaltim_kg.web.protocol import read_query_request
from kaltim_kg.web.service_description import SD_FORMATS, service_description
from kaltim_kg.web.texts import request_language, texts

bp = Blueprint("sparql", __name__)

RESULT_FORMATS = tuple(BY_NAME[n] for n in ("json", "xml", "csv", "tsv"))
GRAPH_FORMATS = tuple(
    BY_NAME[n] for n in ("turtle", "ntriples", "jsonld", "rdfxml", "nquads", "trig")
)
# Names clients send for graph results that the format table keeps for other kinds.
_GRAPH_NAME_ALIASES = {
    "json": "jsonld",
    "n3": "turtle",
    "text/n3": "turtle",
    "text/rdf+n3": "turtle",
}
ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
_CACHE_EXTENSION = "kaltim_kg_result_cache"
_CLIENTS_EXTENSION = "kaltim_kg_client_limit"
_COUNTS_EXTENSION = "kaltim_kg_query_counts"
_WARMER_EXTENSION = "kaltim_kg_cache_warmer"
RETRY_AFTER_TOO_MANY = "2"  # seconds: a client's running query usually answers by then
MAX_REASON = 600  # room for an unknown prefix and the predeclared ones (query/scan.py)
PAGE_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def choose_format(
    offers: Sequence[Format], accept: str | None, names: Sequence[str], graph: bool = False
) -> Format:
    """`format=`/`output=` first (the first value that names an offer), else Accept; or 406."""
    for name in names:
        wanted = _GRAPH_NAME_ALIASES.get(name.strip().lower(), name) if graph else name
        fmt = by_name(wanted, offers)
        if fmt is not None:
            return fmt
    unknown = [n for n in names if by_name(n, BY_NAME.values()) is None]
    if names and len(unknown) == len(names):
        raise NotAcceptable(f"unknown format {unknown[0][:40]!r}; offered: {_names(offers)}")
    fmt = negotiate(accept, offers)
    if fmt is None:
        raise NotAcceptable(f"no offered format matches Accept; offered: {_names(offers)}")
    return fmt


def _names(offers: Sequence[Format]) -> str:
    return ", ".join(f.media_type for f in offers)


def _check(scan: QueryScan) -> None:
    if scan.update is not None:
        raise QueryForbidden(
            f"this endpoint is read-only: {scan.update} (SPARQL Update) is not accepted"
        )
    if scan.service:
        raise QueryRejected(
            "SERVICE (federated query) is disabled: this endpoint makes no outbound requests"
        )
    if scan.depth > MAX_NESTING:
        raise QueryRejected(f"query nests brackets deeper than {MAX_NESTING} levels")


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"], strict_slashes=False)
def endpoint() -> Response:
    """SPARQL 1.1 Protocol query operation; a bare GET (or HEAD) describes the service."""
    if request.method == "OPTIONS":
        return Response(status=204, headers={"Allow": ALLOWED_METHODS})
    settings = current.settings()
    operation = read_query_request(request, settings.max_request_bytes)
    if operation.query is None:
        return _describe_service(operation.format_names)
    scan = scan_query(operation.query)
    _check(scan)
    graph = scan.returns_graph
    offers = GRAPH_FORMATS if graph else RESULT_FORMATS
    fmt = choose_format(offers, request.headers.get("Accept"), operation.format_names, graph)
    job = Job(
        query=operation.query,
        format_name=fmt.name,
        max_rows=settings.max_result_rows,
        default_graphs=operation.default_graphs,
        named_graphs=operation.named_graphs,
        query_has_dataset=scan.dataset_clause,
        star_order=scan.star_order,
        base_iri=request.base_url,
        max_bytes=settings.max_result_bytes,
    )
    g.sparql_form = scan.form or "?"
    cache = _cache()
    key = cached = None
    runner = runner_for(settings)
    if cache is not None:  # the generation costs a readlink: only a cache needs it
        key = CacheKey.for_job(job, fmt.content_type, runner.generation_id() or "")
        _watch_generations()
        cached = cache.get(key)
        if cached is None and _joined_warming(key, settings.query_timeout):
            cached = cache.peek(key)
    g.sparql_cache = "miss" if cached is None else "hit"
    if cached is None:
        with _client_limit().slot(request.remote_addr or "-"), _visiting():
            answer = runner.run(job, settings.query_timeout)
        g.sparql_query_seconds = answer.seconds
        g.sparql_engine_seconds = answer.engine_seconds
        cached = CachedResult(answer.body, fmt.content_type, answer.truncated, answer.cut_to_bytes)
        if cache is not None and key is not None:  # only here: every failure above raised
            # Stored under the generation the worker read, which a build may have just moved.
            cache.put(replace(key, generation=answer.generation), cached)
    if key is not None and _WARMER_EXTENSION in current_app.extensions:
        # What the next generation's warming runs first: the shapes asked most under this one.
        _counts().count(key.generation, Asked(job, fmt.content_type))
    response = Response(cached.body, content_type=cached.content_type)
    response.headers["X-Cache"] = g.sparql_cache
    if cached.truncated:
        # Virtuoso's convention: the result was cut to this many rows (or triples).
        response.headers["X-SPARQL-MaxRows"] = str(settings.max_result_rows)
    if cached.cut_to_bytes:
        # The same convention for the byte bound: cut to whole rows within this many bytes.
        response.headers["X-SPARQL-MaxBytes"] = str(settings.max_result_bytes)
    return response


def _cache() -> ResultCache | None:
    return current_app.extensions.get(_CACHE_EXTENSION)


def _client_limit() -> ClientLimit:
    return current_app.extensions[_CLIENTS_EXTENSION]


def _counts() -> QueryCounts:
    return current_app.extensions[_COUNTS_EXTENSION]


def _watch_generations() -> None:
    """Have the warmer watch for new generations (started by `serve` already; here for an
    app another WSGI server runs). Not under test: a test drives its warmer itself."""
    warmer = current_app.extensions.get(_WARMER_EXTENSION)
    if warmer is not None and not current_app.testing:
        warmer.watch()


def _visiting() -> contextlib.AbstractContextManager[None]:
    """Mark a request's query as running, so that warming gives way to it."""
    warmer: Warmer | None = current_app.extensions.get(_WARMER_EXTENSION)
    return warmer.visiting() if warmer is not None else contextlib.nullcontext()


def _joined_warming(key: CacheKey, timeout: float) -> bool:
    """Whether this request waited for the warmer, which was answering the same query."""
    warmer: Warmer | None = current_app.extensions.get(_WARMER_EXTENSION)
    return warmer is not None and warmer.join(key, timeout)


def warmer(app: Flask) -> Warmer | None:
    """The app's cache warmer; None when the cache or warming is switched off."""
    return app.extensions.get(_WARMER_EXTENSION)


def init_app(app: Flask) -> None:
    """One result cache (None when switched off), its warmer, the query counts the warmer
    reads, and one per-client bound per app, hence per server process."""
    settings = app.config["KALTIM_KG_SETTINGS"]
    cache = ResultCache.from_settings(settings)
    app.extensions[_CACHE_EXTENSION] = cache
    app.extensions[_CLIENTS_EXTENSION] = ClientLimit(settings.client_queries)
    shared = os.environ.get(SHARED_COUNTS_VARIABLE)  # set by `serve` for its processes
    counts = QueryCounts(shared=Path(shared) if shared else None)
    app.extensions[_COUNTS_EXTENSION] = counts
    if cache is not None and settings.warm_queries > 0:
        app.extensions[_WARMER_EXTENSION] = Warmer(
            settings, cache, lambda: runner_for(settings), counts
        )


def _describe_service(names: Sequence[str]) -> Response:
    html = BY_NAME["html"]
    fmt = choose_format((*SD_FORMATS, html), request.headers.get("Accept"), names)
    settings = current.settings()
    if fmt is html:
        lang = request_language()
        page = render_template(
            "sparql_query.html",
            lang=lang,
            t=texts(lang),
            endpoint=request.base_url,
            settings=settings,
            ontology=str(KKG),
            examples=EXAMPLES,
            examples_json=examples_json(lang),
            number=lambda n: format_number(Decimal(str(n)), lang),
        )
        # The page may talk to this server only: a browser enforces "offline" for us.
        response = Response(
            page, content_type=html.content_type, headers={"Content-Security-Policy": PAGE_CSP}
        )
        response.vary.add("Accept-Language")
        return response
    generation = StoreDir(settings.store_dir).require_current()
    body = service_description(request.base_url, generation.manifest, settings, fmt)
    if fmt.name == "rdfxml":
        checked_xml(body, fmt)
    return Response(body, content_type=fmt.content_type)


@bp.after_request
def add_protocol_headers(response: Response) -> Response:
    """CORS for any origin (no credentials: the data is public) and Vary for caches."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = (
        "Server-Timing, X-SPARQL-MaxRows, X-SPARQL-MaxBytes, X-Cache"
    )
    response.vary.add("Accept")
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _plain(status: int, reason: str, headers: dict[str, str] | None = None) -> Response:
    one_line = " ".join(reason.split())[:500]
    return Response(
        one_line + "\n", status=status, headers=headers, content_type="text/plain; charset=utf-8"
    )


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    return _plain(error.code or 400, error.description or error.name)


@bp.errorhandler(QueryForbidden)
def forbidden(error: QueryForbidden) -> Response:
    return _plain(Forbidden.code, str(error))


@bp.errorhandler(QueryRejected)
def rejected(error: QueryRejected) -> Response:
    reason = str(error).splitlines()[0] if str(error) else "unreadable query"
    if len(reason) > MAX_REASON:  # the parser lists every token it expected; keep the start
        reason = reason[:MAX_REASON] + " …"
    return _plain(BadRequest.code, f"bad query: {reason}")


@bp.errorhandler(ResultNotRepresentable)
def not_representable(error: ResultNotRepresentable) -> Response:
    return _plain(406, f"{error}; ask for another format")


@bp.errorhandler(TooManyQueries)
def too_many(error: TooManyQueries) -> Response:
    return _plain(429, str(error), {"Retry-After": RETRY_AFTER_TOO_MANY})


@bp.errorhandler(QueryUnavailable)
def unavailable(error: QueryUnavailable) -> Response:
    if isinstance(error, QueryTimeout):
        count_timeout()
    retry = {} if isinstance(error, QueryTimeout) else {"Retry-After": "5"}
    return _plain(503, str(error), retry)


@bp.errorhandler(StoreError)
def store_missing(error: StoreError) -> Response:
    return _plain(503, "the store is not available")
