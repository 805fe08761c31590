"""The map of destinations (/map): countries shaded by their number of flows, world regions
hatched, the same numbers in a table beside it. Server-rendered SVG, no script.

What the shades mean: the number of export-flow records the graph holds to each destination.
Not value: most flows state none, and a sum of the values some flows state would be a figure
no source gives. A flow whose source names only a world region ("beberapa negara Eropa")
went to some country of that region, which one is unknown: the region's countries are
hatched, none of them shaded for it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from flask import Blueprint, Response, render_template

from kaltim_kg.formats import Format
from kaltim_kg.web import current
from kaltim_kg.web.addresses import local_path
from kaltim_kg.web.destinations import Destination, PerGeneration
from kaltim_kg.web.geography import world
from kaltim_kg.web.labels import Labeller
from kaltim_kg.web.negotiation import HTML, choose_format, conditional, html_response
from kaltim_kg.web.numbers import format_number
from kaltim_kg.web.texts import request_language, texts

bp = Blueprint("world_map", __name__)

SHADES = 5  # classes of the legend, lightest to darkest (kkg.css .shade-1 … .shade-5)
DOT_RADIUS = 3.5  # pixels: a destination too small to see at this scale gets a dot
SMALL_AREA = 12.0  # square pixels: below this, a shaded country also gets a dot
_DESTINATIONS = PerGeneration()
JSON = Format("json", "application/json", ("json",), "json", "table")
CSV = Format("csv", "text/csv", ("csv",), "csv", "table")
MEASURE = (
    "flows: the number of export-flow records with this destination (a count, not a value); "
    "flows_with_stated_value: how many of them state a value"
)
COLUMNS = ("destination", "label", "kind", "flows", "flows_with_stated_value", "as_stated")


@dataclass(frozen=True)
class Band:
    """One legend class: counts from `low` to `high` get shade `index`."""

    index: int
    low: int
    high: int

    def label(self, lang: str) -> str:
        low, high = format_number(self.low, lang), format_number(self.high, lang)
        return (
            low if self.low == self.high else f"{low}\u2013{high}"
        )  # an en dash, as ranges are typeset


def bands(counts: list[int], classes: int = SHADES) -> list[Band]:
    """Split the distinct counts into at most `classes` bands of about equal size, in order."""
    distinct = sorted(set(c for c in counts if c > 0))
    if not distinct:
        return []
    size = max(1, -(-len(distinct) // classes))  # ceiling division
    groups = [distinct[i : i + size] for i in range(0, len(distinct), size)]
    return [Band(i + 1, group[0], group[-1]) for i, group in enumerate(groups)]


def shade_of(count: int, legend: list[Band]) -> int:
    """The legend index of a count (0: no flows)."""
    for band in legend:
        if band.low <= count <= band.high:
            return band.index
    return 0


@dataclass(frozen=True)
class Area:
    """A country drawn on the map."""

    numeric: str
    path: str
    shade: int  # 0: no flows to it
    title: str
    href: str | None
    dot: tuple[float, float] | None  # centre of a dot, for a small shaded country


@dataclass(frozen=True)
class Hatch:
    """A world region's countries, hatched: some flow went to one of them, which is unknown."""

    index: int
    label: str
    path: str  # the member countries' outlines
    title: str
    href: str | None


@dataclass(frozen=True)
class Row:
    """A line of the table beside the map."""

    label: str
    href: str | None
    kind: str
    flows: int
    flows_shown: str
    valued_shown: str
    shade: int
    as_stated: tuple[str, ...]
    on_map: bool
    hatch: int | None = None


@dataclass(frozen=True)
class WorldMap:
    width: float
    height: float
    areas: list[Area]
    hatches: list[Hatch]
    legend: list[Band]
    rows: list[Row]
    flows: int
    flows_shown: str


def _count_words(n: int, lang: str) -> str:
    shown = format_number(n, lang)
    if lang == "id":
        return f"{shown} arus"
    return f"{shown} flow" + ("" if n == 1 else "s")


