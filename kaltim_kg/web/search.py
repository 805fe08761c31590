"""`/search?q=`: the site search over names, aliases and codes of every kind, as HTML or JSON.

Ranked by `link/search.py` (exact code or name first, then prefix, then typo-tolerant),
faceted by kind (`&kind=country`), paged (`&page=`, `&size=`); `?format=json` or
`Accept: application/json` gives the JSON twin of the same page.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, render_template, url_for

from kaltim_kg.link.kinds import KindIndex, kind_name
from kaltim_kg.link.listing import BadListRequest
from kaltim_kg.link.search import MAX_QUERY, search
from kaltim_kg.namespaces import KINDS
from kaltim_kg.web import browse, current
from kaltim_kg.web.addresses import local_path
from kaltim_kg.web.negotiation import conditional, html_response
from kaltim_kg.web.texts import request_language, texts

bp = Blueprint("search", __name__)
OFFERS = ("html", "json")
DEFAULT_SIZE = 20
MAX_SIZE = 100
KNOWN = frozenset({"q", "kind", "page", "size", "format", "lang"})


@bp.errorhandler(BadListRequest)
def _bad_request(error: BadListRequest) -> Response:
    return browse.bad_request(error)


def _number(params: dict[str, str], name: str, default: int, high: int) -> int:
    given = params.get(name, "")
    if not given:
        return default
    if not (given.isascii() and given.isdigit() and len(given) <= 9):
        raise BadListRequest(f"{name} must be a whole number, got {given[:20]!r}")
    if not 1 <= int(given) <= high:
        raise BadListRequest(f"{name} must be from 1 to {high}, got {int(given)}")
    return int(given)


@bp.route("/search")
def results() -> Response:
    """One page of search results."""
    params = browse.parameters()
    unknown = sorted(set(params) - KNOWN)
    if unknown:
        raise BadListRequest(f"unknown parameter {unknown[0][:50]!r}; use q, kind, page, size")
    fmt = browse.output_format(params, OFFERS)
    if fmt is None:
        return browse.not_acceptable(OFFERS)
    text = params.get("q", "")
    if len(text) > MAX_QUERY:
        raise BadListRequest(f"q is over {MAX_QUERY} characters")
    found = browse.browse()
    kx = found.kinds
    kind = params.get("kind") or None
    if kind is not None and kind not in kx.members and kind not in KINDS:
        raise BadListRequest(f"unknown kind {kind[:50]!r}; use one of {', '.join(kx.kinds())}")
    size = _number(params, "size", DEFAULT_SIZE, MAX_SIZE)
    result = search(kx, text, [kind] if kind else None)
    pages = max(1, -(-len(result.hits) // size))
    page = _number(params, "page", 1, pages)
    lang = request_language()
    base = current.settings().base_uri
    hits = [
        _hit(kx, hit.position, hit.tier, hit.score, lang, base)
        for hit in result.hits[(page - 1) * size : page * size]
    ]
    facets = [
        {"kind": k, "name": kind_name(k, lang), "count": result.by_kind[k]}
        for k in kx.kinds()
        if result.by_kind.get(k)
    ]
    body = {
        "q": text,
        "kind": kind,
        "total": len(result.hits),
        "page": page,
        "size": size,
        "pages": pages,
        "facets": facets,
        "results": hits,
    }
    if fmt == "json":
        response = Response(
            json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/json"
        )
    else:
        links = {
            "page": lambda p: url_for(
                "search.results", q=text, kind=kind, size=_keep(params, "size"), page=p, lang=lang
            ),
            "kind": lambda k: url_for("search.results", q=text, kind=k, lang=lang),
            "json": url_for(
                "search.results",
                q=text,
                kind=kind,
                page=page,
                size=_keep(params, "size"),
                format="json",
            ),
        }
        response = html_response(
            render_template(
                "search.html",
                result=body,
                links=links,
                kinds=[
                    {"kind": k, "name": kind_name(k, lang), "count": len(kx.members[k])}
                    for k in kx.kinds()
                ],
                lang=lang,
                t=texts(lang),
                w=browse.words(lang),
                max_query=MAX_QUERY,
            )
        )
        response.vary.add("Accept-Language")
    response.vary.add("Accept")
    return conditional(response)


def _keep(params: dict[str, str], name: str) -> str | None:
    return params.get(name) or None


def _hit(
    kx: KindIndex, position: int, tier: str, score: float, lang: str, base: str
) -> dict[str, Any]:
    entity = kx.index.entities[position]
    kind = kx.kind_of[position]
    own = entity.label(lang)
    return {
        "iri": entity.iri,
        "page": local_path(base, entity.iri),
        "kind": kind,
        "kind_name": kind_name(kind, lang),
        "label": own or entity.name,
        "labels": [{"text": t, "lang": lg} for t, lg in entity.labels],
        "aliases": [{"text": t, "lang": lg} for t, lg in entity.aliases],
        "codes": sorted({code for _, code in entity.codes}),
        "match": tier,
        "score": score,
    }
