"""Read Indonesian numbers: digits with a decimal comma and thousands dots, number words,
and scale words ("ribu", "juta", "miliar", "triliun"), keeping the precision stated.

No parsing library knows Indonesian number words (num2words only writes them, text2num
has no Indonesian), and the grammar is small and regular, so it is written out here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

UNITS = {
    "nol": 0,
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
}
SCALES = {
    "ribu": 3,
    "rb": 3,
    "juta": 6,
    "jt": 6,
    "miliar": 9,
    "milyar": 9,
    "m": 9,
    "triliun": 12,
    "t": 12,
}
FRACTIONS = {"setengah": Decimal("0.5"), "seperempat": Decimal("0.25"), "separuh": Decimal("0.5")}

# Digits: "307.343" (thousands), "428,2" (decimal comma), "1.234,5", "2.5" (a decimal point
# some outlets write; one or two digits after a single dot cannot be a thousands group).
DIGITS = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d{1,2}(?!\d)|\d+"
WORD_NUMBER = (
    r"(?:(?:se|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|"
    r"belas|puluh|ratus|ribu|nol)(?:\s+|(?=\b)))+"
)
_WORD_TOKEN = re.compile(
    r"sepuluh|sebelas|seratus|seribu|sejuta|se(?=puluh|ratus|ribu)|"
    r"nol|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|belas|puluh|ratus|ribu"
)


@dataclass(frozen=True)
class Number:
    """A number as written: its value and the place value of its last stated digit."""

    value: Decimal
    precision: Decimal  # 0.1 for "428,2", 100000000 for "428,2 miliar", 1 for "15"

    @property
    def is_whole(self) -> bool:
        return self.value == self.value.to_integral_value()


def parse_digits(text: str) -> Number:
    """'307.343' → 307343; '428,2' → 428.2 (precision 0.1); '2.5' → 2.5."""
    text = text.strip()
    if "," in text:
        whole, _, fraction = text.partition(",")
        whole = whole.replace(".", "")
    elif re.fullmatch(r"\d+\.\d{1,2}", text):
        whole, _, fraction = text.partition(".")
    else:
        whole, fraction = text.replace(".", ""), ""
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        raise ValueError(f"not a number: {text!r}")
    value = Decimal(f"{whole}.{fraction}") if fraction else Decimal(whole)
    return Number(value, Decimal(1).scaleb(-len(fraction)))


def parse_words(text: str) -> int:
    """Indonesian number words to an integer: 'sembilan' → 9, 'dua puluh lima' → 25,
    'seratus dua belas' → 112, 'tiga ribu' → 3000."""
    tokens = _WORD_TOKEN.findall(text.casefold())
    if not tokens or "".join(tokens) != re.sub(r"\s+", "", text.casefold()):
        raise ValueError(f"not Indonesian number words: {text!r}")
    total = 0  # completed thousands groups
    group = 0  # the current group below a thousand
    pending: int | None = None  # a unit word waiting for its multiplier
    for token in tokens:
        if token in UNITS:
            if pending is not None:
                raise ValueError(f"two number words in a row: {text!r}")
            pending = UNITS[token]
        elif token in ("se",):
            pending = 1
        elif token == "sepuluh":
            group += 10
        elif token == "sebelas":
            group += 11
        elif token == "seratus":
            group += 100
        elif token == "seribu":
            total += 1000
        elif token == "sejuta":
            total += 1_000_000
        elif token == "belas":
            group += 10 + (pending or 0)
            pending = None
        elif token == "puluh":
            group += 10 * (pending if pending is not None else 1)
            pending = None
        elif token == "ratus":
            group += 100 * (pending if pending is not None else 1)
            pending = None
        elif token == "ribu":
            total += (group + (pending or 0) or 1) * 1000
            group, pending = 0, None
    return total + group + (pending or 0)


def scale_exponent(word: str) -> int:
    """'miliar' → 9; case-insensitive; KeyError for a word that is not a scale."""
    return SCALES[word.casefold().rstrip(".")]


def scaled(number: Number, scale_word: str | None) -> Number:
    """Apply a scale word: 428,2 + 'miliar' → 428200000000, precision 100000000."""
    if not scale_word:
        return number
    exponent = scale_exponent(scale_word)
    value = number.value.scaleb(exponent)
    precision = number.precision.scaleb(exponent)
    return Number(_tidy(value), _tidy(precision))


def _tidy(value: Decimal) -> Decimal:
    """Drop a needless exponent or trailing zeros after the point: 428200000000.0 → 428200000000."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()
