"""Figures as a source states them: periods, counts and amounts with their stated precision.

A press release writes "Rp428,2 miliar", "tidak kurang dari 18 UKM", "triwulan pertama
2021". The records keep what was stated: the value in units, the precision it was given to
(0,1 miliar), a qualifier (a lower bound is not an exact count), and the period's year,
quarter or month. Nothing here adds figures up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry

from kaltim_kg.facts.fields import FieldReader
from kaltim_kg.facts.yaml_lines import LineDict

SCALES: dict[str, int] = {
    "ribu": 10**3,
    "thousand": 10**3,
    "juta": 10**6,
    "million": 10**6,
    "miliar": 10**9,
    "milyar": 10**9,
    "billion": 10**9,
    "triliun": 10**12,
    "trillion": 10**12,
}
SCALE_WORDS = {10**3: ("ribu", "thousand"), 10**6: ("juta", "million")}
SCALE_WORDS |= {10**9: ("miliar", "billion"), 10**12: ("triliun", "trillion")}
QUALIFIERS = ("at-least", "at-most", "about")
UNITS = ("person", "business", "regency", "country", "percent")

# What a release writes before a number that is a bound or an estimate, not an exact figure.
_BOUND_WORDS = {
    "at-least": (
        "tidak kurang dari",
        "sekurang-kurangnya",
        "paling sedikit",
        "sedikitnya",
        "setidaknya",
        "minimal",
        "lebih dari",
    ),
    "at-most": ("tidak lebih dari", "paling banyak", "maksimal", "kurang dari"),
    "about": ("sekitar", "kurang lebih", "kira-kira"),
}
_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>\d+)|(?P<month>\d{1,2})))?$")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")


@dataclass(frozen=True, order=True)
class Period:
    """The span a figure covers: a year, or a quarter or month of it."""

    year: int
    quarter: int | None = None
    month: int | None = None

    @property
    def key(self) -> str:
        """`2020`, `2021-Q1` or `2021-03`: the period part of a resource key."""
        if self.quarter:
            return f"{self.year}-Q{self.quarter}"
        if self.month:
            return f"{self.year}-{self.month:02d}"
        return str(self.year)

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True)
class Quantity:
    """A number as stated: its value in units, the precision it was given to, any qualifier."""

    value: Decimal  # in units: "428,2 miliar" is 428200000000
    precision: Decimal  # the place of the last digit stated: 100000000 for "428,2 miliar"
    stated: str  # the number as written, Indonesian style: "428,2"
    scale: int = 1  # 10**9 for "miliar"
    qualifier: str | None = None  # at-least, at-most, about; None: as stated
    unit: str | None = None  # for counts and rates: person, business, percent, ...

    @property
    def exact_count(self) -> int | None:
        """The integer, when this is an unqualified whole count given to the unit."""
        whole = self.value == self.value.to_integral_value()
        if self.qualifier is None and self.precision == 1 and whole:
            return int(self.value)
        return None

    def words(self, lang: str) -> str:
        """'428,2 miliar' (id) or '428.2 billion' (en)."""
        number = self.stated if lang == "id" else _english(self.stated)
        word = SCALE_WORDS.get(self.scale)
        return f"{number} {word[0 if lang == 'id' else 1]}" if word else number


@dataclass(frozen=True)
class Amount:
    """Money as stated: a quantity in one ISO 4217 currency."""

    currency: str
    quantity: Quantity
    equivalent: bool = False  # "atau setara": the source's conversion of the amount before

    def words(self, lang: str) -> str:
        prefix = "Rp" if self.currency == "IDR" and lang == "id" else f"{self.currency} "
        return prefix + self.quantity.words(lang)


def _english(stated: str) -> str:
    """'428,2' → '428.2'; '307.343' → '307,343'."""
    return stated.replace(".", "\0").replace(",", ".").replace("\0", ",")


def plain(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 428200000000, 80.75."""
    text = format(value.normalize(), "f")
    return text


