"""Read statistics tables (CSV or XLSX) as rows of text, and their numbers and months.

CSV: any common delimiter (comma, semicolon, tab, pipe; sniffed below any title lines),
UTF-8 with or without a byte-order mark, Windows-1252 (what Excel writes on Indonesian
Windows), or UTF-16 with its byte-order mark (Excel's "Unicode text"). XLSX: the first
worksheet, through openpyxl, numbers as stored (a code typed as a number loses its leading
zeros in Excel itself: the column's meaning restores them, see `importer.py`).
Every row keeps its number in the file, so every problem can be told as `file:row: reason`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from kaltim_kg.errors import KaltimKGError
from kaltim_kg.link.text import name_key

DELIMITERS = ",;\t|"
MAX_TABLE_BYTES = 200 << 20  # a statistics table, not a database dump
SNIFF_BYTES = 64 << 10
HEADER_SEARCH = 20  # lines looked at for the header row


class TableError(KaltimKGError):
    """A table cannot be read at all (format, encoding, no header)."""


@dataclass(frozen=True)
class Table:
    path: Path
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, cells as text)
    # (row number, column) of cells a workbook stores as numbers: their text is the number
    # itself ("1.234" is one and a quarter), never Indonesian notation (one thousand ...).
    numeric: frozenset[tuple[int, int]] = frozenset()
    header_row: int = 1  # the header's line in the file (title lines may stand above it)

    def text_cells(self, column: int) -> list[str]:
        """A column's cells that are text (not numbers a workbook stores as such)."""
        return [
            cells[column] for n, cells in self.rows if (n, column) not in self.numeric and cells
        ]

    def number(self, row: int, column: int, text: str, style: str) -> Decimal:
        """The number in a cell: as the workbook stores it, or as `parse_number` reads text."""
        if (row, column) in self.numeric:
            return Decimal(text)
        return parse_number(text, style)

    @property
    def name(self) -> str:
        return self.path.name


def _decode(data: bytes, path: Path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16, tabs
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise TableError(f"{path}: a UTF-16 byte-order mark, but not UTF-16 text") from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(f"{path}: neither UTF-8 nor Windows-1252 text")  # pragma: no cover


def _read_csv(path: Path) -> Table:
    text = _decode(path.read_bytes(), path)
    # Sniff from the first line with a delimiter: a title line above the header (as BPS
    # tables have) would otherwise leave the sniffer undecided, and every row one column.
    lines = text[:SNIFF_BYTES].splitlines(keepends=True)
    first = next(
        (i for i, line in enumerate(lines[:HEADER_SEARCH]) if any(d in line for d in DELIMITERS)),
        0,
    )
    sample = "".join(lines[first:])
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, DELIMITERS)
    except csv.Error:
        dialect = csv.excel  # one column, or a sample the sniffer cannot decide: commas
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    lines: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            lines.append((reader.line_num, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise TableError(f"{path}:{reader.line_num}: {exc}") from None
    number, header, rows = _split_header(path, lines)
    return Table(path, header, rows, header_row=number)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):  # plain digits: no exponent ("1e-07"), as short as exact
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook  # only tables that are workbooks need it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise TableError(f"{path}: not a readable XLSX workbook: {exc}") from None
    numeric: set[tuple[int, int]] = set()
    try:
        sheet = workbook.worksheets[0]
        lines = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            lines.append((number, [_cell_text(v) for v in values]))
            numeric.update(
                (number, column)
                for column, value in enumerate(values)
                if isinstance(value, int | float) and not isinstance(value, bool)
            )
    finally:
        workbook.close()
    number, header, rows = _split_header(path, lines)
    return Table(path, header, rows, frozenset(numeric), number)


def _split_header(
    path: Path, lines: list[tuple[int, list[str]]]
) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """The header is the first line naming two known columns (BPS tables often have a
    title line or two above it), else the first non-empty line; empty lines are dropped."""
    from kaltim_kg.link.columns import recognise  # columns reads headers, not files

    filled = [(n, cells) for n, cells in lines if any(cells)]
    if not filled:
        raise TableError(f"{path}: no header row")
    at = next(
        (
            i
            for i, (_, cells) in enumerate(filled[:HEADER_SEARCH])
            if len(recognise(cells).columns) >= 2
        ),
        0,
    )
    (number, header), rows = filled[at], filled[at + 1 :]
    width = len(header)
    return number, header, [(n, (cells + [""] * width)[:width]) for n, cells in rows]


def read_table(path: Path) -> Table:
    """Read a .csv (or .tsv/.txt) or .xlsx table; TableError if it cannot be read."""
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise TableError(f"{path}: larger than {MAX_TABLE_BYTES >> 20} MB")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".tsv", ".txt"):
        return _read_csv(path)
    raise TableError(f"{path}: unknown table format {suffix!r} (use .csv or .xlsx)")


