"""Rank the members of every kind against what a visitor typed: the site search.

Tiers, strongest first (an entity is ranked by the best tier it reaches):
0. `code`: an exact code (ISO alpha-2/3/numeric, M49, BPS, HS digits with or without dots);
1. `label`: an exact name, after folding case, diacritics and officers' abbreviations;
2. `alias`: an exact alternative name ("Tiongkok" / "China", "Kalsel");
3. `core`: the same name but for its administrative word ("Kutai Kartanegara");
4. `prefix`: a name, a word of a short name, or a code that starts with the text;
5. `fuzzy`: a name or one of its words within a few typos (rapidfuzz), so "Jepnag" finds
   Jepang and "Kartanegra" finds Kutai Kartanegara.
Within a tier, higher similarity and then the name in alphabetical order come first. The
lookup tables are the matching engine's (`link/index.py`), built once per generation.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kaltim_kg.link.index import ALIAS_SCORE, LABEL_SCORE
from kaltim_kg.link.kinds import KindIndex
from kaltim_kg.link.text import code_key, core_key, name_key

TIERS = ("code", "label", "alias", "core", "prefix", "fuzzy")
MAX_QUERY = 200  # characters a search may have
MAX_HITS = 1000  # candidates ranked per search; more are not useful to page through
FUZZY_FROM = 3  # characters: shorter text is only looked up exactly and by prefix
FUZZY_CUTOFF = 80.0  # rapidfuzz ratio below which a name is no candidate
FUZZY_BESIDE_EXACT = 90.0  # the cutoff when the text is an exact name or code already
FUZZY_LIMIT = 60


@dataclass(frozen=True)
class Hit:
    position: int  # of the entity in the index
    tier: str
    score: float  # 0 to 100 within the tier


@dataclass(frozen=True)
class Found:
    """One search: the hits of the asked kinds, best first, and the hits of every kind."""

    hits: list[Hit]
    by_kind: dict[str, int]  # kind → how many hits it has, whatever kind was asked


def _offer(best: dict[int, tuple[int, float]], position: int, tier: str, score: float) -> None:
    rank = TIERS.index(tier)
    held = best.get(position)
    if held is None or (rank, -score) < (held[0], -held[1]):
        best[position] = (rank, score)


def _exact(kx: KindIndex, text: str, best: dict[int, tuple[int, float]]) -> None:
    index = kx.index
    code = code_key(text)
    for position in index.codes.get(code, ()) if code else ():
        _offer(best, position, "code", 100.0)
    key = name_key(text)
    for position, score in index.names.get(key, ()):
        _offer(best, position, "label" if score >= LABEL_SCORE else "alias", score)
    core, qualifier = core_key(key)
    for position, theirs in index.cores.get(core, ()):
        if qualifier is None or theirs is None or qualifier == theirs:
            _offer(best, position, "core", ALIAS_SCORE)
    if core != key:
        for position, _ in index.names.get(core, ()):
            _offer(best, position, "core", ALIAS_SCORE)


def _prefix(kx: KindIndex, text: str, best: dict[int, tuple[int, float]]) -> None:
    key = name_key(text)
    entities = kx.index.entities
    for position in kx.index.starting_with(key, MAX_HITS):
        # A whole name starting so ranks before a name with a later word starting so.
        names = (*entities[position].labels, *entities[position].aliases)
        whole = any(name_key(name).startswith(key) for name, _ in names)
        _offer(best, position, "prefix", 100.0 if whole else 95.0)
    code = code_key(text)
    if code and code.isdigit() and name_key(code) != key:  # "0306.1" → codes from 03061
        for position in kx.index.starting_with(code, MAX_HITS):
            _offer(best, position, "prefix", 99.0)


def _fuzzy(kx: KindIndex, text: str, best: dict[int, tuple[int, float]], exact: bool) -> None:
    key = name_key(text)
    if len(key) < FUZZY_FROM:
        return
    texts, positions = kx.fuzzy_words
    # Beside an exact hit only near-misses are offered ("udang" is not "Sudan").
    cutoff = FUZZY_BESIDE_EXACT if exact else FUZZY_CUTOFF
    # ratio = 2·matches / (len a + len b) ≥ cutoff bounds the other text's length, and the
    # texts are sorted by length: compare only that window.
    stretch = 200.0 / cutoff - 1
    low = bisect.bisect_left(texts, int(len(key) / stretch), key=len)
    high = bisect.bisect_right(texts, int(len(key) * stretch) + 1, key=len)
    found = process.extract(
        key,
        texts[low:high],
        scorer=fuzz.ratio,
        processor=None,
        limit=FUZZY_LIMIT,
        score_cutoff=cutoff,
    )
    for _, similarity, at in found:
        for position in positions[low + at]:
            _offer(best, position, "fuzzy", round(similarity, 1))


def search(kx: KindIndex, text: str, kinds: Collection[str] | None = None) -> Found:
    """Every entity matching `text` (cut to MAX_QUERY), ranked; `kinds` narrows the hits
    (the per-kind counts are of every kind, for facets)."""
    text = text.strip()[:MAX_QUERY]
    best: dict[int, tuple[int, float]] = {}
    if text:
        _exact(kx, text, best)
        exact = bool(best)
        _prefix(kx, text, best)
        _fuzzy(kx, text, best, exact)
    entities = kx.index.entities
    ranked = sorted(
        best.items(), key=lambda item: (item[1][0], -item[1][1], entities[item[0]].name, item[0])
    )[:MAX_HITS]
    by_kind = Counter(kx.kind_of[position] for position, _ in ranked)
    hits = [
        Hit(position, TIERS[rank], score)
        for position, (rank, score) in ranked
        if kinds is None or kx.kind_of[position] in kinds
    ]
    return Found(hits, dict(by_kind))
