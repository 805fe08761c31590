"""Which column of a table says what: recognised from common Indonesian and English
headers, or given by a mapping file (YAML) that `kaltim-kg import` prints and can save."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kaltim_kg.errors import KaltimKGError
from kaltim_kg.link.text import name_key

ROLES = (
    "year",
    "month",
    "quarter",
    "hs_code",
    "commodity",
    "destination",
    "province",
    "regency",
    "value",
    "currency",
    "net_weight",
)
# Header words (folded, as name_key gives them) → role; the first pattern that matches wins.
HEADER_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^(tahun|year|thn)\b", "year"),
    (r"^(bulan|month|bln)\b", "month"),
    (r"^(triwulan|kuartal|quarter|tw)\b", "quarter"),
    (r"\b(kode hs|hs code|kode barang|pos tarif|hs)\b", "hs_code"),
    (r"^(negara tujuan|negara mitra|negara|destination|country|tujuan|partner)", "destination"),
    (r"^(kabupaten kota|kab kota|kabupaten|kota|regency|city)", "regency"),
    (r"^(provinsi|province)", "province"),
    (r"^(mata uang|currency)$", "currency"),
    (r"^(nilai|value|fob|harga)", "value"),
    (r"^(berat|net weight|netto|weight|volume)", "net_weight"),
    (r"^(komoditas|commodity|uraian|jenis barang|barang|produk|product|description)", "commodity"),
)
CURRENCY_MARKS = (("US$", "USD"), ("USD", "USD"), ("RP", "IDR"), ("IDR", "IDR"), ("EUR", "EUR"))
WEIGHT_UNITS = {"kg": 1, "ton": 1000, "tonnes": 1000, "tonne": 1000}
# A header's scale word: "Nilai FOB (Ribu US$)" counts thousands of dollars.
SCALES = {
    "ribu": 1000,
    "ribuan": 1000,
    "rb": 1000,
    "000": 1000,
    "thousand": 1000,
    "thousands": 1000,
    "juta": 1_000_000,
    "jt": 1_000_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "miliar": 1_000_000_000,
    "milyar": 1_000_000_000,
    "billion": 1_000_000_000,
}


class MappingError(KaltimKGError):
    """A mapping file cannot be read or names a role or column that does not exist."""


@dataclass
class Column:
    role: str
    currency: str | None = None  # value columns: the currency the header states
    unit: str | None = None  # net weight columns: kg or ton
    scale: int | None = None  # value and weight columns: each cell counts this many (ribu)

    def as_yaml(self) -> Any:
        options = {
            k: v
            for k, v in (("currency", self.currency), ("unit", self.unit), ("scale", self.scale))
            if v
        }
        return {"role": self.role, **options} if options else self.role


@dataclass
class Mapping:
    """Column header → what it says, plus what the table says nowhere in its cells."""

    columns: dict[str, Column] = field(default_factory=dict)
    numbers: str = "id"  # "id": 1.234.567,89; "en": 1,234,567.89
    origin: str | None = None  # the province every row comes from, when no column says
    year: str | None = None
    currency: str | None = None
    title: str | None = None
    licence: str | None = None
    source: str | None = None

    def by_role(self, role: str) -> str | None:
        return next((h for h, c in self.columns.items() if c.role == role), None)

    def to_yaml(self) -> str:
        body = {
            "columns": {h: c.as_yaml() for h, c in self.columns.items()},
            "numbers": self.numbers,
            "origin": self.origin,
            "year": self.year,
            "currency": self.currency,
            "title": self.title,
            "licence": self.licence,
            "source": self.source,
        }
        return yaml.safe_dump(body, allow_unicode=True, sort_keys=False)


def _currency_in(header: str) -> str | None:
    upper = header.upper()
    for mark, code in CURRENCY_MARKS:
        if re.search(rf"(^|[^A-Z]){re.escape(mark)}([^A-Z]|$)", upper):
            return code
    return None


def _unit_in(header: str) -> str | None:
    words = name_key(header).split()
    return next((w if w == "kg" else "ton" for w in words if w in WEIGHT_UNITS), None)


def _scale_in(header: str) -> int | None:
    return next((SCALES[w] for w in name_key(header).split() if w in SCALES), None)


def _scale(given: Any, where: str) -> int | None:
    """A mapping's `scale:`: a whole number, or a scale word (ribu, juta, thousand ...)."""
    if given is None:
        return None
    if isinstance(given, str) and name_key(given) in SCALES:
        return SCALES[name_key(given)]
    if isinstance(given, int) and not isinstance(given, bool) and given > 0:
        return given
    raise MappingError(f"{where}: scale must be a whole number or ribu, juta, miliar")


def recognise(header: list[str]) -> Mapping:
    """Guess each column's role from its header; unrecognised columns are left out."""
    mapping = Mapping()
    for text in header:
        key = name_key(text)
        for pattern, role in HEADER_PATTERNS:
            repeatable = role == "value"  # FOB in US$ and in rupiah: one amount each
            if re.search(pattern, key) and (repeatable or mapping.by_role(role) is None):
                column = Column(role)
                if role == "value":
                    column.currency = _currency_in(text)
                if role == "net_weight":
                    column.unit = _unit_in(text) or "kg"
                if role in ("value", "net_weight"):
                    column.scale = _scale_in(text)
                mapping.columns[text] = column
                break
    return mapping


def load_mapping(path: Path, header: list[str]) -> Mapping:
    """A mapping file as `to_yaml` writes it, checked against the table's header."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.MarkedYAMLError as exc:
        line = f":{exc.problem_mark.line + 1}" if exc.problem_mark else ""
        raise MappingError(f"{path}{line}: cannot read the mapping: {exc.problem}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: cannot read the mapping: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("columns", {}), dict):
        raise MappingError(f"{path}: a mapping is an object with `columns:` header → role")
    mapping = Mapping()
    for name, given in (raw.get("columns") or {}).items():
        spec = given if isinstance(given, dict) else {"role": given}
        role = spec.get("role")
        if role not in ROLES:
            raise MappingError(
                f"{path}: column {name!r}: unknown role {role!r} ({', '.join(ROLES)})"
            )
        if str(name) not in header:
            raise MappingError(f"{path}: column {name!r} is not in the table's header")
        unit = spec.get("unit")
        if unit is not None and unit not in WEIGHT_UNITS:
            raise MappingError(f"{path}: column {name!r}: unit must be kg or ton")
        scale = _scale(spec.get("scale"), f"{path}: column {name!r}")
        mapping.columns[str(name)] = Column(role, spec.get("currency"), unit, scale)
    for key in ("numbers", "origin", "year", "currency", "title", "licence", "source"):
        if raw.get(key) is not None:
            setattr(mapping, key, str(raw[key]))
    if mapping.numbers not in ("id", "en"):
        raise MappingError(f"{path}: numbers must be id (1.234,5) or en (1,234.5)")
    return mapping
