"""Every Linked Data route is documented in the README (the Datasette habit)."""

from __future__ import annotations

import re
from pathlib import Path

from kaltim_kg.web import (
    catalog,
    datasets,
    documentation,
    downloads,
    home,
    lists,
    resources,
    search,
    world_map,
)

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
DOCUMENTED_BLUEPRINTS = {
    m.bp.name
    for m in (
        resources,
        documentation,
        downloads,
        catalog,
        datasets,
        home,
        world_map,
        search,
        lists,
    )
}


def test_every_route_is_in_the_readme(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in DOCUMENTED_BLUEPRINTS:
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            assert f"`{path}`" in README, f"{path} is not documented in README.md"
