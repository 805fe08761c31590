"""`/reconcile`: the W3C Entity Reconciliation Service API 0.2, what OpenRefine speaks.

One route family: the service (`/reconcile`: manifest, `queries`, `extend`), suggest
(`/reconcile/suggest/{entity,type,property}`), `/reconcile/propose_properties`,
`/reconcile/preview` (HTML) and `/reconcile/view` (303 to the entity's page). Every answer
allows any origin (OpenRefine in a browser) and, given a strictly checked `callback`,
comes as JSONP for older clients. The matching index is built once per store generation
and per process, at the first request that needs it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from kaltim_kg import __version__
from kaltim_kg.link.index import EntityIndex, build_index
from kaltim_kg.link.protocol import (
    BadReconcileRequest,
    answer_batch,
    answer_extend,
    flat,
    manifest,
    parse_cursor,
    parse_limit,
    propose_properties,
    suggest_entities,
    suggest_properties,
    suggest_types,
)
from kaltim_kg.web import current
from kaltim_kg.web.addresses import local_path
from kaltim_kg.web.negotiation import CONTENT_SECURITY_POLICY, plain

bp = Blueprint("reconcile", __name__, url_prefix="/reconcile")
# One plain JavaScript identifier (`jQuery3510_1699`, what jQuery and OpenRefine send): no
# dotted paths, which would let a page call any method it can name (`location.assign`).
_CALLBACK = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]{0,127}\Z")
SUGGEST_LIMIT = 10
SUGGEST_MAX = 100
CURSOR_MAX = 1000  # results a client may page past (prefix lookups stay bounded)
JSON = "application/json"
EXTENSION = "kaltim_kg_link_index"


class IndexCache:
    """The matching index of the generation a request reads, built when first needed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: tuple[str, EntityIndex] | None = None

    def get(self) -> EntityIndex:
        opened = current.store()
        built = self._built
        if built is not None and built[0] == opened.generation.id:
            return built[1]
        with self._lock:
            if self._built is None or self._built[0] != opened.generation.id:
                index = build_index(opened.store, current.settings().base_uri)
                self._built = (opened.generation.id, index)
            return self._built[1]


def index() -> EntityIndex:
    return current_app.extensions[EXTENSION].get()


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = IndexCache()


def _service_root() -> str:
    return url_for("reconcile.service", _external=True).rstrip("/")


def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.after_request
def _every_answer(response: Response) -> Response:
    return _cors(response)


@bp.errorhandler(BadReconcileRequest)
def _bad_request(error: BadReconcileRequest) -> Response:
    return plain(400, f"Bad Request: {str(error).splitlines()[0]}")


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    return plain(error.code or 400, f"{error.name}: {error.description}")


def _params() -> dict[str, str]:
    """URL and form parameters (each once), within the configured request size."""
    limit = current.settings().max_request_bytes
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(f"request body over the {limit}-byte limit")
    if len(request.query_string) > limit:
        raise RequestEntityTooLarge(f"request URL over the {limit}-byte limit")
    request.max_content_length = limit
    request.max_form_memory_size = limit
    values: dict[str, str] = {}
    for source in (request.args, request.form if request.method == "POST" else {}):
        for key in source:
            given = source.getlist(key)  # type: ignore[union-attr]
            if len(given) > 1 or key in values:
                raise BadReconcileRequest(f"parameter {key[:50]!r} given more than once")
            values[key] = given[0]
    return values


def _json_answer(body: dict[str, Any], params: dict[str, str]) -> Response:
    callback = params.get("callback")
    if callback is None:
        return Response(flat(body), mimetype=JSON)
    if not _CALLBACK.match(callback):
        raise BadReconcileRequest(
            "callback must be a JavaScript identifier (ASCII letters, digits, _ and $)"
        )
    # The comment keeps a callback name from being read as the start of other syntax.
    script = f"/**/{callback}({flat(body)});"
    return Response(script, mimetype="application/javascript")


def _answer(build: Callable[[dict[str, str]], dict[str, Any]]) -> Response:
    params = _params()
    return _json_answer(build(params), params)


@bp.route("", methods=["GET", "POST", "OPTIONS"], strict_slashes=False)
def service() -> Response:
    """The manifest, or the answers to `queries` or `extend`."""
    if request.method == "OPTIONS":
        return _preflight()

    def build(params: dict[str, str]) -> dict[str, Any]:
        if "queries" in params and "extend" in params:
            raise BadReconcileRequest("send either queries or extend, not both")
        if "queries" in params:
            return answer_batch(index(), params["queries"])
        if "extend" in params:
            return answer_extend(index(), params["extend"])
        if request.method == "POST":
            raise BadReconcileRequest("POST needs a queries or extend form parameter")
        return manifest(index(), _service_root(), request.host_url, __version__)

    return _answer(build)


def _preflight() -> Response:
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _limit(params: dict[str, str]) -> int:
    return parse_limit(params.get("limit"), SUGGEST_LIMIT, SUGGEST_MAX)


def _cursor(params: dict[str, str]) -> int:
    return parse_cursor(params.get("cursor"), CURSOR_MAX)


@bp.route("/suggest/entity")
def suggest_entity() -> Response:
    return _answer(
        lambda p: suggest_entities(
            index(), p.get("prefix", ""), p.get("type") or None, _limit(p), _cursor(p)
        )
    )


@bp.route("/suggest/type")
def suggest_type() -> Response:
    return _answer(lambda p: suggest_types(index(), p.get("prefix", ""), _limit(p), _cursor(p)))


@bp.route("/suggest/property")
def suggest_property() -> Response:
    return _answer(
        lambda p: suggest_properties(index(), p.get("prefix", ""), _limit(p), _cursor(p))
    )


@bp.route("/propose_properties")
def propose() -> Response:
    def build(params: dict[str, str]) -> dict[str, Any]:
        if not params.get("type"):
            raise BadReconcileRequest("propose_properties needs a type parameter")
        return propose_properties(index(), params["type"], _limit(params))

    return _answer(build)


def _entity_from(params: dict[str, str]) -> Any:
    iri = params.get("id", "")
    if not iri:
        raise BadReconcileRequest("missing the id parameter")
    entity = index().entity(iri)
    if entity is None:
        return None
    return entity


def _page(iri: str) -> str:
    """This server's URL of the page describing `iri` (every indexed entity is ours)."""
    path = local_path(current.settings().base_uri, iri) or "/"
    return request.host_url.rstrip("/") + path


@bp.route("/preview")
def preview() -> Response:
    """A small HTML card of one entity, for OpenRefine's preview pane (escaped throughout)."""
    params = _params()
    entity = _entity_from(params)
    if entity is None:
        return plain(404, "Not Found: no such entity in this service")
    codes = [(index().property_names.get(p, p), code) for p, code in entity.codes]
    body = render_template(
        "reconcile_preview.html",
        entity=entity,
        codes=codes,
        page=_page(entity.iri),
    )
    response = Response(body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'", "frame-ancestors *"
    )
    return response


@bp.route("/view")
def view() -> Response:
    """303 to this server's page of an entity: the manifest's `view` template."""
    params = _params()
    entity = _entity_from(params)
    if entity is None:
        return plain(404, "Not Found: no such entity in this service")
    location = _page(entity.iri)
    return plain(303, f"See Other: {location}", Location=location)
