"""The list of one kind's members: columns found in the data, filters, facets, sort, pages.

Columns are discovered, not declared: every property whose values are members of some kind
(a flow's commodity, destination, source; a regency's province; an HS code's broader code)
and the dated or counted literals (`kkg:period` as `year`, `quarter`, `month`, a source's
date, a cohort's member count). A column is also a filter (`?year=2020&destination=JP`, by
key, code or IRI) and a facet (its values with their counts among the rows the other
filters leave). A kind whose members have a `broader` member of the same kind is a tree:
without filters its list is the top level, `?broader=KEY` the members under KEY, and
`?broader=all` every member.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph
from rdflib.namespace import OWL, PROV, RDF, SKOS

from kaltim_kg.errors import KaltimKGError
from kaltim_kg.link.kinds import KindIndex
from kaltim_kg.link.search import MAX_QUERY, search
from kaltim_kg.link.text import code_key, name_key
from kaltim_kg.namespaces import KKG, SCHEMA

DEFAULT_SIZE = 50
MAX_SIZE = 500
FACET_VALUES = 50  # values shown per facet; the rest are counted in `more`
MAX_PARAMETER = 200  # characters of a filter value
TOP = "top"  # ?broader=top: the members without a broader one (the default of a tree)
ALL = "all"  # ?broader=all: every member, flat
# Literal properties worth a column (and a filter), by the name the column gets.
LITERAL_COLUMNS: dict[str, str] = {
    str(KKG.period): "year",
    str(KKG.quarter): "quarter",
    str(KKG.month): "month",
    str(SCHEMA.datePublished): "date",
    str(SCHEMA.startDate): "date",
    str(KKG.memberCount): "members",
}
# Link properties with a name readers use rather than the property's own.
LINK_NAMES: dict[str, str] = {
    str(PROV.wasDerivedFrom): "source",
    str(SKOS.broader): "broader",
    str(KKG.inCountry): "country",
}
NOT_COLUMNS = frozenset({str(RDF.type), str(OWL.sameAs)})
RESERVED = frozenset({"page", "size", "sort", "format", "lang", "q"})
RELEVANCE = "relevance"  # the sort of a list searched with ?q=: best match first


class BadListRequest(KaltimKGError):
    """A list was asked for with a parameter it cannot honour (a 400)."""


@dataclass(frozen=True)
class Column:
    name: str
    predicate: str
    link: bool  # values are members of some kind (else literals)


@dataclass(frozen=True)
class Cell:
    text: str
    iri: str | None = None
    key: str | None = None  # the member key of a linked value, or the literal itself


@dataclass
class Row:
    iri: str
    key: str
    label: str
    code: str
    cells: dict[str, list[Cell]]
    amounts: list[tuple[str, Decimal]]
    narrower: int | None = None


@dataclass(frozen=True)
class FacetValue:
    value: str  # what the filter parameter takes
    label: str
    count: int
    iri: str | None = None


@dataclass(frozen=True)
class Facet:
    name: str
    values: list[FacetValue]
    more: int  # values not shown


@dataclass
class Listing:
    kind: str
    columns: list[Column]
    rows: list[Row]
    total: int  # rows after the filters, over all pages
    members: int  # the kind's members, unfiltered
    page: int
    size: int
    pages: int
    sort: str
    filters: dict[str, str]
    facets: list[Facet]
    q: str  # the search within the list ("" for none)
    sorts: list[str]
    tree: bool
    trail: list[Cell] = field(default_factory=list)  # the broader members of ?broader=KEY


@dataclass
class _Kind:
    """What the lists of one kind need, computed once per index."""

    columns: list[Column]
    cells: list[dict[str, list[Cell]]]  # per member (in `members` order)
    match: list[dict[str, frozenset[str]]]  # per member: column → keys a filter may give
    tree: bool
    narrower: Counter[str]  # member key → members under it
    top: list[bool]  # per member: no broader member of its own kind
    values: list[Decimal | None]  # per member: its rupiah amount
    titles: list[str]  # per member: its name, or one made of what it links (a flow's)
    folded: list[str]  # per member: its title folded as names are compared (name_key)
    orders: dict[str, list[Any]] = field(default_factory=dict)  # sort → key per member


def label_of(kx: KindIndex, position: int, lang: str) -> str:
    """An entity's name in `lang`, else any name, else its key."""
    entity = kx.index.entities[position]
    return (
        entity.label(lang)
        or entity.label("")
        or (entity.labels[0][0] if entity.labels else "")
        or kx.key_of[position]
    )


