"""The W3C Entity Reconciliation Service API 0.2, as JSON in and out (no HTTP here).

Requests are checked by hand, in one linear pass, against what the specification's JSON
schemas allow (`tests/conformance/reconciliation/` runs its valid and invalid examples
through these parsers); anything else raises BadReconcileRequest with a one-line reason.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph
from rdflib.namespace import OWL, RDF, XSD

from kaltim_kg.errors import KaltimKGError
from kaltim_kg.link.index import Entity, EntityIndex
from kaltim_kg.link.matcher import (
    DEFAULT_LIMIT,
    Candidate,
    PropertyFilter,
    Query,
    UnknownProperty,
    reconcile,
    resolve_property,
)
from kaltim_kg.link.types import EntityType, UnknownType, resolve_types
from kaltim_kg.namespaces import WD

MAX_QUERIES = 1000  # per batch, as the issue and OpenRefine's largest batches need
MAX_IDS = 1000  # per data extension request
MAX_PROPERTIES = 50  # per query or extension request
MAX_VALUES = 50  # per property of a query
MAX_TEXT = 1000  # characters of a query string, property value or id
QUERY_KEYS = frozenset({"query", "type", "limit", "properties", "type_strict"})
TYPE_STRICT = ("any", "should", "all")
WIKIDATA = "wikidata"  # an extension property of our own: the Wikidata item of an entity
HIDDEN_PROPERTIES = frozenset({str(RDF.type)})
INTEGER_TYPES = frozenset(
    str(t) for t in (XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.int, XSD.long)
)
NUMBER_TYPES = frozenset(str(t) for t in (XSD.decimal, XSD.double, XSD.float))


class BadReconcileRequest(KaltimKGError):
    """The request is not a reconciliation request this service can answer (HTTP 400)."""


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text, parse_constant=_no_constant)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise BadReconcileRequest(f"{what} is not valid JSON: {reason}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise BadReconcileRequest(f"{where} must be a string")
    if len(value) > MAX_TEXT:
        raise BadReconcileRequest(f"{where} is longer than {MAX_TEXT} characters")
    return value


def _property_values(raw: Any, where: str) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [raw]
    if len(items) > MAX_VALUES:
        raise BadReconcileRequest(f"{where} has more than {MAX_VALUES} values")
    values = []
    for item in items:
        if isinstance(item, bool):
            values.append(str(item).lower())
        elif isinstance(item, int | float):
            values.append(_number(item))
        elif isinstance(item, str):
            values.append(_text(item, where))
        elif isinstance(item, dict) and "id" in item:
            values.append(_text(item["id"], f"{where} id"))
        else:
            raise BadReconcileRequest(f"{where} must be a string, number, boolean or {{id}}")
    return tuple(values)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class RawQuery:
    """One query of a batch as the client wrote it (types and properties not yet resolved)."""

    text: str
    types: tuple[str, ...]
    limit: int
    properties: tuple[tuple[str, tuple[str, ...]], ...]
    type_strict: str


def parse_query_batch(text: str) -> dict[str, RawQuery]:
    """A `queries` parameter → its queries by key; BadReconcileRequest if it breaks the spec."""
    batch = _json(text, "queries")
    if not isinstance(batch, dict):
        raise BadReconcileRequest("queries must be a JSON object of queries by key")
    if len(batch) > MAX_QUERIES:
        raise BadReconcileRequest(f"{len(batch)} queries in one batch; at most {MAX_QUERIES}")
    return {_text(key, "a query key"): _parse_query(key, raw) for key, raw in batch.items()}


def _parse_query(key: str, raw: Any) -> RawQuery:
    where = f"query {key[:50]!r}"
    if not isinstance(raw, dict):
        raise BadReconcileRequest(f"{where} must be a JSON object")
    unknown = sorted(set(raw) - QUERY_KEYS)
    if unknown:
        raise BadReconcileRequest(f"{where}: unknown member {unknown[0][:50]!r}")
    text = _text(raw["query"], f"{where}: query") if "query" in raw else None
    types: tuple[str, ...] = ()
    if "type" in raw:
        given = raw["type"]
        items = given if isinstance(given, list) else [given]
        types = tuple(_text(t, f"{where}: type") for t in items)
    limit = DEFAULT_LIMIT
    if "limit" in raw:
        value = raw["limit"]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise BadReconcileRequest(f"{where}: limit must be a number")
        limit = max(1, int(value))
    properties: list[tuple[str, tuple[str, ...]]] = []
    if "properties" in raw:
        given = raw["properties"]
        if not isinstance(given, list):
            raise BadReconcileRequest(f"{where}: properties must be an array")
        if len(given) > MAX_PROPERTIES:
            raise BadReconcileRequest(f"{where}: more than {MAX_PROPERTIES} properties")
        for item in given:
            if not isinstance(item, dict) or "pid" not in item or "v" not in item:
                raise BadReconcileRequest(f"{where}: each property needs pid and v")
            pid = _text(item["pid"], f"{where}: pid")
            properties.append((pid, _property_values(item["v"], f"{where}: property {pid[:50]!r}")))
    strict = raw.get("type_strict", "any")
    if strict not in TYPE_STRICT:
        raise BadReconcileRequest(f"{where}: type_strict must be any, should or all")
    if text is None and not properties:
        raise BadReconcileRequest(f"{where} needs a query string or properties")
    return RawQuery(text or "", types, limit, tuple(properties), strict)


def resolve_query(index: EntityIndex, raw: RawQuery) -> Query:
    """The engine's query: type ids and property ids checked against what the index has."""
    try:
        types = resolve_types(raw.types, index.base, index.types) if raw.types else None
        filters = tuple(PropertyFilter(resolve_property(index, p), v) for p, v in raw.properties)
    except (UnknownType, UnknownProperty) as exc:
        raise BadReconcileRequest(str(exc)) from None
    return Query(raw.text, types, raw.limit, filters, raw.type_strict)


