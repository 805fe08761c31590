"""Read the shipped reference tables (countries, regions, commodities) into records."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

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
class Commodity:
    key: str
    name_en: str
    name_id: str
    aliases: tuple[str, ...]
    hs_code: str
    hs_label: str
    hs_note: str
    related_wikidata: str
    agrovoc_broader: str
    source: str


@dataclass(frozen=True)
class Reference:
    countries: dict[str, Country]
    regions: dict[str, Region]
    commodities: dict[str, Commodity]

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
    commodities: dict[str, Commodity] = {}
    path = directory / "commodities.csv"
    fields = ["key", "name_en", "name_id", "aliases", "hs_code", "hs_label", "hs_note"]
    for line, row in _rows(path, [*fields, "related_wikidata", "agrovoc_broader", "source"]):
        if not row["hs_code"].isdigit() or len(row["hs_code"]) not in (2, 4, 6):
            raise FactsError(path, line, f"HS code must be 2, 4 or 6 digits: {row['hs_code']!r}")
        commodities[row["key"]] = Commodity(**{**row, "aliases": _aliases(row["aliases"])})
    return Reference(countries, regions, commodities)
