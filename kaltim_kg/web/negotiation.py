"""Shared response making for the Linked Data wing: pick a format, serialise, set headers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph
from flask import Response, request
from rdflib import Graph

from kaltim_kg.errors import ResultNotRepresentable
from kaltim_kg.formats import BY_NAME, Format, by_name, negotiate, xml_fault
from kaltim_kg.graph import jsonld
from kaltim_kg.namespaces import PREFIXES

HTML = BY_NAME["html"]
TURTLE = BY_NAME["turtle"]
RDF_FORMATS: tuple[Format, ...] = tuple(
    BY_NAME[name] for name in ("turtle", "jsonld", "ntriples", "rdfxml")
)
# Pages load only our own stylesheet; nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class NotAcceptable(Exception):
    """No offered format satisfies the request (becomes a 406)."""

    def __init__(self, offers: Sequence[Format]) -> None:
        self.offers = offers
        super().__init__("no acceptable format")


def choose_format(offers: Sequence[Format], default: Format) -> Format:
    """`?format=` (a name, suffix or media type) overrides Accept; raise NotAcceptable."""
    asked = request.args.get("format")
    chosen = (
        by_name(asked, offers)
        if asked
        else negotiate(request.headers.get("Accept"), offers, default)
    )
    if chosen is None:
        raise NotAcceptable(offers)
    return chosen


def plain(status: int, reason: str, **headers: str) -> Response:
    """A one-line plain-text error or notice."""
    return Response(reason + "\n", status=status, mimetype="text/plain", headers=headers)


def not_acceptable(offers: Sequence[Format]) -> Response:
    types = ", ".join(f.media_type for f in offers)
    response = plain(406, f"Not Acceptable: this resource is available as {types}")
    response.vary.add("Accept")
    return response


def serialise(triples: Iterable[pyoxigraph.Triple], fmt: Format) -> bytes:
    """Triples in one RDF format; JSON-LD is compacted against /context.jsonld, RDF/XML is
    checked to be well formed (ResultNotRepresentable if it is not)."""
    if not isinstance(fmt.oxigraph, pyoxigraph.RdfFormat):
        raise ValueError(f"{fmt.name} is not an RDF format")
    data = pyoxigraph.serialize(list(triples), format=fmt.oxigraph, prefixes=PREFIXES) or b""
    if fmt.oxigraph == pyoxigraph.RdfFormat.JSON_LD:
        return jsonld.compact(data)
    if fmt.oxigraph == pyoxigraph.RdfFormat.RDF_XML:
        checked_xml(data, fmt)
    return data


def checked_xml(body: bytes, fmt: Format) -> bytes:
    """`body` if it is well-formed XML; else ResultNotRepresentable (406: ask for another)."""
    fault = xml_fault(body)
    if fault is not None:
        raise ResultNotRepresentable(f"this cannot be written as {fmt.name}: {fault}")
    return body


def triples_of(graph: Graph) -> list[pyoxigraph.Triple]:
    """An rdflib graph as pyoxigraph triples (one serialiser path for every RDF response)."""
    data = graph.serialize(format="nt", encoding="utf-8")
    return sorted(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES), key=str)


def rdf_response(triples: Iterable[pyoxigraph.Triple], fmt: Format) -> Response:
    response = Response(serialise(triples, fmt), content_type=fmt.content_type)
    return conditional(response)


def html_response(body: str) -> Response:
    response = Response(body, content_type=HTML.content_type)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return conditional(response)


def conditional(response: Response) -> Response:
    """Strong ETag from the body, and 304 for a matching If-None-Match."""
    response.add_etag()
    return response.make_conditional(request)


def alternates(links: Iterable[tuple[str, Format]]) -> str:
    """A `Link` header value listing the other representations."""
    return ", ".join(f'<{url}>; rel="alternate"; type="{fmt.media_type}"' for url, fmt in links)