def type_json(entity_type: EntityType, base: str) -> dict[str, str]:
    return {"id": entity_type.type_id(base), "name": entity_type.name}


def candidate_json(candidate: Candidate, base: str) -> dict[str, Any]:
    entity = candidate.entity
    return {
        "id": entity.iri,
        "name": entity.name,
        "description": entity.description,
        "score": candidate.score,
        "match": candidate.match,
        "type": [type_json(t, base) for t in entity.types],
        "features": [
            {"id": f"name_{candidate.evidence.replace('-', '_')}", "value": True},
            {"id": "properties_agreeing", "value": candidate.properties_agreeing},
        ],
    }


def answer_batch(index: EntityIndex, text: str) -> dict[str, Any]:
    """A reconciliation result batch for a `queries` parameter."""
    queries = {key: resolve_query(index, raw) for key, raw in parse_query_batch(text).items()}
    return {
        key: {"result": [candidate_json(c, index.base) for c in reconcile(index, query)]}
        for key, query in queries.items()
    }


def manifest(index: EntityIndex, root: str, documentation: str, version: str) -> dict[str, Any]:
    """The service manifest; `root` is this service's URL without a trailing slash."""
    service = {"service_url": root}
    return {
        "versions": ["0.2"],
        "name": "kaltim-kg: countries, regions, regencies, HS codes and commodities",
        "identifierSpace": f"{index.base}id/",
        "schemaSpace": "https://w3id.org/kaltim-kg/ontology#",
        "documentation": documentation,
        "serviceVersion": version,
        "defaultTypes": [type_json(t, index.base) for t in index.types],
        "view": {"url": f"{root}/view?id={{{{id}}}}"},
        "preview": {"url": f"{root}/preview?id={{{{id}}}}", "width": 430, "height": 220},
        "suggest": {
            "entity": {**service, "service_path": "/suggest/entity"},
            "type": {**service, "service_path": "/suggest/type"},
            "property": {**service, "service_path": "/suggest/property"},
        },
        "extend": {
            "propose_properties": {**service, "service_path": "/propose_properties"},
            "property_settings": [
                {
                    "type": "number",
                    "name": "limit",
                    "label": "Limit",
                    "default": 0,
                    "help_text": "Most values to fetch per entity (0: all)",
                }
            ],
        },
    }


