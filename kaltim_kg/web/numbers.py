"""Numbers and amounts as a reader of the page's language writes them; the RDF keeps exact values.

Indonesian groups thousands with a dot and writes decimals with a comma (307.343; 80,75;
Rp428,2 miliar); English the other way round (307,343; 80.75; IDR 428.2 billion). Digit
grouping and separators come from CLDR through babel.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal

LOCALES = {"id": "id_ID", "en": "en_US"}
SCALES = (  # the words releases use, largest first
    (Decimal(10**12), "triliun", "trillion"),
    (Decimal(10**9), "miliar", "billion"),
    (Decimal(10**6), "juta", "million"),
)
MAX_WORD_DECIMALS = 3  # 23,05 miliar stays 23,05; a longer fraction is rounded to one digit
NUMERIC_DATATYPES = frozenset(
    "http://www.w3.org/2001/XMLSchema#" + name
    for name in (
        "integer",
        "decimal",
        "nonNegativeInteger",
        "positiveInteger",
        "long",
        "int",
        "short",
        "unsignedLong",
        "unsignedInt",
        "double",
        "float",
    )
)


def format_number(value: int | Decimal | str, lang: str) -> str:
    """307343 → '307.343' (id) or '307,343' (en); 80.75 → '80,75' or '80.75'."""
    number = Decimal(value)
    # every stated digit, never rounded to the locale pattern's three decimals
    return format_decimal(number, locale=LOCALES[lang], decimal_quantization=False)


def currency_prefix(currency: str, lang: str) -> str:
    """'Rp' for rupiah in Indonesian text, else the ISO 4217 code and a space."""
    return "Rp" if currency == "IDR" and lang == "id" else f"{currency} "


def format_amount(value: Decimal, lang: str, currency: str = "IDR") -> str:
    """428200000000 → 'Rp428.200.000.000' (id) or 'IDR 428,200,000,000' (en)."""
    return currency_prefix(currency, lang) + format_number(value, lang)


def amount_in_words(value: Decimal, lang: str, currency: str = "IDR") -> str:
    """428200000000 → 'Rp428,2 miliar' (id) or 'IDR 428.2 billion' (en)."""
    for size, id_word, en_word in SCALES:
        if abs(value) >= size:
            quotient = value / size
            if quotient != round(quotient, MAX_WORD_DECIMALS):
                quotient = round(quotient, 1)
            word = id_word if lang == "id" else en_word
            return f"{currency_prefix(currency, lang)}{format_number(quotient, lang)} {word}"
    return format_amount(value, lang, currency)


def format_literal(lexical: str, datatype: str | None, lang: str) -> str | None:
    """A numeric literal as the reader writes numbers, or None when it is not a number."""
    if datatype not in NUMERIC_DATATYPES:
        return None
    try:
        number = Decimal(lexical)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return format_number(number, lang)
