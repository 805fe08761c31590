"""The matching index of one store generation: every reference entity's names and codes.

Built generically from the graph: members of each entity type (see `types.py`), their
`rdfs:label`/`skos:prefLabel` (names), `skos:altLabel`/`skos:hiddenLabel` (aliases) and
every `skos:notation` sub-property the ontology declares (codes). Nothing is hard-wired to a
vocabulary, so the index grows as reference graphs are added. Build it once per generation:
it is immutable and shared by every request.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph
from rdflib.namespace import RDFS, SKOS

from kaltim_kg.link.text import code_key, core_key, name_key
from kaltim_kg.link.types import ENTITY_TYPES, EntityType
from kaltim_kg.namespaces import PREFIXES

LABELS = frozenset({str(SKOS.prefLabel), str(RDFS.label)})
ALIASES = frozenset({str(SKOS.altLabel), str(SKOS.hiddenLabel)})
LABEL_SCORE = 100.0
ALIAS_SCORE = 98.0
NAME_LANGUAGES = ("id", "en", "")  # the name shown first: Indonesian, as officers write
MAX_VALUE = 100  # characters: longer literals (notes, descriptions) are not compared
SUGGEST_WORDS_UP_TO = 80  # characters: shorter names are found by the prefix of any word
NOTATIONS_QUERY = f"""
SELECT DISTINCT ?p WHERE {{ ?p <{RDFS.subPropertyOf}>+ <{SKOS.notation}> }}
"""


@dataclass
class Entity:
    """One reconcilable resource as the engine sees it."""

    iri: str
    types: list[EntityType]
    labels: list[tuple[str, str]] = field(default_factory=list)  # (text, language)
    aliases: list[tuple[str, str]] = field(default_factory=list)
    codes: list[tuple[str, str]] = field(default_factory=list)  # (notation property, code)
    values: dict[str, list[pyoxigraph.NamedNode | pyoxigraph.Literal]] = field(
        default_factory=lambda: defaultdict(list)
    )
    name: str = ""
    description: str = ""

    def label(self, language: str) -> str | None:
        """The entity's name in `language` ("" for a plain literal), preferred labels first."""
        return next((text for text, lang in self.labels if lang == language), None)