def suggest_entities(
    index: EntityIndex, prefix: str, type_name: str | None, limit: int, cursor: int = 0
) -> dict[str, Any]:
    """Entities whose name (or a word of it) starts with `prefix`; `cursor` of them skipped."""
    try:
        types = resolve_types([type_name], index.base, index.types) if type_name else None
    except UnknownType as exc:
        raise BadReconcileRequest(str(exc)) from None
    allowed = index.members(types) if types else None
    wanted = cursor + limit
    found = [
        p for p in index.starting_with(prefix, wanted * 20) if allowed is None or p in allowed
    ][cursor:wanted]
    return {
        "result": [
            {
                "id": index.entities[p].iri,
                "name": index.entities[p].name,
                "description": index.entities[p].description,
                "notable": [type_json(t, index.base) for t in index.entities[p].types],
            }
            for p in found
        ]
    }


def suggest_types(index: EntityIndex, prefix: str, limit: int, cursor: int = 0) -> dict[str, Any]:
    wanted = prefix.strip().casefold()
    found = [
        t
        for t in index.types
        if any(
            n.startswith(wanted)
            for n in (t.key.casefold(), t.name_en.casefold(), t.name_id.casefold())
        )
    ]
    return {"result": [type_json(t, index.base) for t in found[cursor : cursor + limit]]}


def properties_of(index: EntityIndex, types: tuple[EntityType, ...] | None) -> list[dict[str, str]]:
    """The properties members of `types` have (all when None), plus `wikidata`."""
    keys = [t.key for t in types] if types else list(index.properties_of_type)
    iris = sorted(
        {p for k in keys for p in index.properties_of_type.get(k, ())} - HIDDEN_PROPERTIES
    )
    listed = [{"id": iri, "name": index.property_names.get(iri, iri)} for iri in iris]
    if any(str(OWL.sameAs) == iri for iri in iris):
        listed.append({"id": WIKIDATA, "name": "Wikidata item"})
    return listed


def suggest_properties(
    index: EntityIndex, prefix: str, limit: int, cursor: int = 0
) -> dict[str, Any]:
    wanted = prefix.strip().casefold()
    found = [
        p
        for p in properties_of(index, None)
        if p["name"].casefold().startswith(wanted)
        or any(w.startswith(wanted) for w in p["name"].casefold().split())
        or p["id"].casefold().rsplit("#", 1)[-1].startswith(wanted)
    ]
    return {"result": found[cursor : cursor + limit]}


def propose_properties(index: EntityIndex, type_name: str, limit: int) -> dict[str, Any]:
    try:
        types = resolve_types([type_name], index.base, index.types)
    except UnknownType as exc:
        raise BadReconcileRequest(str(exc)) from None
    return {
        "type": types[0].type_id(index.base),
        "limit": limit,
        "properties": properties_of(index, types)[:limit],
    }


@dataclass(frozen=True)
class ExtendRequest:
    ids: tuple[str, ...]
    properties: tuple[tuple[str, int], ...]  # (property id as given, value limit; 0: all)


