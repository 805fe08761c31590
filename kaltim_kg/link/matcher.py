"""Rank the entities of an index against a name or code: the one matching engine.

Evidence, strongest first, and the score (0 to 100) it gives:
- `code` (100): an exact code of the entity (ISO alpha-2/3/numeric, M49, BPS, HS digits, ...);
- `label` (100) / `alias` (98): an exact name after folding case, diacritics, punctuation
  and officers' abbreviations ("Kab." = "Kabupaten");
- `core` (95): the same name but for its administrative word ("Kutai Kartanegara" for
  "Kabupaten Kutai Kartanegara"), never across kinds ("Kota Bogor" is not "Kabupaten Bogor");
- `national-hs` (95): an 8- or 10-digit national tariff line (BTKI) whose 6 HS digits are a code;
- `zero-padded` (95): a code a spreadsheet stripped of its leading zeros ("306" for HS 0306,
  "4" for ISO numeric 004);
- `part` (95): one part of "Name (Alias)", "Name (CODE)" or "Nama/Name" names the entity
  exactly;
- `spaceless` (95): the same name but for its spaces ("Hongkong" for "Hong Kong");
- `contains` (60 to 89): a name is a run of words of the text ("udang" in "udang beku",
  "lada" in "lada putih"), scored by how much of the text it covers, never a match;
- `fuzzy` (up to 90): typo-tolerant similarity of the names (rapidfuzz), never a match.
A candidate is a `match` only when it is the one entity with the strongest evidence found
(after the query's properties, if any, ruled out the others).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kaltim_kg.errors import KaltimKGError
from kaltim_kg.link.index import Entity, EntityIndex
from kaltim_kg.link.text import MAX_TEXT, code_key, core_key, name_key
from kaltim_kg.link.types import EntityType
from kaltim_kg.namespaces import PREFIXES

EXACT = ("code", "label", "alias")
NEAR = ("core", "national-hs", "zero-padded", "part", "spaceless")
CORE_SCORE = 95.0
CONTAINS_WORDS = 12  # words of a text whose runs are looked up (n(n+1)/2 dict lookups)
CONTAINS_MIN = 3  # characters: shorter runs ("di", "of") name nothing worth offering
FUZZY_CUTOFF = 78.0  # rapidfuzz ratio below which a name is not offered at all
FUZZY_WEIGHT = 0.9  # a fuzzy score of 100 (folding aside) still ranks under every exact one
NAME_SHARE = 0.75  # with properties: the name's part of the score; the rest is properties
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
# "Tiongkok (RRT)", "Jepang (JP)": one bracketed part; no nesting, so one linear pass.
_BRACKETED = re.compile(r"(?P<outside>[^()]*)\((?P<inside>[^()]*)\)(?P<after>[^()]*)")


class UnknownProperty(KaltimKGError):
    """A query or extension names a property no entity of this service has."""


@dataclass(frozen=True)
class PropertyFilter:
    """A `properties` entry of a query: the property IRI and the values the row gives."""

    pid: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Query:
    text: str = ""
    types: tuple[EntityType, ...] | None = None
    limit: int = DEFAULT_LIMIT
    properties: tuple[PropertyFilter, ...] = ()
    type_strict: str = "any"  # any | should | all (one type per entity here: all = any)


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    score: float
    match: bool
    evidence: str
    properties_agreeing: int = 0


def resolve_property(index: EntityIndex, pid: str) -> str:
    """A property IRI from a full IRI, a prefixed name (kkg:province) or a local name."""
    wanted = pid.strip()
    prefix, colon, local = wanted.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        wanted = PREFIXES[prefix] + local
    if wanted in index.property_names:
        return wanted
    by_local = [
        iri for iri in index.property_names if iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] == pid
    ]
    if len(by_local) == 1:
        return by_local[0]
    raise UnknownProperty(f"unknown property {pid[:100]!r}")


def value_keys(value: str) -> frozenset[str]:
    """The keys a row's property value is compared in (an IRI is its own key)."""
    if "://" in value:
        return frozenset({value.strip()})
    key = name_key(value)
    keys = {key, core_key(key)[0], code_key(value)}
    keys.discard("")
    return frozenset(keys)


class _Hits:
    """The best evidence found so far for each entity, within the allowed ones."""

    def __init__(self, allowed: range | frozenset[int] | None) -> None:
        self.allowed = allowed
        self.best: dict[int, tuple[float, str]] = {}

    def offer(self, position: int, score: float, evidence: str) -> None:
        if self.allowed is not None and position not in self.allowed:
            return
        if score > self.best.get(position, (-1.0, ""))[0]:
            self.best[position] = (score, evidence)

    @property
    def top(self) -> float:
        return max((score for score, _ in self.best.values()), default=0.0)


