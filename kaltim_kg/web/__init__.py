"""The Flask application factory; one blueprint per feature module."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import MethodNotAllowed, NotFound

from kaltim_kg.config import Settings, load_settings
from kaltim_kg.errors import ResultNotRepresentable
from kaltim_kg.web import (
    browse,
    catalog,
    current,
    datasets,
    documentation,
    downloads,
    home,
    lists,
    metrics,
    reconcile,
    resources,
    search,
    sparql,
    system,
    world_map,
)
from kaltim_kg.web.negotiation import CONTENT_SECURITY_POLICY, plain
from kaltim_kg.web.public_address import PublicAddress
from kaltim_kg.web.response import WholeBodyResponse

REFERRER_POLICY = "no-referrer"
BLUEPRINTS = (
    sparql,
    system,
    resources,
    documentation,
    downloads,
    catalog,
    datasets,
    home,
    reconcile,
    metrics,
    search,
    lists,
    world_map,
)


def create_app(
    settings: Settings | None = None, test_config: dict[str, Any] | None = None
) -> Flask:
    """Create the app serving the store named by `settings` (build first: see ensure_built)."""
    app = Flask(__name__)
    app.response_class = WholeBodyResponse
    app.config["KALTIM_KG_SETTINGS"] = settings or load_settings()
    app.config.update(test_config or {})
    current.init_app(app)
    metrics.init_app(app)
    system.init_app(app)
    sparql.init_app(app)
    reconcile.init_app(app)
    browse.init_app(app)
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(MethodNotAllowed, _method_not_allowed)
    app.register_error_handler(ResultNotRepresentable, _not_representable)
    app.after_request(safe_headers)
    # Outermost: every URL the app writes comes from the address this decides.
    app.wsgi_app = PublicAddress(app.wsgi_app, app.config["KALTIM_KG_SETTINGS"])  # type: ignore[method-assign]
    return app


def safe_headers(response: Response) -> Response:
    """On every response the app makes (errors included): no MIME sniffing, no Referer sent
    from our pages (a query in a URL stays here), and a Content-Security-Policy on any HTML
    that has none of its own."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    if response.mimetype == "text/html" and "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


# Routing errors (no view ran) in the same one plain line as every other error.
def _not_found(error: NotFound) -> Response:
    return plain(404, f"Not Found: nothing is published at {request.path}")


def _not_representable(error: ResultNotRepresentable) -> Response:
    return plain(406, f"Not Acceptable: {error}; ask for another format")


def _method_not_allowed(error: MethodNotAllowed) -> Response:
    allowed = ", ".join(sorted(error.valid_methods or ()))
    return plain(405, f"{request.method} is not allowed here; use {allowed}", Allow=allowed)
