"""Build the gazetteers extraction uses from the project's reference data.

Places are every country, world region, Indonesian province and regency the reference
knows, by their Indonesian and English names and aliases; commodities are the curated
lexicon, by Indonesian name and aliases. Read through `facts.reference`, so whatever the
reference tables hold (and the graph publishes as labels and altLabels) is what is found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from kaltim_kg.facts.reference import Reference
from kaltim_kg.ingest.gazetteer import Gazetteer, Name

# Kinds in the order a name shared by two entities is resolved: a country before a world
# region of the same name, a province before a regency ("Bali" the province, not a kota).
PLACE_KINDS = ("country", "world-region", "region", "regency")
_REGENCY_PREFIX = re.compile(r"^(?:Kabupaten|Kab\.|Kota|Kota Administrasi)\s+")


@dataclass(frozen=True)
class Lexicon:
    places: Gazetteer
    commodities: Gazetteer
    labels: dict[tuple[str, str], str]  # (kind, key) → Indonesian name, for the reviewer

    def is_place_word(self, word: str) -> bool:
        return word in self.places


def _strings(record: Any, *fields: str) -> Iterator[str]:
    for name in fields:
        value = getattr(record, name, None)
        if isinstance(value, str):
            if value.strip():
                yield value.strip()
        elif isinstance(value, Iterable):
            yield from (v.strip() for v in value if isinstance(v, str) and v.strip())


def place_names(reference: Reference) -> list[Name]:
    """Every name of every place in the reference, kinds in resolution order."""
    names: list[Name] = []
    tables = {
        "country": getattr(reference, "countries", {}),
        "world-region": getattr(reference, "world_regions", {}),
        "region": getattr(reference, "regions", {}),
        "regency": getattr(reference, "regencies", {}),
    }
    fields = ("name_id", "name_en", "aliases", "alt_id", "alt_en", "short_names")
    for kind in PLACE_KINDS:
        for code, record in tables[kind].items():
            for text in _strings(record, *fields):
                if text.isupper() and len(text) <= 3:
                    continue  # a code ("JP", "JPN"), not a name writers use
                names.append(Name(text, kind, str(code)))
                if kind == "regency":
                    bare = _REGENCY_PREFIX.sub("", text)
                    if bare != text:
                        names.append(Name(bare, kind, str(code)))
    return names


def commodity_names(reference: Reference) -> list[Name]:
    """The commodity lexicon: Indonesian names and aliases (lower-case match any case)."""
    names: list[Name] = []
    for key, record in reference.commodities.items():
        for text in _strings(record, "name_id", "aliases"):
            # acronyms (CPO, PFAD) must match in capitals; other words in any case
            names.append(Name(text if text.isupper() else text.lower(), "commodity", key))
    return names


def build_lexicon(reference: Reference) -> Lexicon:
    places = place_names(reference)
    goods = commodity_names(reference)
    labels: dict[tuple[str, str], str] = {}
    for name in [*places, *goods]:
        labels.setdefault((name.kind, name.key), name.text)
    return Lexicon(Gazetteer(places), Gazetteer(goods), labels)
