"""Every namespace the project uses, the base IRI, and the one IRI minter."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pyoxigraph import NamedNode
from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, QB, RDF, RDFS, SKOS, XSD

DEFAULT_BASE_URI = "https://w3id.org/kaltim-kg/"
KKG = Namespace("https://w3id.org/kaltim-kg/ontology#")
ONTOLOGY_IRI = URIRef("https://w3id.org/kaltim-kg/ontology")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
GEONAMES = Namespace("http://sws.geonames.org/")
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
CUR = Namespace("http://qudt.org/vocab/currency/")
AGROVOC = Namespace("http://aims.fao.org/aos/agrovoc/")
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

# Prefixes bound in every serialisation and offered to SPARQL queries.
PREFIXES: dict[str, str] = {
    "kkg": str(KKG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "org": str(ORG),
    "qb": str(QB),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "foaf": str(FOAF),
    "wd": str(WD),
    "cur": str(CUR),
}

# Prefixes a SPARQL query may use without declaring them (what users of Wikidata's, the EU
# portal's or BPS's endpoints type from memory): ours, plus the common vocabularies of
# statistics, catalogues and geodata. Serialisations keep to PREFIXES (one name each).
QUERY_PREFIXES: dict[str, str] = {
    **PREFIXES,
    "dct": str(DCTERMS),
    "dc": "http://purl.org/dc/elements/1.1/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "geof": "http://www.opengis.net/def/function/geosparql/",
    "wgs": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "void": str(VOID),
    "sdmx": "http://purl.org/linked-data/sdmx#",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "sdmx-code": "http://purl.org/linked-data/sdmx/2009/code#",
    "sdmx-concept": "http://purl.org/linked-data/sdmx/2009/concept#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "sh": str(SH),
    "sd": str(SD),
    "vcard": str(VCARD),
    "spdx": str(SPDX),
    "adms": "http://www.w3.org/ns/adms#",
    "locn": "http://www.w3.org/ns/locn#",
    "time": "http://www.w3.org/2006/time#",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "gn": "http://www.geonames.org/ontology#",
    "agrovoc": str(AGROVOC),
}

# Kinds of resource the contract (§1) names, plus the ones this project adds.
KINDS = frozenset(
    {
        "country",
        "region",
        "commodity",
        "agency",
        "organization",
        "person",
        "cohort",
        "flow",
        "source",
        "statement",
        # the regional graph (CONTRACT §5) and the fact model for real releases
        "world-region",
        "hs",
        "hs-section",  # an HS section, by its Roman numeral (hs keys are codes only)
        "hs-edition",  # HS2022 (the published scheme), HS2017, HS2012
        "regency",
        "currency",
        "event",
        "total",
        "product",
        "business-count",
        "measure",
        "target",
    }
)
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def normalise_base(base_uri: str) -> str:
    """Return the base IRI with exactly one trailing slash."""
    return base_uri.rstrip("/") + "/"


def checked_base(base_uri: str) -> str:
    """The normalised base IRI, or ValueError: it must be an absolute http(s) IRI with a host,
    since every resource, graph and page IRI is minted under it."""
    base = normalise_base(base_uri)
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base IRI must be an absolute http(s) IRI: {base_uri!r}")
    try:
        NamedNode(base)
    except ValueError:
        raise ValueError(f"base IRI is not a valid IRI: {base_uri!r}") from None
    return base


def mint_iri(kind: str, key: str, base_uri: str = DEFAULT_BASE_URI) -> URIRef:
    """Mint the IRI `{base}id/{kind}/{key}` — the only place resource IRIs are made."""
    if kind not in KINDS:
        raise ValueError(f"unknown resource kind {kind!r}")
    if not _KEY.match(key):
        raise ValueError(f"invalid resource key {key!r} for kind {kind!r}")
    return URIRef(f"{normalise_base(base_uri)}id/{kind}/{key}")


def graph_iri(name: str, base_uri: str = DEFAULT_BASE_URI) -> URIRef:
    """Mint the IRI of a named graph, `{base}graph/{name}`."""
    if not _KEY.match(name):
        raise ValueError(f"invalid graph name {name!r}")
    return URIRef(f"{normalise_base(base_uri)}graph/{name}")


def slugify(text: str) -> str:
    """Lower-case ASCII slug: 'Processed wood' → 'processed-wood'."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not slug:
        raise ValueError(f"cannot make a slug from {text!r}")
    return slug
