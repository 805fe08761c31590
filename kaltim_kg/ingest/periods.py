"""Find dates and reporting periods in Indonesian text.

Dates: "Rabu (03/02/2021)", "Kamis (25/3/2021)", "24 Maret 2021", "2021-03-25".
Periods: "sepanjang tahun 2020", "pada 2020", "triwulan pertama 2021", "kuartal I/2021",
"Januari-Maret 2021" (any dash), "Januari hingga Maret", "semester I 2021", "bulan Maret 2021".
A period without a year takes the year of the sentence's context, which the caller passes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "pebruari": 2,
    "feb": 2,
    "maret": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "nopember": 11,
    "desember": 12,
    "des": 12,
}
WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu", "ahad")
ORDINALS = {
    "pertama": 1,
    "kesatu": 1,
    "i": 1,
    "1": 1,
    "kedua": 2,
    "ii": 2,
    "2": 2,
    "ketiga": 3,
    "iii": 3,
    "3": 3,
    "keempat": 4,
    "iv": 4,
    "4": 4,
}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(WEEKDAYS)
_ORDINAL = "|".join(sorted(ORDINALS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d{2}"

_NUMERIC_DATE = re.compile(
    rf"(?:(?P<weekday>{_WEEKDAY})\s*,?\s*)?\(?(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})/(?P<y>{_YEAR}|\d{{2}})\)?",
    re.IGNORECASE,
)
_WORDED_DATE = re.compile(
    rf"(?:(?P<weekday>{_WEEKDAY})\s*,?\s*\(?)?\b(?P<d>\d{{1,2}})\s+(?P<m>{_MONTH})\.?\s+(?P<y>{_YEAR})\b\)?",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(rf"\b(?P<y>{_YEAR})-(?P<m>\d{{2}})-(?P<d>\d{{2}})\b")
_BARE_WEEKDAY = re.compile(rf",\s*(?P<weekday>{_WEEKDAY})\b(?!\s*[,(]?\s*\(?\d)", re.IGNORECASE)

_QUARTER = re.compile(
    rf"\b(?:triwulan|kuartal|kwartal|caturwulan|tw|q)\s*-?\s*(?P<q>{_ORDINAL})\b"
    rf"(?:\s*(?:/|tahun|th\.?)?\s*(?P<y>{_YEAR}))?",
    re.IGNORECASE,
)
_SEMESTER = re.compile(
    rf"\b(?:semester)\s+(?P<s>pertama|kedua|i|ii|1|2)\b(?:\s*(?:/|tahun)?\s*(?P<y>{_YEAR}))?",
    re.IGNORECASE,
)
_MONTH_RANGE = re.compile(
    rf"\b(?P<m1>{_MONTH})\s*(?:[\u2013\u2014-]|s\.?d\.?|sampai(?: dengan)?|hingga)\s*(?P<m2>{_MONTH})\b"
    rf"(?:\s+(?:tahun\s+)?(?P<y>{_YEAR}))?",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(
    rf"\b(?:bulan\s+)?(?P<m>{_MONTH})\s+(?:tahun\s+)?(?P<y>{_YEAR})\b", re.IGNORECASE
)
# A year named relative to the article's ("tahun lalu" in a 2021 release is 2020); not
# when it is the base of a comparison ("naik 12 persen dibanding tahun lalu").
_RELATIVE_YEAR = re.compile(
    r"(?<!dibanding )(?<!dibandingkan )(?<!dari )(?<!daripada )(?<!ketimbang )(?<!sejak )"
    r"\b(?:pada\s+|sepanjang\s+|selama\s+)?tahun\s+(?P<which>lalu|kemarin|ini|depan)\b",
    re.IGNORECASE,
)
_RELATIVE_OFFSET = {"lalu": -1, "kemarin": -1, "ini": 0, "depan": 1}
_YEAR_PERIOD = re.compile(
    rf"\b(?P<cue>sepanjang|selama|pada|di|tahun|periode|hingga|sampai|akhir|awal|target)?"
    rf"(?:\s+(?:tahun|th\.?))?\s*(?P<y>{_YEAR})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMention:
    date: dt.date
    weekday: str | None
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Period:
    """A span of time a figure covers: a year, optionally narrowed to a quarter or months."""

    year: int | None
    quarter: int | None = None
    first_month: int | None = None
    last_month: int | None = None
    text: str = ""
    start: int = 0
    end: int = 0
    cue: str | None = None  # "target", "hingga" …: the word that says how the year is meant

    @property
    def month(self) -> int | None:
        """The month when the period is exactly one month."""
        if self.first_month is not None and self.first_month == self.last_month:
            return self.first_month
        return None


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def find_dates(sentence: str) -> list[DateMention]:
    """Calendar dates ("Rabu (03/02/2021)", "24 Maret 2021"); impossible dates are skipped."""
    found: list[DateMention] = []
    for pattern in (_NUMERIC_DATE, _WORDED_DATE, _ISO_DATE):
        for match in pattern.finditer(sentence):
            if any(d.start < match.end() and match.start() < d.end for d in found):
                continue
            month_text = match.group("m")
            month = int(month_text) if month_text.isdigit() else MONTHS[month_text.casefold()]
            try:
                date = dt.date(_year(match.group("y")), month, int(match.group("d")))
            except ValueError:
                continue
            weekday = match.groupdict().get("weekday")
            text = match.group().strip()
            if text.count("(") > text.count(")"):
                text = text.rstrip("(").strip()
            found.append(DateMention(date, weekday, text, match.start(), match.end()))
    return sorted(found, key=lambda d: d.start)


def find_bare_weekdays(sentence: str) -> list[str]:
    """Weekdays named without a date (", Sabtu."): a day the text does not pin down."""
    return [m.group("weekday") for m in _BARE_WEEKDAY.finditer(sentence)]


def find_periods(
    sentence: str, context_year: int | None = None, article_year: int | None = None
) -> list[Period]:
    """Reporting periods, most specific first where they overlap; a year-less quarter or
    month range takes `context_year`; "tahun lalu/ini/depan" counts from `article_year`
    (the year of publication), cue "relative"."""
    found: list[Period] = []
    dates = find_dates(sentence)

    def free(start: int, end: int) -> bool:
        spans = [(p.start, p.end) for p in found] + [(d.start, d.end) for d in dates]
        return not any(s < end and start < e for s, e in spans)

    for match in _QUARTER.finditer(sentence):
        year = _year(match.group("y")) if match.group("y") else context_year
        quarter = ORDINALS[match.group("q").casefold()]
        found.append(
            Period(
                year,
                quarter,
                3 * quarter - 2,
                3 * quarter,
                match.group().strip(),
                match.start(),
                match.end(),
            )
        )
    for match in _SEMESTER.finditer(sentence):
        if not free(match.start(), match.end()):
            continue
        half = 1 if match.group("s").casefold() in ("pertama", "i", "1") else 2
        year = _year(match.group("y")) if match.group("y") else context_year
        found.append(
            Period(year, None, 6 * half - 5, 6 * half, match.group(), match.start(), match.end())
        )
    for match in _MONTH_RANGE.finditer(sentence):
        if not free(match.start(), match.end()):
            continue
        first, last = MONTHS[match.group("m1").casefold()], MONTHS[match.group("m2").casefold()]
        if last < first:
            continue
        year = _year(match.group("y")) if match.group("y") else context_year
        quarter = (first + 2) // 3 if last - first == 2 and first % 3 == 1 else None
        found.append(Period(year, quarter, first, last, match.group(), match.start(), match.end()))
    for match in _MONTH_YEAR.finditer(sentence):
        if not free(match.start(), match.end()):
            continue
        month = MONTHS[match.group("m").casefold()]
        found.append(
            Period(
                _year(match.group("y")),
                None,
                month,
                month,
                match.group(),
                match.start(),
                match.end(),
            )
        )
    for match in _YEAR_PERIOD.finditer(sentence):
        start = match.start("y") if not match.group("cue") else match.start()
        if not free(match.start("y"), match.end()):
            continue
        cue = (match.group("cue") or "").casefold() or None
        found.append(
            Period(
                _year(match.group("y")),
                text=sentence[start : match.end()].strip(),
                start=start,
                end=match.end(),
                cue=cue,
            )
        )
    for match in _RELATIVE_YEAR.finditer(sentence) if article_year else ():
        if not free(match.start(), match.end()):
            continue
        year = article_year + _RELATIVE_OFFSET[match.group("which").casefold()]  # type: ignore[operator]
        found.append(
            Period(
                year,
                text=match.group().strip(),
                start=match.start(),
                end=match.end(),
                cue="relative",
            )
        )
    return sorted(found, key=lambda p: p.start)
