"""Dataset descriptions for portals: VoID (/.well-known/void) and DCAT (/catalog).

Both are made per request from the generation's manifest (statistics and checksums were
computed at build time), with route URLs from the request host and data IRIs from
Settings.base_uri. Turtle by default; JSON-LD, N-Triples, RDF/XML by Accept or ?format=.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, request

from kaltim_kg.catalog.dcat import PROFILES, catalog_graph
from kaltim_kg.catalog.metadata import Release, Site
from kaltim_kg.catalog.void import void_graph
from kaltim_kg.store.generations import MANIFEST
from kaltim_kg.web import current
from kaltim_kg.web.negotiation import (
    RDF_FORMATS,
    TURTLE,
    choose_format,
    plain,
    rdf_response,
    triples_of,
)

bp = Blueprint("catalog", __name__)


def site() -> Site:
    return Site(request.url_root, current.settings().base_uri)


def release() -> Release:
    """The current generation's dumps and statistics, as the build recorded them."""
    generation = current.store().generation
    manifest = generation.manifest
    stamp = (generation.path / MANIFEST).stat().st_mtime
    return Release(
        modified=datetime.fromtimestamp(stamp, UTC),
        dumps=manifest.get("dumps", {}),
        statistics=manifest.get("statistics", {}),
        loaded_graphs=manifest.get("loaded_graphs", {}),
    )


@bp.route("/.well-known/void")
def void() -> Response:
    fmt = choose_format(RDF_FORMATS, default=TURTLE)
    response = rdf_response(triples_of(void_graph(site(), release())), fmt)
    response.vary.add("Accept")
    return response


@bp.route("/catalog")
def dcat() -> Response:
    """DCAT-AP 3.0.1 by default; `?profile=2.1.1` for harvesters that read DCAT-AP 2."""
    profile = request.args.get("profile", PROFILES[0])
    if profile not in PROFILES:
        return plain(400, f"Bad Request: profile must be one of {', '.join(PROFILES)}")
    fmt = choose_format(RDF_FORMATS, default=TURTLE)
    response = rdf_response(triples_of(catalog_graph(site(), release(), profile)), fmt)
    response.vary.add("Accept")
    return response