def _by_name(index: EntityIndex, text: str, hits: _Hits, type_keys: Sequence[str | None]) -> None:
    code = code_key(text)
    for position in index.codes.get(code, ()):
        hits.offer(position, 100.0, "code")
    if code.isdigit() and len(code) in (8, 10):
        for position in index.codes.get(code[:6], ()):
            hits.offer(position, CORE_SCORE, "national-hs")
    if code.isdigit() and len(code) < 6:  # HS codes have an even length, ISO numeric three
        for padded in {code.zfill(len(code) + len(code) % 2), code.zfill(3)} - {code}:
            for position in index.codes.get(padded, ()):
                hits.offer(position, CORE_SCORE, "zero-padded")
    key = name_key(text)
    for position, score in index.names.get(key, ()):
        hits.offer(position, score, "label" if score == 100.0 else "alias")
    core, qualifier = core_key(key)
    for position, theirs in index.cores.get(core, ()):
        if qualifier is None or theirs is None or qualifier == theirs:
            hits.offer(position, CORE_SCORE, "core")
    if core != key:
        for position, _ in index.names.get(core, ()):
            hits.offer(position, CORE_SCORE, "core")
    for position in index.spaceless.get(key.replace(" ", ""), ()):
        hits.offer(position, CORE_SCORE, "spaceless")
    bracketed = _BRACKETED.fullmatch(text[:MAX_TEXT])
    parts: list[str] = []
    if bracketed:
        parts = [bracketed["outside"] + " " + bracketed["after"], bracketed["inside"]]
    elif 0 < text.count("/") <= 2:  # bilingual cells: "Jepang/Japan"
        parts = text[:MAX_TEXT].split("/")
    if parts:
        for part in parts:
            for position in index.codes.get(code_key(part), ()):
                hits.offer(position, CORE_SCORE, "part")
            for position, _ in index.names.get(name_key(part), ()):
                hits.offer(position, CORE_SCORE, "part")
    if hits.top >= CORE_SCORE or not key:
        return
    _by_words(index, key, hits)
    for type_key in type_keys:
        keys, positions = index.fuzzy.get(type_key, ([], []))
        for probe in {key, core}:
            found = process.extract(
                probe, keys, scorer=fuzz.ratio, processor=None, limit=20, score_cutoff=FUZZY_CUTOFF
            )
            for _, similarity, at in found:
                hits.offer(positions[at], round(similarity * FUZZY_WEIGHT, 1), "fuzzy")


def _by_words(index: EntityIndex, key: str, hits: _Hits) -> None:
    """Entities named by a run of the text's words: a candidate, scored by the share of
    the text the name covers (so "udang" ranks above nothing for "udang beku")."""
    words = key.split()[:CONTAINS_WORDS]
    for start in range(len(words)):
        for end in range(start + 1, len(words) + 1):
            if end - start == len(words):
                continue  # the whole text: already looked up as a name
            run = " ".join(words[start:end])
            if len(run) < CONTAINS_MIN:
                continue
            score = round(60 + 29 * len(run) / len(key), 1)
            for position, _ in index.names.get(run, ()):
                hits.offer(position, score, "contains")


def _by_properties(index: EntityIndex, filters: Sequence[PropertyFilter], hits: _Hits) -> None:
    for wanted in filters:
        for value in wanted.values:
            for key in value_keys(value):
                for position in index.by_value.get((wanted.pid, key), ()):
                    hits.offer(position, 0.0, "properties")


def _agreeing(index: EntityIndex, position: int, filters: Sequence[PropertyFilter]) -> int:
    theirs = index.value_keys[position]
    agreeing = 0
    for wanted in filters:
        have = theirs.get(wanted.pid, frozenset())
        if any(value_keys(v) & have for v in wanted.values):
            agreeing += 1
    return agreeing


def reconcile(index: EntityIndex, query: Query) -> list[Candidate]:
    """Candidates for `query`, best first, at most `query.limit`; see the module docstring."""
    typed = bool(query.types) and query.type_strict != "should"
    allowed = index.members(query.types) if typed else None
    hits = _Hits(allowed)
    text = query.text.strip()
    if text:
        type_keys = [t.key for t in query.types or ()] if typed else [None]
        _by_name(index, text, hits, type_keys)
    elif query.properties:
        _by_properties(index, query.properties, hits)
    filters = query.properties
    preferred = set(index.members(query.types)) if query.types and not typed else None
    scored: list[tuple[float, str, int, str, int]] = []
    for position, (name_score, evidence) in hits.best.items():
        agreeing = _agreeing(index, position, filters) if filters else 0
        if filters and text:
            score = NAME_SHARE * name_score + (100 - 100 * NAME_SHARE) * agreeing / len(filters)
        elif filters:
            score = 100.0 * agreeing / len(filters)
        else:
            score = name_score
        if preferred is not None and position not in preferred:
            score *= 0.9  # type_strict "should": other types rank lower, but stay
        entity = index.entities[position]
        scored.append((round(score, 1), entity.name, position, evidence, agreeing))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    matched = _the_match(scored, filters, bool(text))
    return [
        Candidate(index.entities[p], score, p == matched, evidence, agreeing)
        for score, _, p, evidence, agreeing in scored[: max(1, min(query.limit, MAX_LIMIT))]
    ]


def _the_match(
    scored: list[tuple[float, str, int, str, int]],
    filters: Sequence[PropertyFilter],
    by_name: bool,
) -> int | None:
    """The one candidate certain enough to be a match, or None."""
    if not by_name:
        complete = [s[2] for s in scored if filters and s[4] == len(filters)]
        return complete[0] if len(complete) == 1 else None
    for tier in (EXACT, NEAR):
        found = [s for s in scored if s[3] in tier]
        if not found:
            continue
        if filters:
            found = [s for s in found if s[4] == len(filters)]
        return found[0][2] if len(found) == 1 else None
    return None
