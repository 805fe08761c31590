"""One table: media type ↔ format name ↔ file suffix, and content negotiation over it."""

from __future__ import annotations

import re
import xml.parsers.expat
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


@dataclass(frozen=True)
class Format:
    """A serialisation the server can produce."""

    name: str  # what ?format= / ?output= accept, e.g. "turtle"
    media_type: str  # the canonical Content-Type
    aliases: tuple[str, ...]  # other media types and short names that select it
    suffix: str  # file suffix for document URLs and dumps, without the dot
    kind: str  # "results" (SELECT/ASK), "graph" (triples), "dataset" (quads) or "html"
    oxigraph: pyoxigraph.RdfFormat | pyoxigraph.QueryResultsFormat | None = None

    @property
    def content_type(self) -> str:
        text = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml"))
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


_R = pyoxigraph.QueryResultsFormat
_G = pyoxigraph.RdfFormat

# One statement per line: such files can be cut at any newline, sorted and concatenated.
LINE_FORMATS = frozenset({_G.N_TRIPLES, _G.N_QUADS})

FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        "application/sparql-results+json",
        ("application/json", "srj"),
        "srj",
        "results",
        _R.JSON,
    ),
    Format(
        "xml",
        "application/sparql-results+xml",
        ("application/xml", "text/xml", "srx"),
        "srx",
        "results",
        _R.XML,
    ),
    Format("csv", "text/csv", (), "csv", "results", _R.CSV),
    Format("tsv", "text/tab-separated-values", (), "tsv", "results", _R.TSV),
    Format("turtle", "text/turtle", ("application/x-turtle", "ttl"), "ttl", "graph", _G.TURTLE),
    Format("ntriples", "application/n-triples", ("text/plain", "nt"), "nt", "graph", _G.N_TRIPLES),
    Format(
        "jsonld",
        "application/ld+json",
        ("application/json", "json-ld"),
        "jsonld",
        "graph",
        _G.JSON_LD,
    ),
    Format(
        "rdfxml",
        "application/rdf+xml",
        ("application/xml", "text/xml", "rdf", "xml"),
        "rdf",
        "graph",
        _G.RDF_XML,
    ),
    Format("nquads", "application/n-quads", ("nq",), "nq", "dataset", _G.N_QUADS),
    Format("trig", "application/trig", (), "trig", "dataset", _G.TRIG),
    Format("html", "text/html", ("application/xhtml+xml", "htm"), "html", "html", None),
)
BY_NAME = {f.name: f for f in FORMATS}

_BARE_Q = re.compile(r";\s*q\s*=\s*\.")


def parse_accept(header: str | None) -> MIMEAccept:
    """Parse an Accept header; werkzeug 3.1 drops entries written `q=.5`, so add the zero."""
    return parse_accept_header(_BARE_Q.sub(";q=0.", header or ""), MIMEAccept)


def by_name(name: str, offers: Sequence[Format]) -> Format | None:
    """Resolve a `format=`/`output=` value (a short name, suffix or media type) among offers."""
    wanted = name.strip().lower()
    for fmt in offers:
        if wanted in (fmt.name, fmt.suffix, fmt.media_type, *fmt.aliases):
            return fmt
    return None


def negotiate(
    accept: str | None, offers: Sequence[Format], default: Format | None = None
) -> Format | None:
    """Pick the best offer for an Accept header (q-values, wildcards); None means 406.

    No Accept header, or only `*/*`, selects `default` (else the first offer); `*/*;q=0`
    accepts nothing. A type the client names beats one that only a wildcard (`*/*`,
    `text/*`) matches at the same quality; among those it names equally, the order of
    `offers` decides, so callers list their preference first; among wildcard matches
    alone, `default` goes first.
    """
    default = default or offers[0]
    parsed = parse_accept(accept)
    if not accept or not parsed:
        return default
    named = {value.lower() for value, q in parsed if q > 0 and "*" not in value}
    best: Format | None = None
    best_rank: tuple[float, bool, bool] = (0.0, False, False)
    for fmt in offers:
        # Wildcards (`text/*`) match canonical media types only: an alias such as text/xml
        # must not make SPARQL XML results the answer to a request for "any text".
        exact_alias = (q for value, q in parsed if value.lower() in _media(fmt.aliases))
        quality = max(parsed.quality(fmt.media_type), *exact_alias, 0)
        is_named = bool(_names(fmt) & named)
        rank = (quality, is_named, not is_named and fmt is default)
        if quality > 0 and rank > best_rank:  # strictly: the earlier offer keeps a tie
            best, best_rank = fmt, rank
    return best


def _names(fmt: Format) -> set[str]:
    """The media types that name `fmt` exactly."""
    return {fmt.media_type.lower(), *(a.lower() for a in _media(fmt.aliases))}


def _media(aliases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(a for a in aliases if "/" in a)


def xml_fault(body: bytes) -> str | None:
    """Why `body` is not well-formed namespaced XML, or None when it is.

    The engine's XML writers emit documents no XML parser reads, e.g. an RDF/XML property
    element for the predicate <http://ex.org/1> (no QName can end in a digit-led local name
    there) or a control character in a literal: every route that sends RDF/XML or SPARQL XML
    results checks its body with this before sending it."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")  # names must be QNames
    try:
        parser.Parse(body, True)
    except xml.parsers.expat.ExpatError as exc:
        return str(exc)
    return None