def parse_extend(text: str) -> ExtendRequest:
    """An `extend` parameter; BadReconcileRequest if it breaks the data-extension schema."""
    raw = _json(text, "extend")
    if not isinstance(raw, dict) or "ids" not in raw or "properties" not in raw:
        raise BadReconcileRequest("extend must be a JSON object with ids and properties")
    ids, properties = raw["ids"], raw["properties"]
    if not isinstance(ids, list) or not isinstance(properties, list):
        raise BadReconcileRequest("extend: ids and properties must be arrays")
    if len(ids) > MAX_IDS or len(properties) > MAX_PROPERTIES:
        raise BadReconcileRequest(
            f"extend: at most {MAX_IDS} ids and {MAX_PROPERTIES} properties at once"
        )
    wanted = []
    for item in properties:
        if not isinstance(item, dict) or "id" not in item:
            raise BadReconcileRequest("extend: each property needs an id")
        settings = item.get("settings", {})
        if not isinstance(settings, dict):
            raise BadReconcileRequest("extend: settings must be an object")
        wanted.append((_text(item["id"], "extend: property id"), _limit(settings.get("limit", 0))))
    return ExtendRequest(tuple(_text(i, "extend: id") for i in ids), tuple(wanted))


def _limit(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        raise BadReconcileRequest(f"extend: limit {str(value)[:20]!r} is not a number") from None


def _value_json(
    index: EntityIndex, term: pyoxigraph.NamedNode | pyoxigraph.Literal
) -> dict[str, Any]:
    if isinstance(term, pyoxigraph.NamedNode):
        linked = index.entity(term.value)
        if linked is not None:
            return {"id": linked.iri, "name": linked.name}
        return {"str": term.value}
    datatype = term.datatype.value if term.datatype is not None else ""
    try:
        if datatype in INTEGER_TYPES:
            return {"int": int(term.value)}
        if datatype in NUMBER_TYPES:
            return {"float": float(term.value)}
    except ValueError:
        pass
    return {"str": term.value}


def _values(entity: Entity | None, pid: str) -> list[pyoxigraph.NamedNode | pyoxigraph.Literal]:
    if entity is None:
        return []
    if pid == WIKIDATA:
        same = entity.values.get(str(OWL.sameAs), [])
        return [
            pyoxigraph.Literal(t.value.removeprefix(str(WD)))
            for t in same
            if t.value.startswith(str(WD))
        ]
    return sorted(entity.values.get(pid, []), key=str)


def answer_extend(index: EntityIndex, text: str) -> dict[str, Any]:
    """A data extension response: each id's values of each asked property."""
    request = parse_extend(text)
    resolved = []
    for pid, limit in request.properties:
        try:
            iri = pid if pid == WIKIDATA else resolve_property(index, pid)
        except UnknownProperty as exc:
            raise BadReconcileRequest(str(exc)) from None
        resolved.append((pid, iri, limit))
    meta = []
    for pid, iri, _ in resolved:
        name = "Wikidata item" if iri == WIKIDATA else index.property_names.get(iri, iri)
        meta.append({"id": pid, "name": name})
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for entity_id in request.ids:
        entity = index.entity(entity_id)
        row = {}
        for pid, iri, limit in resolved:
            values = [_value_json(index, t) for t in _values(entity, iri)]
            row[pid] = values[:limit] if limit else values
        rows[entity_id] = row
    return {"meta": meta, "rows": rows}


def parse_limit(raw: str | None, default: int, maximum: int) -> int:
    """A `limit` URL parameter (suggest, propose): a whole number, capped."""
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:  # "²" is a digit int() refuses
        raise BadReconcileRequest(f"limit must be a whole number, not {raw[:20]!r}")
    return max(1, min(int(raw), maximum))


def parse_cursor(raw: str | None, maximum: int) -> int:
    """A suggest `cursor` URL parameter: how many results to skip, a whole number."""
    if raw is None or raw == "":
        return 0
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise BadReconcileRequest(f"cursor must be a whole number, not {raw[:20]!r}")
    return min(int(raw), maximum)


def flat(mapping: Mapping[str, Any]) -> str:
    """JSON text of a response, compact and ASCII-safe for JSONP."""
    return json.dumps(mapping, ensure_ascii=False, separators=(",", ":"))
