"""Find amounts of money, counts and percentages in one sentence.

Every figure keeps the words it was stated with, its precision and any approximate
wording ("hampir", "tidak kurang dari", "sekitar") as a qualifier; vague figures
("hampir setengah triliun rupiah", "ribuan UKM") are found but flagged as not exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from kaltim_kg.ingest.numbers import DIGITS, FRACTIONS, Number, parse_digits, parse_words, scaled

# Currency words and symbols → ISO 4217. Prefix forms stand before the number ("Rp428,2",
# "US$ 941", "USD 2"), suffix forms after it ("2 juta USD", "setengah triliun rupiah").
CURRENCY_PREFIXES = {
    "rp": "IDR",
    "rp.": "IDR",
    "idr": "IDR",
    "us$": "USD",
    "us $": "USD",
    "usd": "USD",
    "$": "USD",
    "s$": "SGD",
    "sgd": "SGD",
    "rm": "MYR",
    "myr": "MYR",
    "€": "EUR",
    "eur": "EUR",
    "¥": "JPY",
    "jpy": "JPY",
    "cny": "CNY",
    "rmb": "CNY",
    "£": "GBP",
    "gbp": "GBP",
    "aud": "AUD",
    "a$": "AUD",
    "krw": "KRW",
    "twd": "TWD",
    "nt$": "TWD",
    "inr": "INR",
    "hkd": "HKD",
}
CURRENCY_SUFFIXES = {
    "rupiah": "IDR",
    "idr": "IDR",
    "usd": "USD",
    "dolar as": "USD",
    "dollar as": "USD",
    "dolar amerika serikat": "USD",
    "dolar amerika": "USD",
    "dollar amerika": "USD",
    "dolar singapura": "SGD",
    "ringgit": "MYR",
    "euro": "EUR",
    "yen": "JPY",
    "yuan": "CNY",
    "won": "KRW",
    "sgd": "SGD",
    "myr": "MYR",
    "eur": "EUR",
}

# Approximate wording before a figure → qualifier. Longest first, so "kurang lebih" wins
# over "lebih".
QUALIFIERS = {
    "tidak kurang dari": "at-least",
    "tak kurang dari": "at-least",
    "sekurang-kurangnya": "at-least",
    "paling sedikit": "at-least",
    "sedikitnya": "at-least",
    "setidaknya": "at-least",
    "minimal": "at-least",
    "lebih dari": "more-than",
    "lebih dari sekitar": "more-than",
    "di atas": "more-than",
    "kurang dari": "less-than",
    "di bawah": "less-than",
    "maksimal": "at-most",
    "paling banyak": "at-most",
    "hampir": "almost",
    "nyaris": "almost",
    "mendekati": "almost",
    "sekitar": "approximately",
    "kurang lebih": "approximately",
    "lebih kurang": "approximately",
    "kira-kira": "approximately",
    "kisaran": "approximately",
    "±": "approximately",
    "tepatnya": "exact",
    "setara": "equivalent",
    "setara dengan": "equivalent",
    "senilai": None,
}

_SCALE = r"(?:ribu|juta|miliar|milyar|triliun)\b|(?:rb|jt)\b\.?"
_SHORT_SCALE = r"(?:M|T)\b"  # "Rp 2 M", upper case only
_NUMBER_WORDS = (
    r"(?:(?:se(?:puluh|belas|ratus|ribu)|sebelas|satu|dua|tiga|empat|lima|enam|tujuh|delapan|"
    r"sembilan|nol)(?:\s+(?:belas|puluh|ratus|ribu))*"
    r"(?:\s+(?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan)(?:\s+(?:belas|puluh|ratus))?)*)"
)
_FRACTION_WORDS = r"(?:setengah|separuh|seperempat)"


def _alternation(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[arg-type]


_PREFIX = _alternation(CURRENCY_PREFIXES)
_SUFFIX = _alternation(CURRENCY_SUFFIXES)
_AMOUNT_PREFIXED = re.compile(
    rf"(?<![\w$])(?P<cur>{_PREFIX})\s?(?P<num>{DIGITS})(?:\s?(?P<scale>{_SCALE}|{_SHORT_SCALE}))?",
    re.IGNORECASE,
)
_AMOUNT_SUFFIXED = re.compile(
    rf"(?<![\w,.])(?P<num>{DIGITS}|{_NUMBER_WORDS}|{_FRACTION_WORDS})\s?(?P<scale>{_SCALE})?\s+"
    rf"(?P<cur>{_SUFFIX})\b",
    re.IGNORECASE,
)
_QUALIFIER = re.compile(rf"(?:{_alternation(QUALIFIERS)})\s*$", re.IGNORECASE)

# Nouns that are counted. A count is a number right before one of these (possibly after
# "sebanyak"), e.g. "15 UKM", "sembilan UKM", "307.343 unit", "35 pelaku ekspor".
COUNTED = (
    "ukm",
    "umkm",
    "ikm",
    "umk",
    "unit",
    "pelaku",
    "eksportir",
    "importir",
    "perusahaan",
    "usaha",
    "negara",
    "orang",
    "tenaga kerja",
    "kabupaten",
    "kota",
    "kabupaten/kota",
    "provinsi",
    "produk",
    "komoditas",
    "komoditi",
    "jenis",
    "buyer",
    "pembeli",
    "kontainer",
    "koperasi",
    "desa",
    "mitra",
    "peserta",
    "wirausaha",
    "industri",
    "merek",
    "sertifikat",
)
_COUNT = re.compile(
    rf"(?<![\w,.$])(?P<num>{DIGITS}|{_NUMBER_WORDS})(?:\s?(?P<scale>{_SCALE}))?\s+"
    rf"(?P<noun>{_alternation(COUNTED)})\b",
    re.IGNORECASE,
)
_VAGUE_COUNT = re.compile(
    rf"\b(?P<num>puluhan|ratusan|ribuan|jutaan|belasan)\s+(?P<noun>{_alternation(COUNTED)})\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(rf"(?<![\w,.])(?P<num>{DIGITS})\s?(?:persen\b|%)", re.IGNORECASE)


@dataclass(frozen=True)
class Amount:
    """A sum of money as stated: value in units of the currency (None when only vague)."""

    value: Decimal | None
    currency: str
    precision: Decimal | None
    qualifier: str | None
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Count:
    value: int | None
    noun: str
    qualifier: str | None
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Percentage:
    value: Decimal
    text: str
    start: int
    end: int


def _qualifier(sentence: str, start: int) -> str | None:
    match = _QUALIFIER.search(sentence[max(0, start - 40) : start])
    if not match:
        return None
    return QUALIFIERS.get(match.group().strip().casefold())


def _number(text: str) -> Number | None:
    """Digits, number words or a fraction word; None when it is none of them."""
    text = text.strip()
    if re.fullmatch(DIGITS, text):
        return parse_digits(text)
    folded = text.casefold()
    if folded in FRACTIONS:
        return Number(FRACTIONS[folded], Decimal("0.5"))
    try:
        return Number(Decimal(parse_words(text)), Decimal(1))
    except ValueError:
        return None


def find_amounts(sentence: str) -> list[Amount]:
    """Every amount of money in a sentence, left to right."""
    found: list[Amount] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_AMOUNT_PREFIXED, _AMOUNT_SUFFIXED):
        for match in pattern.finditer(sentence):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            number = _number(match.group("num"))
            if number is None:
                continue
            scale = match.group("scale")
            value: Decimal | None = None
            precision: Decimal | None = None
            worded = not re.match(r"\d", match.group("num").strip())
            qualifier = _qualifier(sentence, match.start())
            if scale and scale.strip(".").upper() in ("M", "T") and not scale[0].isupper():
                continue
            exact_number = scaled(number, scale.strip(".") if scale else None)
            if worded and match.group("num").strip().casefold() in FRACTIONS:
                # "setengah triliun": a round figure in words, a description, not a datum
                qualifier = qualifier or "approximately"
                value, precision = None, None
            else:
                value, precision = exact_number.value, exact_number.precision
            currency = (CURRENCY_PREFIXES if pattern is _AMOUNT_PREFIXED else CURRENCY_SUFFIXES)[
                re.sub(r"\s+", " ", match.group("cur").casefold())
            ]
            found.append(
                Amount(
                    value,
                    currency,
                    precision,
                    qualifier,
                    match.group().strip(),
                    match.start(),
                    match.end(),
                )
            )
            taken.append((match.start(), match.end()))
    return sorted(found, key=lambda a: a.start)


def find_counts(sentence: str, amounts: list[Amount] | None = None) -> list[Count]:
    """Counts of things ('15 UKM', 'sembilan UKM', '307.343 unit'), not inside an amount."""
    amounts = find_amounts(sentence) if amounts is None else amounts
    found: list[Count] = []
    for match in _COUNT.finditer(sentence):
        if any(a.start < match.end() and match.start() < a.end for a in amounts):
            continue
        number = _number(match.group("num"))
        if number is None:
            continue
        number = scaled(number, match.group("scale"))
        if not number.is_whole:
            continue
        found.append(
            Count(
                int(number.value),
                match.group("noun").casefold(),
                _qualifier(sentence, match.start()),
                match.group().strip(),
                match.start(),
                match.end(),
            )
        )
    for match in _VAGUE_COUNT.finditer(sentence):
        found.append(
            Count(
                None,
                match.group("noun").casefold(),
                "approximately",
                match.group(),
                match.start(),
                match.end(),
            )
        )
    return sorted(found, key=lambda c: c.start)


def find_percentages(sentence: str) -> list[Percentage]:
    """'80,75 persen' → 80.75; '12%' → 12."""
    return [
        Percentage(parse_digits(m.group("num")).value, m.group(), m.start(), m.end())
        for m in _PERCENT.finditer(sentence)
    ]
