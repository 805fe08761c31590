"""Read a SPARQL 1.1 Protocol query request: GET, POST form or POST `application/sparql-query`.

Everything odd about a request is refused here with the status that tells the truth, before
a worker is involved: updates (403), two `query` parameters (400), an unknown or missing
media type (415), a charset other than UTF-8 (415), a body that is not UTF-8 (400), and
anything larger than the configured request size (413).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph
from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, Forbidden, RequestEntityTooLarge, UnsupportedMediaType

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
FORMAT_PARAMETERS = ("format", "output", "results")  # SPARQLWrapper sends all three


@dataclass(frozen=True)
class QueryRequest:
    """The protocol operation a request asks for."""

    query: str | None  # None: no query at all (a bare GET: service description or page)
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    format_names: tuple[str, ...]  # values of format= / output= / results=, in order


def _check_charset(request: Request) -> None:
    charset = request.mimetype_params.get("charset")
    if charset is not None and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"charset {charset} is not supported; send UTF-8")


def _body_text(request: Request, max_bytes: int) -> str:
    """The body as text, read no further than one byte past the limit.

    A chunked body has no Content-Length to check first: without a bound, reading it would
    take all of it into memory, and a bound of exactly the limit would cut it silently.
    """
    request.max_content_length = max_bytes + 1
    body = request.get_data(cache=True)
    if len(body) > max_bytes:
        raise RequestEntityTooLarge(f"request body over the {max_bytes}-byte limit")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("request body is not valid UTF-8") from None


def _decode_params(encoded: str, where: str) -> MultiDict[str, str]:
    """`a=1&b=2` parameters, refusing percent-escapes that are not UTF-8 (werkzeug would
    keep them as literal `%FF` text, and then run a query the client never wrote)."""
    try:
        return MultiDict(parse_qsl(encoded, keep_blank_values=True, errors="strict"))
    except UnicodeDecodeError:
        raise BadRequest(f"the {where} parameters are not valid UTF-8") from None


def _params(request: Request, max_bytes: int) -> tuple[MultiDict[str, str], str | None]:
    """All parameters (URL and form body together) and a direct-POST query, if any."""
    if len(request.query_string) > max_bytes:
        raise RequestEntityTooLarge(f"request URL over the {max_bytes}-byte limit")
    try:
        query_string = request.query_string.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the URL parameters are not valid UTF-8") from None
    params = _decode_params(query_string, "URL")
    if request.method != "POST":
        return params, None
    mimetype = request.mimetype
    if mimetype == UPDATE or "update" in request.args:
        raise Forbidden("this endpoint is read-only: SPARQL Update is not accepted")
    if mimetype == DIRECT:
        _check_charset(request)
        return params, _body_text(request, max_bytes)
    if mimetype == FORM:
        _check_charset(request)
        for key, value in _decode_params(_body_text(request, max_bytes), "form").items(multi=True):
            params.add(key, value)
        return params, None
    if not mimetype:
        raise UnsupportedMediaType(f"POST needs a Content-Type: {FORM} or {DIRECT}")
    raise UnsupportedMediaType(f"unsupported Content-Type {mimetype}; use {FORM} or {DIRECT}")


def _check_iri(iri: str) -> None:
    try:
        pyoxigraph.NamedNode(iri)
    except ValueError:
        raise BadRequest(f"graph IRI is not an absolute IRI: {iri[:200]!r}") from None


def read_query_request(request: Request, max_bytes: int) -> QueryRequest:
    """Parse `request` into a QueryRequest or raise the HTTP error it deserves."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise RequestEntityTooLarge(f"request body over the {max_bytes}-byte limit")
    params, direct_query = _params(request, max_bytes)
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise Forbidden("this endpoint is read-only: SPARQL Update is not accepted")
    queries = params.getlist("query")
    if direct_query is not None:
        queries.append(direct_query)
    if len(queries) > 1:
        raise BadRequest("more than one query in the request; send exactly one")
    defaults = params.getlist("default-graph-uri")
    named = params.getlist("named-graph-uri")
    formats = tuple(v for key in FORMAT_PARAMETERS for v in params.getlist(key) if v.strip())
    if not queries:
        if request.method == "POST" or defaults or named:
            raise BadRequest("missing the query parameter")
        return QueryRequest(None, None, None, formats)
    for iri in (*defaults, *named):
        _check_iri(iri)
    dataset = bool(defaults or named)
    return QueryRequest(
        queries[0],
        tuple(defaults) if dataset else None,
        tuple(named) if dataset else None,
        formats,
    )