def world_map(destinations: list[Destination], labeller: Labeller, base: str) -> WorldMap:
    """Lay out the map and its table for these destinations in the labeller's language."""
    lang = labeller.lang
    frame, shapes, small = world()
    legend = bands([d.flows for d in destinations if d.kind in ("country", "world-region")])
    by_numeric = {d.numeric: d for d in destinations if d.kind == "country" and d.numeric}
    areas = []
    for numeric, shape in shapes.items():
        found = by_numeric.get(numeric)
        areas.append(_area(shape, found, legend, labeller, base))
    for numeric, shape in small.items():
        found = by_numeric.get(numeric)
        if found is not None:  # a small country is drawn only when goods went there
            areas.append(_area(shape, found, legend, labeller, base, dot=True))
    hatches = []
    hatch_of: dict[str, int] = {}
    for destination in destinations:
        if destination.kind != "world-region":
            continue
        index = len(hatches) + 1
        hatch_of[destination.iri] = index
        outline = "".join(
            (shapes.get(code) or small.get(code)).path
            for code in sorted(destination.members)
            if code in shapes or code in small
        )
        name = labeller.name(destination.iri)
        words = "; ".join(f"“{w}”" for w in destination.as_stated)
        title = f"{name}: {_count_words(destination.flows, lang)}" + (
            f" ({words})" if words else ""
        )
        hatches.append(Hatch(index, name, outline, title, local_path(base, destination.iri)))
    rows = [
        Row(
            label=labeller.name(d.iri),
            href=local_path(base, d.iri),
            kind=d.kind,
            flows=d.flows,
            flows_shown=format_number(d.flows, lang),
            valued_shown=format_number(d.valued, lang),
            shade=shade_of(d.flows, legend) if d.kind == "country" else 0,
            as_stated=d.as_stated,
            on_map=(d.numeric in shapes or d.numeric in small)
            if d.kind == "country"
            else bool(d.members and d.kind == "world-region"),
            hatch=hatch_of.get(d.iri),
        )
        for d in destinations
    ]
    total = sum(d.flows for d in destinations)  # each flow has exactly one destination
    return WorldMap(
        frame.width, frame.height, areas, hatches, legend, rows, total, format_number(total, lang)
    )


def _area(
    shape, found: Destination | None, legend: list[Band], labeller: Labeller, base: str, dot=False
) -> Area:
    lang = labeller.lang
    if found is None:
        return Area(shape.numeric, shape.path, 0, shape.name, None, None)
    shade = shade_of(found.flows, legend)
    title = f"{labeller.name(found.iri)}: {_count_words(found.flows, lang)}"
    small = dot or shape.area < SMALL_AREA
    return Area(
        shape.numeric,
        shape.path,
        shade,
        title,
        local_path(base, found.iri),
        shape.centre if small else None,
    )


@bp.route("/map")
def page() -> Response:
    """The map, or its table as JSON or CSV (Accept, or ?format=json|csv)."""
    fmt = choose_format((HTML, JSON, CSV), default=HTML)
    lang = request_language()
    opened = current.store()
    base = current.settings().base_uri
    labeller = Labeller(opened.store, lang)
    destinations = _DESTINATIONS.get(opened.generation.id, opened.store)
    if fmt is HTML:
        body = render_template(
            "world_map.html",
            lang=lang,
            t=texts(lang),
            map=world_map(destinations, labeller, base),
            dot_radius=DOT_RADIUS,
        )
        response = html_response(body)
    else:
        rows = [
            {
                "destination": d.iri,
                "label": labeller.name(d.iri),
                "kind": d.kind,
                "flows": d.flows,
                "flows_with_stated_value": d.valued,
                "as_stated": list(d.as_stated),
            }
            for d in destinations
        ]
        response = conditional(_json(rows) if fmt is JSON else _csv(rows))
    response.vary.add("Accept")
    response.vary.add("Accept-Language")
    return response


def _json(rows: list[dict]) -> Response:
    body = {"measure": MEASURE, "destinations": rows}
    return Response(json.dumps(body, indent=2, ensure_ascii=False), mimetype=JSON.media_type)


def _csv(rows: list[dict]) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "as_stated": " | ".join(row["as_stated"])})
    return Response(out.getvalue(), content_type=CSV.content_type)
