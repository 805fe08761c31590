"""Readable documentation of the ontology (/ontology) and shapes (/shapes), RDF by Accept.

Like /id/... these are negotiated, but served in place (200 + `Vary: Accept` +
`Content-Location` naming the fixed-format URL `?format=…`), since the ontology document
is itself the information resource its IRI names.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, url_for
from rdflib import Graph

from kaltim_kg.formats import Format
from kaltim_kg.graph.validate import shapes_graph
from kaltim_kg.web import current
from kaltim_kg.web.labels import Labeller
from kaltim_kg.web.negotiation import (
    HTML,
    RDF_FORMATS,
    TURTLE,
    alternates,
    choose_format,
    html_response,
    rdf_response,
    triples_of,
)
from kaltim_kg.web.presentation import Presenter
from kaltim_kg.web.texts import request_language, texts
from kaltim_kg.web.vocabulary import ontology_from_store, ontology_terms, shapes_model

bp = Blueprint("documentation", __name__)

OFFERS: tuple[Format, ...] = (HTML, *RDF_FORMATS)


def _presenter(lang: str) -> Presenter:
    store = current.store().store
    return Presenter(store, Labeller(store, lang), current.settings().base_uri)


def _respond(endpoint: str, graph: Graph, fmt: Format, html: str | None) -> Response:
    response = html_response(html) if html is not None else rdf_response(triples_of(graph), fmt)
    links = [(url_for(endpoint, format=f.name, _external=True), f) for f in OFFERS]
    response.headers["Link"] = alternates((u, f) for u, f in links if f is not fmt)
    response.headers["Content-Location"] = url_for(endpoint, format=fmt.name)
    response.vary.add("Accept")
    return response


@bp.route("/ontology")
def ontology() -> Response:
    fmt = choose_format(OFFERS, default=TURTLE)
    opened = current.store()
    graph = ontology_from_store(opened.store, current.settings().base_uri)
    html = None
    if fmt is HTML:
        lang = request_language()
        sections = ontology_terms(graph, opened.store, _presenter(lang))
        html = render_template("ld_ontology.html", sections=sections, lang=lang, t=texts(lang))
    return _respond("documentation.ontology", graph, fmt, html)


@bp.route("/shapes")
def shapes() -> Response:
    fmt = choose_format(OFFERS, default=TURTLE)
    graph = shapes_graph()
    html = None
    if fmt is HTML:
        lang = request_language()
        model = shapes_model(graph, _presenter(lang))
        html = render_template("ld_shapes.html", shapes=model, lang=lang, t=texts(lang))
    return _respond("documentation.shapes", graph, fmt, html)
