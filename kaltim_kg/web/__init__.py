"""The Flask application factory; one blueprint per feature module."""

from __future__ import annotations

from typing import Any

from flask import Flask

from kaltim_kg.config import Settings, load_settings
from kaltim_kg.web import (
    catalog,
    current,
    documentation,
    downloads,
    home,
    resources,
    sparql,
    system,
)
from kaltim_kg.web.response import WholeBodyResponse

BLUEPRINTS = (sparql, system, resources, documentation, downloads, catalog, home)


def create_app(
    settings: Settings | None = None, test_config: dict[str, Any] | None = None
) -> Flask:
    """Create the app serving the store named by `settings` (build first: see ensure_built)."""
    app = Flask(__name__)
    app.response_class = WholeBodyResponse
    app.config["KALTIM_KG_SETTINGS"] = settings or load_settings()
    app.config.update(test_config or {})
    current.init_app(app)
    system.init_app(app)
    sparql.init_app(app)
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
    return app