@dataclass
class EntityIndex:
    """Lookup tables over the entities of one generation; see `matcher.reconcile`."""

    base: str
    types: tuple[EntityType, ...]
    entities: list[Entity]
    by_iri: dict[str, int]
    names: dict[str, list[tuple[int, float]]]  # name key → (entity, score of that name)
    cores: dict[str, list[tuple[int, str | None]]]  # core key → (entity, its qualifier)
    spaceless: dict[str, list[int]]  # name or core key without spaces ("hongkong") → entities
    codes: dict[str, list[int]]  # code key → entities
    fuzzy: dict[str | None, tuple[list[str], list[int]]]  # type key (None: any) → keys, entities
    value_keys: list[dict[str, frozenset[str]]]  # per entity: property → comparable keys
    by_value: dict[tuple[str, str], list[int]]  # (property, key) → entities
    property_names: dict[str, str]  # property IRI → its English label
    properties_of_type: dict[str, list[str]]  # type key → properties its members have
    prefixes: list[tuple[str, int]]  # sorted (name key or its word suffix, entity)
    type_members: dict[str, frozenset[int]]  # type key → its entities
    _members: dict[tuple[str, ...], frozenset[int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entities)

    def entity(self, iri: str) -> Entity | None:
        position = self.by_iri.get(iri)
        return None if position is None else self.entities[position]

    def type_of(self, key_or_id: str) -> EntityType | None:
        wanted = key_or_id.casefold()
        return next((t for t in self.types if wanted in t.names(self.base)), None)

    def members(self, types: Sequence[EntityType] | None) -> range | frozenset[int]:
        """Positions of the entities of any of `types` (None: all)."""
        if types is None:
            return range(len(self.entities))
        keys = tuple(sorted(t.key for t in types))
        found = self._members.get(keys)
        if found is None:
            found = frozenset().union(*(self.type_members.get(k, frozenset()) for k in keys))
            self._members[keys] = found
        return found

    def starting_with(self, prefix: str, limit: int) -> list[int]:
        """Entities with a name (or a word of a short name) starting with `prefix`, in order."""
        key = name_key(prefix)
        found: list[int] = []
        if not key:
            return found
        start = bisect.bisect_left(self.prefixes, (key, -1))
        for text, position in self.prefixes[start:]:
            if not text.startswith(key) or len(found) >= limit:
                break
            if position not in found:
                found.append(position)
        return found


def _notation_properties(store: pyoxigraph.Store) -> set[str]:
    rows = store.query(NOTATIONS_QUERY, use_default_graph_as_union=True)
    return {str(SKOS.notation), *(row["p"].value for row in rows)}


def _collect(
    store: pyoxigraph.Store, base: str, types: Sequence[EntityType], notations: set[str]
) -> list[Entity]:
    entities: dict[str, Entity] = {}
    for entity_type in types:
        query = f"SELECT DISTINCT ?e ?p ?o WHERE {{ {entity_type.pattern(base)} ?e ?p ?o }}"
        for row in store.query(query, use_default_graph_as_union=True):
            subject, predicate, value = row["e"], row["p"].value, row["o"]
            if not isinstance(subject, pyoxigraph.NamedNode):
                continue
            entity = entities.get(subject.value)
            if entity is None:
                entity = entities[subject.value] = Entity(subject.value, [entity_type])
            elif entity_type not in entity.types:
                entity.types.append(entity_type)
                continue  # its triples were read with its first type
            if isinstance(value, pyoxigraph.Literal):
                language = value.language or ""
                if predicate in LABELS:
                    entity.labels.append((value.value, language))
                elif predicate in ALIASES:
                    entity.aliases.append((value.value, language))
                elif predicate in notations:
                    entity.codes.append((predicate, value.value))
            if isinstance(value, pyoxigraph.NamedNode | pyoxigraph.Literal):
                entity.values[predicate].append(value)
    ordered = sorted(entities.values(), key=lambda e: e.iri)
    for entity in ordered:
        # skos:prefLabel before rdfs:label is not kept by a SELECT: by language, then text, so
        # that every process names an entity with two labels in one language alike.
        entity.labels = sorted(set(entity.labels), key=lambda t: (_language_rank(t[1]), t[0]))
        entity.aliases = sorted(set(entity.aliases))
        entity.codes = sorted(set(entity.codes))
        _name(entity)
    return ordered


def _language_rank(language: str) -> int:
    return NAME_LANGUAGES.index(language) if language in NAME_LANGUAGES else len(NAME_LANGUAGES)


def _name(entity: Entity) -> None:
    """Pick the name and a short description that tells namesakes apart."""
    first = entity.labels[0][0] if entity.labels else entity.iri.rsplit("/", 1)[-1]
    hs = any(t.iri_prefix for t in entity.types)
    codes = [code for _, code in entity.codes]
    entity.name = f"{codes[0]} {first}" if hs and codes else first
    others = [text for text, _ in entity.labels if text != first]
    parts = [*others[:1], *([] if hs else sorted(set(codes))[:3])]
    parts.append(" / ".join(t.name_en for t in entity.types))
    entity.description = " · ".join(parts)


def _property_names(store: pyoxigraph.Store, properties: Iterable[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for iri in sorted(set(properties)):
        labels = {
            (q.object.language or ""): q.object.value
            for q in store.quads_for_pattern(
                pyoxigraph.NamedNode(iri), pyoxigraph.NamedNode(str(RDFS.label)), None, None
            )
            if isinstance(q.object, pyoxigraph.Literal)
        }
        names[iri] = (
            labels.get("en") or labels.get("") or next(iter(labels.values()), _compact(iri))
        )
    return names


def _compact(iri: str) -> str:
    """`skos:altLabel` for a property the store has no label for."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _type_members(
    entities: Sequence[Entity], types: Sequence[EntityType]
) -> dict[str, frozenset[int]]:
    """Type key → its entities' positions (one pass; comparing types field by field is slow)."""
    members: dict[str, set[int]] = {t.key: set() for t in types}
    for position, entity in enumerate(entities):
        for entity_type in entity.types:
            members.setdefault(entity_type.key, set()).add(position)
    return {key: frozenset(found) for key, found in members.items()}


def build_index(
    store: pyoxigraph.Store,
    base: str,
    types: Sequence[EntityType] = ENTITY_TYPES,
    compare_values: bool = True,
) -> EntityIndex:
    """Read every entity of `types` from `store` (all graphs) into lookup tables;
    `compare_values=False` leaves out what only reconciling by properties and by type uses
    (`value_keys`, `by_value`, `fuzzy` per type), for a lighter index (the site search's)."""
    entities = _collect(store, base, types, _notation_properties(store))
    by_iri = {e.iri: i for i, e in enumerate(entities)}
    names: dict[str, list[tuple[int, float]]] = defaultdict(list)
    cores: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    spaceless: dict[str, list[int]] = defaultdict(list)
    codes: dict[str, list[int]] = defaultdict(list)
    fuzzy_keys: dict[str | None, dict[tuple[str, int], None]] = defaultdict(dict)
    prefixes: set[tuple[str, int]] = set()
    entity_keys: list[set[str]] = []
    for position, entity in enumerate(entities):
        keys: set[str] = set()
        for texts, score in ((entity.labels, LABEL_SCORE), (entity.aliases, ALIAS_SCORE)):
            for text, _ in texts:
                key = name_key(text)
                if not key:
                    continue
                keys.add(key)
                if (position, score) not in names[key]:
                    names[key].append((position, score))
                core, qualifier = core_key(key)
                if core != key and (position, qualifier) not in cores[core]:
                    cores[core].append((position, qualifier))
                for joined in {key.replace(" ", ""), core.replace(" ", "")}:
                    if position not in spaceless[joined]:
                        spaceless[joined].append(position)
                for type_key in (None, *(t.key for t in entity.types)) if compare_values else ():
                    fuzzy_keys[type_key][(key, position)] = None
                    fuzzy_keys[type_key][(core, position)] = None
                prefixes.add((key, position))
                if len(key) <= SUGGEST_WORDS_UP_TO:
                    start = key.find(" ")
                    while start != -1:
                        prefixes.add((key[start + 1 :], position))
                        start = key.find(" ", start + 1)
        for _, code in entity.codes:
            key = code_key(code)
            if key and position not in codes[key]:
                codes[key].append(position)
            keys.add(key)
            prefixes.add((name_key(code), position))
        entity_keys.append(keys)
    value_keys: list[dict[str, frozenset[str]]] = []
    by_value: dict[tuple[str, str], list[int]] = defaultdict(list)
    properties_of_type: dict[str, set[str]] = defaultdict(set)
    for position, entity in enumerate(entities):
        comparable: dict[str, frozenset[str]] = {}
        for predicate, objects in entity.values.items():
            for entity_type in entity.types:
                properties_of_type[entity_type.key].add(predicate)
            if not compare_values:
                continue
            keys = set()
            for term in objects:
                if isinstance(term, pyoxigraph.NamedNode):
                    keys.add(term.value)
                    linked = by_iri.get(term.value)
                    if linked is not None:
                        keys |= entity_keys[linked]
                elif len(term.value) <= MAX_VALUE:
                    keys |= {name_key(term.value), code_key(term.value)}
            keys.discard("")
            comparable[predicate] = frozenset(keys)
            for key in keys:
                by_value[(predicate, key)].append(position)
        value_keys.append(comparable)
    fuzzy = {
        type_key: ([k for k, _ in pairs], [p for _, p in pairs])
        for type_key, pairs in fuzzy_keys.items()
    }
    every_property = {p for ps in properties_of_type.values() for p in ps}
    return EntityIndex(
        base=base,
        types=tuple(types),
        entities=entities,
        by_iri=by_iri,
        names=dict(names),
        cores=dict(cores),
        spaceless=dict(spaceless),
        codes=dict(codes),
        fuzzy=fuzzy,
        value_keys=value_keys,
        by_value=dict(by_value),
        property_names=_property_names(store, every_property),
        properties_of_type={k: sorted(v) for k, v in properties_of_type.items()},
        prefixes=sorted(prefixes),
        type_members=_type_members(entities, types),
    )