def _local(predicate: str) -> str:
    local = predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in local).strip("-")


def _discover(kx: KindIndex, kind: str, lang: str) -> _Kind:
    positions = kx.members.get(kind, [])
    entities = kx.index.entities
    found: dict[str, bool] = {}
    linked_kinds: dict[str, set[str]] = {}
    for position in positions:
        for predicate, terms in entities[position].values.items():
            if predicate in NOT_COLUMNS:
                continue
            if predicate in LITERAL_COLUMNS:
                found.setdefault(predicate, False)
                continue
            targets = [kx.index.by_iri.get(t.value) for t in terms if _is_iri(t)]
            if any(t is not None for t in targets):
                found[predicate] = True
                linked_kinds.setdefault(predicate, set()).update(
                    kx.kind_of[t] for t in targets if t is not None
                )
    columns: list[Column] = []
    taken: set[str] = set(RESERVED) | {"label", "code", "value", "key", "iri", "narrower"}
    for predicate, link in sorted(found.items(), key=lambda item: _local(item[0])):
        name = (LINK_NAMES if link else LITERAL_COLUMNS).get(predicate) or _local(predicate)
        if name in taken:
            name = _local(predicate)
        if name in taken:
            continue
        taken.add(name)
        columns.append(Column(name, predicate, link))
    # "province" for the one column whose values are all provinces (a regency's, a flow's
    # origin), the word readers filter by.
    provincial = [c for c in columns if c.link and linked_kinds.get(c.predicate) == {"region"}]
    if len(provincial) == 1 and "province" not in taken:
        columns[columns.index(provincial[0])] = Column("province", provincial[0].predicate, True)
    cells: list[dict[str, list[Cell]]] = []
    match: list[dict[str, frozenset[str]]] = []
    narrower: Counter[str] = Counter()
    tree = False
    for position in positions:
        row_cells: dict[str, list[Cell]] = {}
        row_match: dict[str, frozenset[str]] = {}
        for column in columns:
            terms = entities[position].values.get(column.predicate, [])
            row_cells[column.name], row_match[column.name] = _cells(kx, column, terms, lang)
            if column.name == "broader":
                for cell in row_cells[column.name]:
                    target = kx.index.by_iri.get(cell.iri or "")
                    if target is not None and kx.kind_of[target] == kind:
                        tree = True
                        narrower[cell.key or ""] += 1
        cells.append(row_cells)
        match.append(row_match)
    top = [not any(c.key in narrower for c in row_cells.get("broader", ())) for row_cells in cells]
    values = [kx.idr(p) for p in positions]
    titles = [_title(kx, p, row_cells, lang) for p, row_cells in zip(positions, cells, strict=True)]
    folded = [name_key(title) for title in titles]
    return _Kind(columns, cells, match, tree, narrower, top, values, titles, folded)


def _title(kx: KindIndex, position: int, cells: dict[str, list[Cell]], lang: str) -> str:
    """The member's name; for a nameless fact (a flow) what it links: "Pepper → Japan, 2020"."""
    if kx.index.entities[position].labels:
        return label_of(kx, position, lang)
    what = [c.text for c in cells.get("commodity", [])[:1]]
    where = [c.text for c in (cells.get("destination") or cells.get("partner") or [])[:1]]
    when = [c.text for c in cells.get("year", [])[:1]]
    when += [f"Q{c.text}" for c in cells.get("quarter", [])[:1]]
    if not (what or where):
        return kx.key_of[position]
    return " → ".join(what + where) + (", " + " ".join(when) if when else "")


def _is_iri(term: Any) -> bool:
    return isinstance(term, pyoxigraph.NamedNode)


def _cells(
    kx: KindIndex, column: Column, terms: list[Any], lang: str
) -> tuple[list[Cell], frozenset[str]]:
    cells: list[Cell] = []
    keys: set[str] = set()
    for term in terms:
        if column.link:
            target = kx.index.by_iri.get(term.value) if _is_iri(term) else None
            if target is None:
                continue
            key = kx.key_of[target]
            cells.append(Cell(label_of(kx, target, lang), term.value, key))
            keys |= {term.value, key, code_key(key)}
            keys |= {code_key(code) for _, code in kx.index.entities[target].codes}
        elif not _is_iri(term):
            cells.append(Cell(term.value, None, term.value))
            keys.add(term.value)
    cells.sort(key=lambda c: c.text.casefold())
    keys.discard("")
    return cells, frozenset(keys)


