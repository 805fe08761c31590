"""Dataset descriptions for portals: VoID (/.well-known/void) and DCAT (/catalog).

Both are made per request from the generation's manifest (statistics and checksums were
computed at build time), with route URLs from the server's public address
(web/public_address.py) and data IRIs from Settings.base_uri. Turtle by default; JSON-LD,
N-Triples, RDF/XML by Accept or ?format=; a browser (Accept: text/html, or ?format=html)
gets a page made from the same graph. Blank nodes carry stable labels, so one generation
always gives the same bytes and ETag, and a harvester's If-None-Match gets 304.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, render_template, request, url_for
from rdflib import Graph, URIRef

from kaltim_kg.catalog.dcat import PROFILES, catalog_graph
from kaltim_kg.catalog.metadata import Release, Site
from kaltim_kg.catalog.void import void_graph
from kaltim_kg.formats import Format
from kaltim_kg.store.generations import MANIFEST
from kaltim_kg.web import current
from kaltim_kg.web.catalog_views import WORDS, catalog_view, overview
from kaltim_kg.web.labels import Labeller
from kaltim_kg.web.negotiation import (
    HTML,
    RDF_FORMATS,
    TURTLE,
    alternates,
    choose_format,
    html_response,
    plain,
    rdf_response,
    triples_of,
)
from kaltim_kg.web.presentation import Presenter
from kaltim_kg.web.texts import request_language, texts

bp = Blueprint("catalog", __name__)

OFFERS: tuple[Format, ...] = (HTML, *RDF_FORMATS)


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


def presenter(lang: str) -> Presenter:
    opened = current.store()
    return Presenter(opened.store, Labeller(opened.store, lang), current.settings().base_uri)


def links(endpoint: str, **args: str) -> list[tuple[str, Format]]:
    """Each representation of a negotiating route, by `?format=`."""
    return [(url_for(endpoint, format=f.name, _external=True, **args), f) for f in OFFERS]


def answer(
    graph: Graph, fmt: Format, template: str, representations: list[tuple[str, Format]], **page
) -> Response:
    """The graph in `fmt`, or the page `template` shows it as; Link lists the others."""
    if fmt is HTML:
        lang = request_language()
        body = render_template(
            template,
            alternates=[(u, f) for u, f in representations if f is not HTML],
            lang=lang,
            t=texts(lang),
            w=WORDS[lang],
            **page,
        )
        response = html_response(body)
        response.vary.add("Accept-Language")
    else:
        response = rdf_response(triples_of(graph), fmt)
    response.headers["Link"] = alternates((u, f) for u, f in representations if f is not fmt)
    response.vary.add("Accept")
    return response


@bp.route("/.well-known/void")
def void() -> Response:
    fmt = choose_format(OFFERS, default=TURTLE)
    about, here = release(), site()
    graph = void_graph(here, about)
    page = {}
    if fmt is HTML:
        page["view"] = overview(graph, here.dataset, presenter(request_language()), about)
    return answer(graph, fmt, "ld_void.html", links("catalog.void"), document="void", **page)


@bp.route("/catalog")
def dcat() -> Response:
    """DCAT-AP 3.0.1 by default; `?profile=2.1.1` for harvesters that read DCAT-AP 2."""
    profile = request.args.get("profile", PROFILES[0])
    if profile not in PROFILES:
        return plain(400, f"Bad Request: profile must be one of {', '.join(PROFILES)}")
    fmt = choose_format(OFFERS, default=TURTLE)
    here = site()
    graph = catalog_graph(here, release(), profile)
    page = {}
    if fmt is HTML:
        page["view"] = catalog_view(
            graph, URIRef(here.data("catalog")), presenter(request_language())
        )
    extra = {"profile": profile} if "profile" in request.args else {}
    return answer(graph, fmt, "ld_catalog.html", links("catalog.dcat", **extra), **page)