def parse_number(raw: Any) -> tuple[Decimal, int, str] | None:
    """A YAML number or Indonesian number text → (value, decimals stated, text as written).

    In text, a comma is the decimal mark and dots group thousands ("1.500,5"); a dot that
    does not group three digits is read as a decimal point ("1.5"), as YAML reads numbers.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Decimal(raw), 0, _grouped(str(raw))
    if isinstance(raw, float):
        text = repr(raw)
        if "e" in text or "inf" in text or "nan" in text:
            return None
        whole, _, fraction = text.partition(".")
        return Decimal(text), len(fraction), _grouped(whole) + ("," + fraction if fraction else "")
    if not isinstance(raw, str) or not _NUMBER.match(raw.strip()):
        return None
    text = raw.strip()
    if "," in text:
        whole, _, fraction = text.rpartition(",")
        if "," in whole or not re.fullmatch(r"\d{1,3}(\.\d{3})*|\d+", whole):
            return None
        digits = whole.replace(".", "")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        digits, fraction = text.replace(".", ""), ""
    elif text.count(".") <= 1:
        digits, _, fraction = text.partition(".")
    else:
        return None
    try:
        value = Decimal(f"{digits}.{fraction}" if fraction else digits)
    except InvalidOperation:
        return None
    return value, len(fraction), _grouped(digits) + ("," + fraction if fraction else "")


def _grouped(digits: str) -> str:
    """'307343' → '307.343' (Indonesian thousands grouping)."""
    return f"{int(digits):,}".replace(",", ".")


class FigureReading(FieldReader):
    """Reads periods, quantities and amounts."""

    def period(self, node: LineDict, what: str, required: bool = True) -> Period | None:
        """`period: 2020 | 2021-Q1 | 2021-03`, or the older `year: 2020`."""
        if "year" in node and "period" in node:
            self.error(node.line_of("period"), f"{what}: give either year or period, not both")
            return None
        if "year" in node:
            year = self.year(node, what)
            return Period(year) if year is not None else None
        if node.get("period") is None:
            if required:
                self.error(node.line, f"{what}: missing 'period' (a year, 2021-Q1 or 2021-03)")
            return None
        raw = node["period"]
        line = node.line_of("period")
        match = _PERIOD.match(str(raw).strip()) if isinstance(raw, (int, str)) else None
        if isinstance(raw, bool) or match is None:
            self.error(line, f"{what}: period must be a year, YYYY-Qn or YYYY-MM, got {raw!r}")
            return None
        year = int(match["year"])
        if not 1900 <= year <= 2100:
            self.error(line, f"{what}: period year must be between 1900 and 2100, got {year}")
            return None
        if match["quarter"] is not None:
            quarter = int(match["quarter"])
            if not 1 <= quarter <= 4:
                self.error(line, f"{what}: quarter must be 1 to 4, got {quarter}")
                return None
            return Period(year, quarter=quarter)
        if match["month"] is not None:
            month = int(match["month"])
            if not 1 <= month <= 12:
                self.error(line, f"{what}: month must be 1 to 12, got {month}")
                return None
            return Period(year, month=month)
        return Period(year)

    def quantity(
        self, node: LineDict, key: str, what: str, *, unit_needed: bool = False
    ) -> Quantity | None:
        """A count: `15`, or `{value: "1,5", scale: juta, qualifier: at-least, unit: person}`."""
        raw = node.get(key)
        line = node.line_of(key)
        if raw is None:
            return None
        if isinstance(raw, LineDict):
            allowed = ("value", "scale", "qualifier", "unit")
            if not self.fields(raw, f"{what}: {key}", ("value",), allowed[1:]):
                return None
            spec, line = raw, raw.line_of("value")
        else:
            spec = LineDict({"value": raw})
            spec.line, spec.key_lines = line, {"value": line}
        quantity = self._quantity(spec, line, f"{what}: {key}")
        if quantity is None:
            return None
        if unit_needed and quantity.unit is None:
            self.error(node.line_of(key), f"{what}: {key} needs a unit ({', '.join(UNITS)})")
            return None
        return quantity

    def _quantity(self, spec: LineDict, line: int, what: str) -> Quantity | None:
        parsed = parse_number(spec.get("value"))
        if parsed is None:
            self.error(
                line,
                f'{what}: value must be a number as stated (15, 428.2 or "428,2"), '
                f"got {spec.get('value')!r}",
            )
            return None
        value, decimals, stated = parsed
        scale_word = spec.get("scale")
        scale = 1
        if scale_word is not None:
            if str(scale_word).lower() not in SCALES:
                self.error(
                    spec.line_of("scale"),
                    f"{what}: unknown scale {scale_word!r} ({', '.join(sorted(SCALES))})",
                )
                return None
            scale = SCALES[str(scale_word).lower()]
        qualifier = spec.get("qualifier")
        if qualifier == "exact":
            qualifier = None
        if qualifier is not None and qualifier not in QUALIFIERS:
            self.error(
                spec.line_of("qualifier"),
                f"{what}: unknown qualifier {qualifier!r} ({', '.join(QUALIFIERS)} or exact)",
            )
            return None
        unit = spec.get("unit")
        if unit is not None and unit not in UNITS:
            self.error(spec.line_of("unit"), f"{what}: unknown unit {unit!r} ({', '.join(UNITS)})")
            return None
        precision = Decimal(scale).scaleb(-decimals)
        return Quantity(
            value=value * scale,
            precision=precision,
            stated=stated,
            scale=scale,
            qualifier=qualifier,
            unit=unit,
        )

    def amounts(self, node: LineDict, what: str) -> list[Amount] | None:
        """`amounts: [{currency: IDR, value: "428,2", scale: miliar}, ...]`, as stated."""
        raw = node.get("amounts")
        if raw is None:
            return []
        if not isinstance(raw, list) or not raw:
            self.error(node.line_of("amounts"), f"{what}: amounts must be a list of amounts")
            return None
        amounts: list[Amount] = []
        ok = True
        for item in raw:
            spec = self.mapping(item, node.line_of("amounts"), f"{what}: an amount")
            if spec is None:
                ok = False
                continue
            allowed = ("scale", "qualifier", "equivalent")
            if not self.fields(spec, f"{what}: amount", ("value",), ("currency", *allowed)):
                ok = False
                continue
            currency = spec.get("currency")
            if currency in (None, ""):
                self.error(
                    spec.line, f"{what}: amount without currency (an ISO 4217 code: IDR, USD)"
                )
                ok = False
                continue
            if pycountry.currencies.get(alpha_3=str(currency)) is None:
                self.error(spec.line_of("currency"), f"{what}: unknown currency {currency!r}")
                ok = False
                continue
            quantity = self._quantity(spec, spec.line_of("value"), f"{what}: amount")
            equivalent = spec.get("equivalent", False)
            if not isinstance(equivalent, bool):
                self.error(spec.line_of("equivalent"), f"{what}: equivalent must be true or false")
                ok = False
                continue
            if equivalent and not amounts:
                self.error(
                    spec.line_of("equivalent"),
                    f"{what}: an equivalent amount converts the amount before it; list that first",
                )
                ok = False
                continue
            if quantity is None:
                ok = False
                continue
            amounts.append(Amount(str(currency), quantity, equivalent))
        return amounts if ok else None

    def check_stated_as(
        self, quantity: Quantity | None, line: int, sentences: list[str], what: str
    ) -> None:
        """A number its evidence qualifies ("tidak kurang dari 18") must not be written as exact."""
        if quantity is None or quantity.qualifier is not None:
            return
        number = re.escape(quantity.stated)
        for qualifier, words in _BOUND_WORDS.items():
            phrase = "|".join(re.escape(w) for w in words)
            pattern = rf"(?i)\b({phrase})\s+(?:Rp\.?\s?|USD\s?|US\$\s?)?{number}(?![\d]|[.,]\d)"
            for sentence in sentences:
                found = re.search(pattern, sentence)
                if found:
                    self.error(
                        line,
                        f"{what}: the evidence says {found.group(0)!r}, but {quantity.stated} "
                        f"is written as exact: add qualifier: {qualifier}",
                    )
                    return