class Lists:
    """The lists of one index; each kind's columns are found at its first list."""

    def __init__(self, kx: KindIndex) -> None:
        self.kx = kx
        self._kinds: dict[tuple[str, str], _Kind] = {}

    def _kind(self, kind: str, lang: str) -> _Kind:
        found = self._kinds.get((kind, lang))
        if found is None:  # a race computes it twice, alike
            found = self._kinds[(kind, lang)] = _discover(self.kx, kind, lang)
        return found

    def listing(self, kind: str, params: Mapping[str, str], lang: str) -> Listing:
        """One page of `kind`'s members as `params` ask (BadListRequest for a bad one)."""
        kx = self.kx
        data = self._kind(kind, lang)
        by_name = {c.name: c for c in data.columns}
        filters: dict[str, str] = {}
        for name, value in params.items():
            if name in RESERVED:
                continue
            if name not in by_name:
                known = ", ".join(by_name) or "none"
                raise BadListRequest(f"unknown filter {name[:50]!r}; this list filters by {known}")
            if not value or len(value) > MAX_PARAMETER:
                raise BadListRequest(
                    f"filter {name} needs a value of 1 to {MAX_PARAMETER} characters"
                )
            filters[name] = value
        text = params.get("q", "").strip()
        if len(text) > MAX_QUERY:
            raise BadListRequest(f"q is over {MAX_QUERY} characters")
        if data.tree and not filters and not text:
            filters["broader"] = TOP  # a search looks through every level
        positions = kx.members.get(kind, [])
        at = {position: i for i, position in enumerate(positions)}
        rank = {at[h.position]: n for n, h in enumerate(search(kx, text, [kind]).hits)}
        if text:
            # A nameless member (a flow) is found by the words of its title ("pepper japan").
            words = name_key(text).split()
            for i, title in enumerate(data.folded):
                if i not in rank and words and all(w in title for w in words):
                    rank[i] = len(rank)
        within = set(rank) if text else None
        wanted = [
            i
            for i in range(len(positions))
            if (within is None or i in within) and _passes(data, i, filters)
        ]
        has_value = any(v is not None for v in data.values)
        sorts = [
            *([RELEVANCE] if text else []),
            "label",
            "code",
            *by_name,
            *(["value"] if has_value else []),
        ]
        # Best match first in a search; else by year where there is one, a tree by code
        # (chapters, headings in order), else by name.
        default = "year" if "year" in by_name else "code" if data.tree else "label"
        sort = params.get("sort") or (RELEVANCE if text else default)
        descending = sort.startswith("-")
        if sort.removeprefix("-") not in sorts:
            raise BadListRequest(
                f"unknown sort {sort[:50]!r}; sort by {', '.join(sorts)} (a leading - reverses)"
            )
        if sort.removeprefix("-") == RELEVANCE:
            order: list[Any] = [rank.get(i) for i in range(len(positions))]
        else:
            order = self._order(kind, data, sort.removeprefix("-"), lang)
        present = [i for i in wanted if order[i] is not None]
        missing = [i for i in wanted if order[i] is None]
        present.sort(key=order.__getitem__, reverse=descending)
        ordered = present + missing
        size = _number(params, "size", DEFAULT_SIZE, 1, MAX_SIZE)
        pages = max(1, -(-len(ordered) // size))
        page = _number(params, "page", 1, 1, pages)
        rows = [self._row(kind, data, i, lang) for i in ordered[(page - 1) * size : page * size]]
        return Listing(
            kind=kind,
            columns=data.columns,
            rows=rows,
            total=len(ordered),
            members=len(positions),
            page=page,
            size=size,
            pages=pages,
            sort=sort,
            filters=filters,
            facets=self._facets(data, filters, within),
            q=text,
            sorts=sorts,
            tree=data.tree,
            trail=self._trail(kind, data, filters.get("broader"), lang),
        )

    def _order(self, kind: str, data: _Kind, sort: str, lang: str) -> list[Any]:
        """Each member's sort key (None: it has no such value), then its name; kept."""
        found = data.orders.get(sort)
        if found is not None:
            return found
        kx = self.kx
        positions = kx.members.get(kind, [])
        names = [name_key(title) for title in data.titles]
        if sort == "label":
            keys: list[Any] = names
        elif sort == "code":
            keys = [_first_code(kx, p) for p in positions]
        elif sort == "value":
            keys = data.values
        else:
            keys = [_cell_order(cells[sort]) for cells in data.cells]
        found = [None if k is None else (k, n) for k, n in zip(keys, names, strict=True)]
        data.orders[sort] = found
        return found

    def _row(self, kind: str, data: _Kind, i: int, lang: str) -> Row:
        kx = self.kx
        position = kx.members[kind][i]
        key = kx.key_of[position]
        return Row(
            iri=kx.index.entities[position].iri,
            key=key,
            label=data.titles[i],
            code=_first_code(kx, position) or "",
            cells=data.cells[i],
            amounts=kx.amounts.get(position, [])
            or [("IDR", v) for v in [data.values[i]] if v is not None],
            narrower=data.narrower.get(key, 0) if data.tree else None,
        )

    def _facets(self, data: _Kind, filters: dict[str, str], within: set[int] | None) -> list[Facet]:
        facets: list[Facet] = []
        for column in data.columns:
            if data.tree and column.name == "broader":
                continue  # the tree itself is the way down
            others = {k: v for k, v in filters.items() if k != column.name}
            counts: Counter[str] = Counter()
            shown: dict[str, Cell] = {}
            for i, cells in enumerate(data.cells):
                if (within is not None and i not in within) or not _passes(data, i, others):
                    continue
                for cell in cells[column.name]:
                    value = cell.key or cell.text
                    counts[value] += 1
                    shown.setdefault(value, cell)
            if not counts or (len(counts) > FACET_VALUES and max(counts.values()) == 1):
                continue  # nothing to narrow by, or one value per member (a name, a date)
            ranked = sorted(counts, key=lambda v: (-counts[v], shown[v].text.casefold()))
            values = [
                FacetValue(v, shown[v].text, counts[v], shown[v].iri) for v in ranked[:FACET_VALUES]
            ]
            facets.append(Facet(column.name, values, max(0, len(ranked) - FACET_VALUES)))
        return facets

    def _trail(self, kind: str, data: _Kind, broader: str | None, lang: str) -> list[Cell]:
        """The chain of broader members down to `broader` (a tree's breadcrumbs)."""
        if not data.tree or broader in (None, TOP, ALL):
            return []
        kx = self.kx
        by_key = {kx.key_of[p]: i for i, p in enumerate(kx.members.get(kind, []))}
        trail: list[Cell] = []
        at = by_key.get(broader or "")
        while at is not None and len(trail) < 20:
            position = kx.members[kind][at]
            trail.insert(
                0,
                Cell(
                    label_of(kx, position, lang),
                    kx.index.entities[position].iri,
                    kx.key_of[position],
                ),
            )
            up = [c.key for c in data.cells[at].get("broader", [])]
            at = by_key.get(up[0] or "") if up else None
        return trail


def _passes(data: _Kind, i: int, filters: Mapping[str, str]) -> bool:
    for name, value in filters.items():
        keys = data.match[i].get(name, frozenset())
        if name == "broader" and value == TOP:
            if not data.top[i]:
                return False
            continue
        if name == "broader" and value == ALL:
            continue
        if value not in keys and code_key(value) not in keys:
            return False
    return True


def _first_code(kx: KindIndex, position: int) -> str | None:
    codes = kx.index.entities[position].codes
    return codes[0][1] if codes else None


def _cell_order(cells: list[Cell]) -> Any:
    if not cells:
        return None
    text = cells[0].text
    try:
        return (0, Decimal(text), "")
    except InvalidOperation:
        return (1, Decimal(0), name_key(text))


def _number(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    given = params.get(name)
    if given is None or given == "":
        return default
    if not given.isascii() or not given.isdigit() or len(given) > 9:
        raise BadListRequest(f"{name} must be a whole number, got {given[:20]!r}")
    number = int(given)
    if not low <= number <= high:
        raise BadListRequest(f"{name} must be from {low} to {high}, got {number}")
    return number
