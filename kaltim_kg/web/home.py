"""The home page (/): what the dataset is, a diagram of the flows, the cohort figures."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyoxigraph
from flask import Blueprint, Response, current_app, render_template, request

from kaltim_kg.catalog.metadata import DESCRIPTION, TITLE
from kaltim_kg.web import current
from kaltim_kg.web.addresses import local_path
from kaltim_kg.web.current import Opened
from kaltim_kg.web.flow_diagram import Pair, flow_diagram
from kaltim_kg.web.labels import Labeller
from kaltim_kg.web.negotiation import html_response
from kaltim_kg.web.numbers import amount_in_words, format_amount, format_number
from kaltim_kg.web.texts import request_language, texts

bp = Blueprint("home", __name__)

# Each cohort's amounts as stated, never a sum of them (the sources give none, and cohorts
# may overlap); an amount that is the source's conversion of another is not shown twice.
COHORTS = """
PREFIX kkg: <https://w3id.org/kaltim-kg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?cohort ?value ?currency ?stated ?precision ?members WHERE {
  ?cohort a kkg:SMECohort ; kkg:period ?period ; kkg:tradeValue ?amount .
  ?amount schema:value ?value ; schema:currency ?currency .
  FILTER NOT EXISTS { ?amount kkg:equivalentOf ?original }
  OPTIONAL { ?amount rdfs:label ?stated FILTER(LANG(?stated) = ?lang) }
  OPTIONAL { ?amount kkg:precision ?precision }
  OPTIONAL { ?cohort kkg:memberCount ?members }
} ORDER BY DESC(?period) ?currency DESC(?value) LIMIT 6
"""


@dataclass(frozen=True)
class Figure:
    label: str
    href: str | None
    amount: str
    amount_words: str
    members: str | None  # formatted for the page's language
    rounding: str | None = None  # "rounded to 0.1 billion": the stated figure is not exact


def cohort_figures(
    store: pyoxigraph.Store, labeller: Labeller, base_uri: str, lang: str
) -> list[Figure]:
    figures = []
    query = COHORTS.replace("?lang", f'"{lang}"')  # lang is "id" or "en", never user text
    for row in store.query(query, use_default_graph_as_union=True):
        value = Decimal(row["value"].value)
        currency = row["currency"].value
        members = row["members"]
        stated = row["stated"]
        precision = row["precision"]
        figures.append(
            Figure(
                label=labeller.name(row["cohort"].value),
                href=local_path(base_uri, row["cohort"].value),
                amount=format_amount(value, lang, currency),
                amount_words=stated.value
                if stated is not None
                else amount_in_words(value, lang, currency),
                members=format_number(members.value, lang) if members is not None else None,
                rounding=_rounding(Decimal(precision.value), lang)
                if precision is not None
                else None,
            )
        )
    return figures


def _rounding(precision: Decimal, lang: str) -> str | None:
    """100000000 → 'dibulatkan ke 0,1 miliar' / 'rounded to 0.1 billion'; None when exact."""
    if precision <= 1:
        return None
    words = amount_in_words(precision, lang).removeprefix("Rp").removeprefix("IDR ")
    return f"dibulatkan ke {words}" if lang == "id" else f"rounded to {words}"


_PAIRS: dict[str, list[Pair]] = {}


def _cached_pairs(opened: Opened) -> list[Pair]:
    """Flow pairs of a generation, precomputed at build/load time (generations never change)."""
    pairs = _PAIRS.get(opened.generation.id)
    if pairs is None:
        stored = opened.generation.manifest.get("statistics", {}).get("flow_pairs", [])
        pairs = [(flow, commodity, country) for flow, commodity, country in stored]
        _PAIRS.clear()  # keep only the current generation's
        _PAIRS[opened.generation.id] = pairs
    return pairs


@bp.route("/")
def index() -> Response:
    lang = request_language()
    store = current.store().store
    base = current.settings().base_uri
    labeller = Labeller(store, lang)
    body = render_template(
        "ld_home.html",
        lang=lang,
        t=texts(lang),
        title=TITLE,
        description=DESCRIPTION,
        diagram=flow_diagram(_cached_pairs(current.store()), labeller, base),
        figures=cohort_figures(store, labeller, base, lang),
        number=lambda n: format_number(n, lang),
    )
    response = html_response(body)
    response.vary.add("Accept-Language")
    return response


FAVICON_MAX_AGE = 86400  # a day: browsers ask for it on every site they open


@bp.route("/favicon.ico")
def favicon() -> Response:
    """The site icon where browsers and feed readers look for it without a <link>: our SVG."""
    icon = Path(current_app.static_folder or "", "favicon.svg").read_bytes()
    response = Response(icon, content_type="image/svg+xml")
    response.cache_control.public = True
    response.cache_control.max_age = FAVICON_MAX_AGE
    response.add_etag()
    return response.make_conditional(request)
