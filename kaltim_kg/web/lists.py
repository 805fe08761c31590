"""`/id/{kind}/`: the list of every kind's members, and `/id/`, the kinds with their counts.

Paged (`page`, `size`), sorted (`sort=label|code|value|{column}`, `-` reverses), filtered by
any column (`/id/flow/?year=2020&destination=JP`), with facet counts; HTML, or the same page
as JSON or CSV by `Accept` or `?format=json|csv`. Read from the per-generation index
(`web/browse.py`), never by pasting request text into SPARQL.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import Blueprint, Response, render_template, url_for

from kaltim_kg.link.kinds import kind_name
from kaltim_kg.link.listing import ALL, BadListRequest, Listing, Row
from kaltim_kg.namespaces import KINDS
from kaltim_kg.web import browse, current
from kaltim_kg.web.addresses import local_path
from kaltim_kg.web.negotiation import conditional, html_response, plain
from kaltim_kg.web.numbers import amount_in_words
from kaltim_kg.web.texts import request_language, texts

bp = Blueprint("lists", __name__)
OFFERS = ("html", "json", "csv")


@bp.errorhandler(BadListRequest)
def _bad_request(error: BadListRequest) -> Response:
    return browse.bad_request(error)


@bp.route("/id/")
def kinds() -> Response:
    """Every kind with how many members it has."""
    params = browse.parameters()
    fmt = browse.output_format(params, ("html", "json"))
    if fmt is None:
        return browse.not_acceptable(("html", "json"))
    kx = browse.browse().kinds
    lang = request_language()
    rows = [
        {
            "kind": k,
            "name": kind_name(k, lang),
            "count": len(kx.members[k]),
            "list": url_for("lists.listing", kind=k),
        }
        for k in kx.kinds()
    ]
    if fmt == "json":
        response = Response(
            json.dumps({"kinds": rows}, ensure_ascii=False, indent=1), mimetype="application/json"
        )
    else:
        response = html_response(
            render_template(
                "kinds.html", kinds=rows, lang=lang, t=texts(lang), w=browse.words(lang)
            )
        )
        response.vary.add("Accept-Language")
    response.vary.add("Accept")
    return conditional(response)


@bp.route("/id/<kind>/")
def listing(kind: str) -> Response:
    """One page of the members of `kind`."""
    kx = browse.browse().kinds
    if kind not in KINDS and kind not in kx.members:
        return plain(404, f"Not Found: no kind {kind[:50]!r} here; see /id/ for the kinds")
    params = browse.parameters()
    fmt = browse.output_format(params, OFFERS)
    if fmt is None:
        return browse.not_acceptable(OFFERS)
    lang = request_language()
    found = browse.browse().lists.listing(kind, params, lang)
    base = current.settings().base_uri
    if fmt == "json":
        response = Response(
            json.dumps(_json(found, base, lang), ensure_ascii=False, indent=1),
            mimetype="application/json",
        )
    elif fmt == "csv":
        response = Response(_csv(found), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'inline; filename="{kind}.csv"'
    else:
        response = html_response(_html(found, params, base, lang))
        response.vary.add("Accept-Language")
    response.vary.add("Accept")
    return conditional(response)


def _amounts(row: Row) -> list[dict[str, str]]:
    return [{"currency": c, "value": str(v)} for c, v in row.amounts]


def _json(found: Listing, base: str, lang: str) -> dict[str, Any]:
    rows = []
    for row in found.rows:
        item: dict[str, Any] = {
            "iri": row.iri,
            "page": local_path(base, row.iri),
            "key": row.key,
            "label": row.label,
            "code": row.code or None,
        }
        for column in found.columns:
            cells = row.cells[column.name]
            item[column.name] = (
                [{"iri": c.iri, "key": c.key, "label": c.text} for c in cells]
                if column.link
                else [c.text for c in cells]
            )
        if "value" in found.sorts:
            item["amounts"] = _amounts(row)
        if row.narrower is not None:
            item["narrower"] = row.narrower
        rows.append(item)
    return {
        "kind": found.kind,
        "name": kind_name(found.kind, lang),
        "members": found.members,
        "total": found.total,
        "page": found.page,
        "size": found.size,
        "pages": found.pages,
        "sort": found.sort,
        "sorts": found.sorts,
        "filters": found.filters,
        "q": found.q,
        "columns": [c.name for c in found.columns],
        "facets": {
            f.name: {
                "values": [
                    {"value": v.value, "label": v.label, "count": v.count, "iri": v.iri}
                    for v in f.values
                ],
                "more": f.more,
            }
            for f in found.facets
        },
        "trail": [{"iri": c.iri, "key": c.key, "label": c.text} for c in found.trail],
        "rows": rows,
    }


def _csv(found: Listing) -> str:
    """One row per member: its IRI, key, label, code; a linked column as IRIs and labels."""
    header = ["iri", "key", "label", "code"]
    for column in found.columns:
        header += [column.name, f"{column.name}_label"] if column.link else [column.name]
    has_value = "value" in found.sorts
    if has_value:
        header.append("value_idr")
    if found.tree:
        header.append("narrower")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in found.rows:
        line = [row.iri, row.key, row.label, row.code]
        for column in found.columns:
            cells = row.cells[column.name]
            if column.link:
                line += [" ".join(c.iri or "" for c in cells), " | ".join(c.text for c in cells)]
            else:
                line.append(" ".join(c.text for c in cells))
        if has_value:
            line.append(next((str(v) for c, v in row.amounts if c == "IDR"), ""))
        if found.tree:
            line.append(str(row.narrower or 0))
        writer.writerow(line)
    return out.getvalue()


def _html(found: Listing, params: dict[str, str], base: str, lang: str) -> str:
    kept = {k: v for k, v in params.items() if k != "format"}

    def link(**changes: Any) -> str:
        merged = {**kept, **changes}
        if "page" not in changes:
            merged.pop("page", None)  # a new filter or order starts at page 1
        merged = {k: v for k, v in merged.items() if v is not None}
        return url_for("lists.listing", kind=found.kind, **merged)

    def page_of(iri: str | None) -> str | None:
        """The member's page, in this page's language."""
        path = local_path(base, iri) if iri else None
        return f"{path}?lang={lang}" if path and "#" not in path else path

    # The table leaves out (the twins keep) a column empty on this page, or one a filter
    # fixes (its chip says the value; a tree's level says its broader).
    fixed = {name for name, value in found.filters.items() if value != ALL}
    shown = [
        c
        for c in found.columns
        if c.name not in fixed and any(row.cells[c.name] for row in found.rows)
    ]
    return render_template(
        "list.html",
        found=found,
        shown=shown,
        has_code=any(row.code for row in found.rows),
        heading=lambda name: browse.heading(name, lang),
        name=kind_name(found.kind, lang),
        link=link,
        page_of=page_of,
        money=lambda amount: amount_in_words(amount[1], lang, amount[0] or "IDR"),
        download={
            f: url_for("lists.listing", kind=found.kind, **{**kept, "format": f})
            for f in ("csv", "json")
        },
        lang=lang,
        t=texts(lang),
        w=browse.words(lang),
    )
