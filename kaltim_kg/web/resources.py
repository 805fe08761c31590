"""Linked Data: every /id/{kind}/{key} IRI dereferences to HTML or RDF.

Strategy: 303 See Other. The IRI names a thing (a country, a cohort), not a document, so
`GET /id/country/JP` answers `303` with `Location: /id/country/JP.{html,ttl,jsonld,nt,rdf}`
chosen by `Accept` (or `?format=`), and `Vary: Accept`. The document URLs answer `200` with
one fixed format, so they can be bookmarked, cached and linked without negotiation. No
`Accept` or `*/*` selects Turtle (browsers always ask for text/html explicitly).
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, render_template, request, url_for

from kaltim_kg.formats import Format
from kaltim_kg.graph.describe import describe, exists
from kaltim_kg.web import current
from kaltim_kg.web.addresses import data_iri
from kaltim_kg.web.labels import Labeller
from kaltim_kg.web.negotiation import (
    HTML,
    RDF_FORMATS,
    TURTLE,
    NotAcceptable,
    alternates,
    choose_format,
    html_response,
    not_acceptable,
    plain,
    rdf_response,
)
from kaltim_kg.web.presentation import Presenter
from kaltim_kg.web.texts import request_language, texts

bp = Blueprint("resources", __name__)

OFFERS: tuple[Format, ...] = (HTML, *RDF_FORMATS)
BY_SUFFIX = {fmt.suffix: fmt for fmt in OFFERS}
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


# App-wide: every negotiating route of the Linked Data wing raises NotAcceptable.
@bp.app_errorhandler(NotAcceptable)
def _not_acceptable(error: NotAcceptable) -> Response:
    return not_acceptable(error.offers)


def document_links(kind: str, key: str) -> list[tuple[str, Format]]:
    """Absolute URLs of every document describing `/id/{kind}/{key}`."""
    return [
        (url_for("resources.resource", kind=kind, key=f"{key}.{f.suffix}", _external=True), f)
        for f in OFFERS
    ]


@bp.route("/id/<kind>/<key>")
def resource(kind: str, key: str) -> Response:
    """A thing IRI (303 to a document) or a document URL (200)."""
    if not (_SEGMENT.match(kind) and _SEGMENT.match(key)):
        return plain(404, "Not Found: not a resource IRI of this dataset")
    store = current.store().store
    base = current.settings().base_uri
    if exists(store, data_iri(base, kind, key)):
        return _see_other(kind, key)
    stem, dot, suffix = key.rpartition(".")
    if dot and suffix in BY_SUFFIX and exists(store, data_iri(base, kind, stem)):
        return _document(kind, stem, BY_SUFFIX[suffix])
    return plain(404, f"Not Found: no resource {data_iri(base, kind, key)}")


def _see_other(kind: str, key: str) -> Response:
    fmt = choose_format(OFFERS, default=TURTLE)
    params = {"lang": request.args["lang"]} if fmt is HTML and "lang" in request.args else {}
    location = url_for(
        "resources.resource", kind=kind, key=f"{key}.{fmt.suffix}", _external=True, **params
    )
    response = plain(303, f"See Other: {location}", Location=location)
    response.headers["Link"] = alternates(document_links(kind, key))
    response.vary.add("Accept")
    return response


def _document(kind: str, key: str, fmt: Format) -> Response:
    opened = current.store()
    iri = data_iri(current.settings().base_uri, kind, key)
    description = describe(opened.store, iri)
    links = document_links(kind, key)
    if fmt is HTML:
        lang = request_language()
        presenter = Presenter(
            opened.store, Labeller(opened.store, lang), current.settings().base_uri
        )
        body = render_template(
            "ld_resource.html",
            page=presenter.page(description),
            alternates=[(url, f) for url, f in links if f is not HTML],
            lang=lang,
            t=texts(lang),
        )
        response = html_response(body)
        response.vary.add("Accept-Language")
    else:
        response = rdf_response(description.triples, fmt)
    response.headers["Link"] = alternates((url, f) for url, f in links if f is not fmt)
    return response