_ID_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+(,\d+)?$")
_EN_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+(\.\d+)?$")


def parse_number(text: str, style: str = "id") -> Decimal:
    """A number as Indonesian tables write it ("1.234.567,89") or, with style "en",
    English ones ("1,234,567.89"); ValueError with the reason otherwise."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if style == "id" and _ID_NUMBER.match(cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif style == "en" and _EN_NUMBER.match(cleaned):
        cleaned = cleaned.replace(",", "")
    elif re.fullmatch(r"-?\d+\.\d+(E[+-]?\d+)?", cleaned, re.IGNORECASE):
        pass  # a spreadsheet's own decimal number (XLSX cells), whatever the style
    else:
        raise ValueError(f"not a number: {text!r}")
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the patterns above admit only numbers
        raise ValueError(f"not a number: {text!r}") from None


def number_style(texts: Iterable[str]) -> str | None:
    """ "en" or "id" when every cell written in only one of the two ways is written in
    that one ("1,234.5" is English only, "1.234,5" and "12,5" Indonesian only; "1.500"
    could be either and says nothing); None when none says, or they disagree."""
    english = indonesian = 0
    for text in texts:
        cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
        as_id, as_en = bool(_ID_NUMBER.match(cleaned)), bool(_EN_NUMBER.match(cleaned))
        english += as_en and not as_id
        indonesian += as_id and not as_en
    if english and not indonesian:
        return "en"
    if indonesian and not english:
        return "id"
    return None


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "january", "jan"),
            ("februari", "pebruari", "february", "feb", "peb"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "agt", "ags", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nopember", "nov", "nop"),
            ("desember", "december", "des", "dec"),
        ],
        start=1,
    )
    for name in names
}


_ISO_DATE = re.compile(r"(?:19|20)\d\d-(\d\d)(?:-\d\d(?:T[\d:.]*)?)?")


def parse_month(text: str) -> int:
    """1 to 12 from a number, an Indonesian or English month name, or a date (an XLSX
    date cell, "2021-03-01"); ValueError otherwise."""
    dated = _ISO_DATE.fullmatch(text.strip())
    if dated and 1 <= int(dated[1]) <= 12:
        return int(dated[1])
    key = name_key(text)
    if key.isdigit() and 1 <= int(key) <= 12:
        return int(key)
    if key in MONTHS:
        return MONTHS[key]
    raise ValueError(f"not a month: {text!r}")


def parse_year(text: str) -> int:
    key = text.strip()
    if re.fullmatch(r"(19|20)\d\d", key):
        return int(key)
    raise ValueError(f"not a year: {text!r}")


def parse_quarter(text: str) -> int:
    key = name_key(text).replace("triwulan", "").replace("kuartal", "").replace("quarter", "")
    key = key.replace("tw", "").replace("q", "").strip()
    roman = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
    if key in roman:
        return roman[key]
    if key.isdigit() and 1 <= int(key) <= 4:
        return int(key)
    raise ValueError(f"not a quarter: {text!r}")
