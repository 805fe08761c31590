"""Every kind of resource as one browsable index: the search and list data of a generation.

A kind is the path segment of its members' IRIs, `{base}id/{kind}/{key}` (see
`namespaces.KINDS`), so nothing here is tied to a class or a vocabulary: countries, HS
concepts, regencies or flows are read alike, with their names (`rdfs:label`,
`skos:prefLabel`), aliases (`skos:altLabel`) and codes (every `skos:notation`
sub-property) by the matching engine's `build_index`, plus the amounts a trade fact states.
Build once per generation; the result is immutable and shared by every request.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph

from kaltim_kg.link.index import EntityIndex, build_index
from kaltim_kg.link.text import name_key
from kaltim_kg.link.types import EntityType
from kaltim_kg.namespaces import KINDS, KKG, SCHEMA, normalise_base

# The reader's names of the kinds the contract and README name; any other kind a store
# holds is shown by its own key.
KIND_NAMES: dict[str, tuple[str, str]] = {
    "country": ("Countries", "Negara"),
    "world-region": ("World regions", "Kawasan dunia"),
    "region": ("Provinces", "Provinsi"),
    "regency": ("Regencies and cities", "Kabupaten/kota"),
    "hs": ("HS 2022 codes", "Kode HS 2022"),
    "commodity": ("Commodities", "Komoditas"),
    "flow": ("Export flows", "Arus ekspor"),
    "cohort": ("SME cohorts", "Kelompok UKM"),
    "source": ("Sources", "Sumber"),
    "agency": ("Agencies", "Instansi"),
    "organization": ("Organizations", "Organisasi"),
    "person": ("People", "Orang"),
    "statement": ("Statements", "Pernyataan"),
    "event": ("Events", "Acara"),
    "total": ("Trade totals", "Total perdagangan"),
    "product": ("Characteristic products", "Produk unggulan"),
    "business-count": ("Business counts", "Jumlah usaha"),
    "measure": ("Measures", "Ukuran"),
    "target": ("Targets", "Target"),
}
VALUE_IDR = str(KKG.valueIdr)
_SEGMENT = re.compile(r"^[a-z0-9][a-z0-9-]*$")
AMOUNTS_QUERY = f"""
SELECT DISTINCT ?e ?value ?currency WHERE {{
  ?e <{KKG.tradeValue}> ?amount . ?amount <{SCHEMA.value}> ?value .
  OPTIONAL {{ ?amount <{SCHEMA.currency}> ?currency }}
}}"""


@dataclass(frozen=True)
class KindType(EntityType):
    """The members of one kind: every IRI `{base}id/{kind}/{key}` with a type."""

    def pattern(self, base: str) -> str:
        prefix = f"{normalise_base(base)}id/{self.key}/"
        # The literal is the base IRI, checked absolute at configuration; no user text.
        return (
            f'?e a ?any_class . FILTER(STRSTARTS(STR(?e), "{prefix}") '
            f'&& !CONTAINS(SUBSTR(STR(?e), {len(prefix) + 1}), "#") '
            f'&& !CONTAINS(SUBSTR(STR(?e), {len(prefix) + 1}), "/"))'
        )


def kind_name(kind: str, lang: str) -> str:
    """The reader's name of a kind ("Countries", "Negara"), or its key."""
    names = KIND_NAMES.get(kind)
    if names is None:
        return kind
    return names[1] if lang == "id" else names[0]


def present_kinds(store: pyoxigraph.Store, base: str) -> set[str]:
    """The kinds `store` has typed members of (a vocabulary may bring a kind of its own)."""
    prefix = f"{normalise_base(base)}id/"
    query = f'SELECT DISTINCT ?e WHERE {{ ?e a ?c FILTER(STRSTARTS(STR(?e), "{prefix}")) }}'
    found: set[str] = set()
    for row in store.query(query, use_default_graph_as_union=True):
        kind, slash, _ = row["e"].value[len(prefix) :].partition("/")
        if slash and _SEGMENT.match(kind):
            found.add(kind)
    return found


def kind_types(kinds: Iterable[str] = KINDS) -> tuple[KindType, ...]:
    """One index type per kind, in a stable order."""
    return tuple(
        KindType(
            kind,
            *KIND_NAMES.get(kind, (kind, kind)),
            class_iri="",
            # HS concepts are named with their code first ("0306 Crustaceans").
            iri_prefix="id/hs/" if kind == "hs" else "",
        )
        for kind in sorted(set(kinds))
    )


@dataclass
class KindIndex:
    """One generation's members of every kind, with what the lists show of them."""

    index: EntityIndex
    kind_of: list[str]  # per entity position
    key_of: list[str]
    members: dict[str, list[int]]  # kind → positions, by IRI
    amounts: dict[int, list[tuple[str, Decimal]]] = field(default_factory=dict)  # (currency, v)
    # Every name key and each word-suffix of a short name, shortest first, for typo-tolerant
    # search.
    fuzzy_words: tuple[list[str], list[tuple[int, ...]]] = ([], [])

    def kinds(self) -> list[str]:
        """The kinds that have members, in the order of `KIND_NAMES`, then by key."""
        known = [k for k in KIND_NAMES if self.members.get(k)]
        return known + sorted(k for k in self.members if k not in KIND_NAMES)

    def idr(self, position: int) -> Decimal | None:
        """The rupiah amount a fact states (kkg:valueIdr, else an IDR kkg:tradeValue)."""
        for term in self.index.entities[position].values.get(VALUE_IDR, ()):
            number = _decimal(term.value)
            if number is not None:
                return number
        return next((v for c, v in self.amounts.get(position, ()) if c == "IDR"), None)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def build_kind_index(store: pyoxigraph.Store, base: str) -> KindIndex:
    """Read every member of every kind in `store` (all graphs)."""
    kinds = kind_types(KINDS | present_kinds(store, base))
    index = build_index(store, base, kinds, compare_values=False)
    base = normalise_base(base)
    kind_of: list[str] = []
    key_of: list[str] = []
    members: dict[str, list[int]] = defaultdict(list)
    for position, entity in enumerate(index.entities):
        kind, _, key = entity.iri[len(base) + len("id/") :].partition("/")
        kind_of.append(kind)
        key_of.append(key)
        members[kind].append(position)
    amounts: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for row in store.query(AMOUNTS_QUERY, use_default_graph_as_union=True):
        position = index.by_iri.get(row["e"].value)
        number = _decimal(row["value"].value)
        if position is None or number is None:
            continue
        currency = row["currency"].value if row["currency"] is not None else ""
        amounts[position].append((currency, number))
    return KindIndex(index, kind_of, key_of, dict(members), dict(amounts), _fuzzy_words(index))


def _fuzzy_words(index: EntityIndex) -> tuple[list[str], list[tuple[int, ...]]]:
    """The texts typos are forgiven in (names and their word suffixes, not codes)."""
    codes = {name_key(code) for entity in index.entities for _, code in entity.codes}
    grouped: dict[str, list[int]] = defaultdict(list)
    for text, position in index.prefixes:
        if (
            text not in codes
            and not text.isdigit()
            and (not grouped[text] or grouped[text][-1] != position)
        ):
            grouped[text].append(position)
    texts = sorted(grouped, key=lambda t: (len(t), t))  # by length: see search._fuzzy
    return texts, [tuple(sorted(set(grouped[t]))) for t in texts]
