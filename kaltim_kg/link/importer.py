"""A statistics table → export-flow facts, every name and code reconciled by the engine.

Each row becomes one `kkg:ExportFlow` (CONTRACT §5) with its commodity, destination,
origin, period (year, and month or quarter when the table says), one `kkg:tradeValue` per
value column and `kkg:netWeightKg`; it cites the table (`prov:wasDerivedFrom`, a
`schema:Dataset` with its own licence and source) and its row (`dcterms:source
<table#row=N>`, RFC 7111), and keeps the row's cells as its evidence. Problems (a name no
entity or several entities answer to, a bad number, a missing cell) are collected for every
row as `file:row: reason`; nothing is built from a table that has any unless the caller
accepts publishing the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kaltim_kg.link.columns import WEIGHT_UNITS, Mapping
from kaltim_kg.link.cube import add_observation, add_structure, check_cube, ref_period
from kaltim_kg.link.index import Entity, EntityIndex
from kaltim_kg.link.matcher import PropertyFilter, Query, reconcile, resolve_property
from kaltim_kg.link.tables import Table, parse_month, parse_quarter, parse_year
from kaltim_kg.link.text import code_key, name_key
from kaltim_kg.link.types import resolve_types
from kaltim_kg.namespaces import KKG, SCHEMA, mint_iri, slugify

DESTINATION_TYPES = ("Country", "WorldRegion", "Province")
# A cell that makes its row a table's total (BPS tables end with "JUMLAH / TOTAL"): the sum
# of other rows, not a flow of its own, so it is skipped (and said), never published.
TOTAL_WORDS = frozenset(
    {"jumlah", "total", "jumlah total", "grand total", "total keseluruhan", "jumlah seluruhnya"}
)
CURRENCY_ALIASES = {"US$": "USD", "$": "USD", "RP": "IDR", "RP.": "IDR"}


@dataclass
class ImportPlan:
    """The facts of one table and every problem found on the way."""

    table: Table
    graph: Graph
    flows: int = 0
    problems: list[str] = field(default_factory=list)
    skipped_rows: int = 0
    total_rows: list[str] = field(default_factory=list)  # `file:row: ...` of skipped totals
    # Problems of the table as a whole (no licence, a column missing, a broken data cube):
    # they are in `problems` too, and no option publishes a table that has any.
    blocking: list[str] = field(default_factory=list)


class _Row:
    """One row's cells by role, and the problems found in it."""

    def __init__(self, table: Table, number: int, cells: list[str], mapping: Mapping) -> None:
        self.where = f"{table.name}:{number}"
        self.number = number
        self.by_header = dict(zip(table.header, cells, strict=True))
        self.cells: dict[str, str] = {}
        for header, column in mapping.columns.items():
            self.cells.setdefault(column.role, self.by_header.get(header, ""))
        self.text = "; ".join(f"{h}: {v}" for h, v in self.by_header.items() if v)
        self.problems: list[str] = []
        self.regency: Entity | None = None  # the regency of origin, when a column names it

    def get(self, role: str) -> str:
        return self.cells.get(role, "").strip()

    def problem(self, reason: str) -> None:
        self.problems.append(f"{self.where}: {reason}")


def _one(
    index: EntityIndex, row: _Row, what: str, text: str, types: tuple[str, ...], **options
) -> Entity | None:
    """The one entity `text` names, or None with a problem saying why not."""
    found = reconcile(index, Query(text, resolve_types(types, index.base), limit=3, **options))
    matched = [c.entity for c in found if c.match]
    if matched:
        return matched[0]
    if not found:
        row.problem(f"{what} {text!r}: no {' or '.join(types).lower()} of that name or code")
    else:
        named = ", ".join(f"{c.entity.name} <{c.entity.iri}>" for c in found)
        row.problem(f"{what} {text!r} is not certain: could be {named}")
    return None


def _hs_digits(text: str) -> str:
    """HS digits from a cell; an odd count lost its leading zero in a spreadsheet."""
    digits = code_key(text)
    return "0" + digits if digits.isdigit() and len(digits) % 2 else digits


def _hs_codes(entity: Entity) -> list[str]:
    return sorted({code_key(c) for _, c in entity.codes if code_key(c).isdigit()})


def _hs_agrees(entity: Entity, digits: str) -> bool:
    """Whether one of the entity's HS codes is the row's, or a broader or narrower one."""
    return any(c.startswith(digits) or digits.startswith(c) for c in _hs_codes(entity))


def _currency(text: str) -> str:
    code = CURRENCY_ALIASES.get(text.strip().upper(), text.strip().upper())
    if len(code) != 3 or not code.isalpha():
        raise ValueError(f"not an ISO 4217 currency code: {text!r}")
    return code


class _Builder:
    def __init__(self, table: Table, mapping: Mapping, index: EntityIndex, graph: URIRef) -> None:
        self.table, self.mapping, self.index = table, mapping, index
        self.base = index.base
        self.graph = Graph()
        self.table_iri = URIRef(f"{self.base}id/table/{slugify(table.path.stem)}")
        self.keys: dict[str, int] = {}
        self.minted: set[str] = set()
        self.origin: Entity | None = None

    def describe_table(self) -> None:
        g, node, m = self.graph, self.table_iri, self.mapping
        for cls in (SCHEMA.Dataset, DCAT.Dataset, PROV.Entity):
            g.add((node, RDF.type, cls))
        title = m.title or self.table.path.stem
        g.add((node, RDFS.label, Literal(title, lang="id")))
        g.add((node, RDFS.label, Literal(title, lang="en")))
        g.add((node, DCTERMS.title, Literal(title)))
        if m.licence:
            licence = URIRef(m.licence) if "://" in m.licence else Literal(m.licence)
            g.add((node, DCTERMS.license, licence))
        if m.source:
            source = URIRef(m.source) if m.source.startswith("http") else Literal(m.source)
            g.add((node, DCTERMS.source, source))
        g.add((node, SCHEMA.name, Literal(self.table.name)))

    def commodity(self, row: _Row) -> URIRef | None:
        """The row's commodity from its name and HS code: each checks the other, and the
        code decides among the name's candidates ("Udang beku" with 0306 is shrimp)."""
        name, hs = row.get("commodity"), row.get("hs_code")
        digits = _hs_digits(hs) if hs else ""
        if name and digits:
            commodities = resolve_types(["Commodity"], self.base)
            found = reconcile(self.index, Query(name, commodities, limit=5))
            certain = [c.entity for c in found if c.match]
            agreeing = [c.entity for c in found if _hs_agrees(c.entity, digits)]
            if certain and certain[0] not in agreeing and _hs_codes(certain[0]):
                codes = ", ".join(_hs_codes(certain[0]))
                row.problem(f"commodity {name!r} is HS {codes}, but the row's HS code is {digits}")
                return None
            if certain:
                return URIRef(certain[0].iri)
            if len(agreeing) == 1:
                return URIRef(agreeing[0].iri)
            # the name settles nothing: the HS code alone says what the goods are
        elif name:
            entity = _one(self.index, row, "commodity", name, ("Commodity",))
            return URIRef(entity.iri) if entity else None
        if not digits:
            row.problem("no commodity: neither a commodity name nor an HS code")
            return None
        found = reconcile(
            self.index, Query(digits, resolve_types(["Commodity"], self.base), limit=3)
        )
        certain = [c.entity for c in found if c.match]
        if certain:
            return URIRef(certain[0].iri)
        concept = _one(self.index, row, "HS code", digits, ("HS",))
        return self._hs_commodity(concept) if concept else None

    def _hs_commodity(self, concept: Entity) -> URIRef:
        """A commodity that is exactly an HS concept, for codes the lexicon has no name for."""
        code = next((c for _, c in concept.codes if c.isdigit()), "")
        node = mint_iri("commodity", f"hs-{code}", self.base)
        if str(node) not in self.minted:
            self.minted.add(str(node))
            g = self.graph
            g.add((node, RDF.type, KKG.Commodity))
            en = concept.label("en") or concept.name
            for text, lang in ((concept.label("id") or f"Kode HS {code}", "id"), (en, "en")):
                g.add((node, RDFS.label, Literal(text, lang=lang)))
                g.add((node, SKOS.prefLabel, Literal(text, lang=lang)))
            g.add((node, KKG.hsCode, Literal(code)))
            g.add((node, KKG.hsClass, URIRef(concept.iri)))
        return node

    def origin_of(self, row: _Row) -> Entity | None:
        province, regency = row.get("province"), row.get("regency")
        if regency:
            filters: tuple[PropertyFilter, ...] = ()
            if province:
                filters = (
                    PropertyFilter(resolve_property(self.index, "kkg:province"), (province,)),
                )
            place = _one(self.index, row, "regency", regency, ("Regency",), properties=filters)
            if place is None:
                return None
            row.regency = place
            up = [v.value for v in place.values.get(str(KKG.province), [])]
            found = self.index.entity(up[0]) if up else None
            if found is None:
                row.problem(f"regency {regency!r}: its province is not in the store")
            return found
        if province:
            return _one(self.index, row, "province", province, ("Province",))
        if self.mapping.origin:
            if self.origin is None:
                self.origin = _one(self.index, row, "origin", self.mapping.origin, ("Province",))
            return self.origin
        row.problem("no origin: add a Provinsi column or `origin:` to the mapping")
        return None

    def period(self, row: _Row) -> tuple[int, int | None, int | None] | None:
        try:
            year = parse_year(row.get("year") or (self.mapping.year or ""))
            month = parse_month(row.get("month")) if row.get("month") else None
            quarter = parse_quarter(row.get("quarter")) if row.get("quarter") else None
        except ValueError as exc:
            row.problem(str(exc))
            return None
        if month is not None and quarter is not None and (month - 1) // 3 + 1 != quarter:
            row.problem(f"month {month} is not in quarter {quarter}")
            return None
        return year, month, quarter

    def amounts(self, row: _Row) -> tuple[list[tuple[Decimal, str]], Decimal | None] | None:
        values: list[tuple[Decimal, str]] = []
        weight: Decimal | None = None
        ok = True
        for header, column in self.mapping.columns.items():
            text = row.by_header.get(header, "").strip()
            if column.role not in ("value", "net_weight") or not text or text in ("-", "\u2013"):
                continue
            try:
                at = self.table.header.index(header)
                number = self.table.number(row.number, at, text, self.mapping.numbers)
                number *= column.scale or 1
                if number < 0:
                    raise ValueError(f"negative: {text!r}")
            except ValueError as exc:
                row.problem(f"{header}: {exc}")
                ok = False
                continue
            if column.role == "net_weight":
                weight = number * WEIGHT_UNITS[column.unit or "kg"]
                continue
            currency_text = column.currency or row.get("currency") or self.mapping.currency
            if not currency_text:
                row.problem(f"{header}: no currency (in the header, a column or the mapping)")
                ok = False
                continue
            try:
                currency = _currency(currency_text)
            except ValueError as exc:
                row.problem(f"{header}: {exc}")
                ok = False
                continue
            if any(currency == theirs for _, theirs in values):
                row.problem(f"{header}: a second amount in {currency}; map only one such column")
                ok = False
                continue
            values.append((number, currency))
        if ok and not values and weight is None:
            row.problem("no value and no net weight")
            ok = False
        return (values, weight) if ok else None

    def row(self, number: int, cells: list[str]) -> list[str]:
        row = _Row(self.table, number, cells, self.mapping)
        if not any(cells):
            return []
        commodity = self.commodity(row)
        destination = None
        if row.get("destination"):
            destination = _one(
                self.index, row, "destination", row.get("destination"), DESTINATION_TYPES
            )
        else:
            row.problem("no destination")
        origin = self.origin_of(row)
        period = self.period(row)
        amounts = self.amounts(row)
        if row.problems or None in (commodity, destination, origin, period, amounts):
            return row.problems or [f"{row.where}: incomplete row"]
        assert commodity and destination and origin and period and amounts
        self._flow(row, commodity, destination, origin, period, amounts)
        return []

    def _flow(
        self,
        row: _Row,
        commodity: URIRef,
        destination: Entity,
        origin: Entity,
        period: tuple[int, int | None, int | None],
        amounts: tuple[list[tuple[Decimal, str]], Decimal | None],
    ) -> None:
        year, month, quarter = period
        when = f"{year}-{month:02d}" if month else f"{year}-q{quarter}" if quarter else str(year)
        last = lambda iri: iri.rstrip("/").rsplit("/", 1)[-1]  # noqa: E731
        place = row.regency or origin  # a table by regency has one flow per regency
        key = f"{when}-{last(str(commodity))}-{last(destination.iri)}-{last(place.iri)}"
        if key in self.keys:
            row.problem(f"the same flow as row {self.keys[key]} ({key})")
            raise _Duplicate(row.problems)
        self.keys[key] = row.number
        g = self.graph
        node = mint_iri("flow", key, self.base)
        g.add((node, RDF.type, KKG.ExportFlow))
        g.add((node, KKG.commodity, commodity))
        g.add((node, KKG.destination, URIRef(destination.iri)))
        g.add((node, KKG.origin, URIRef(origin.iri)))
        if row.regency is not None:
            g.add((node, KKG.originRegency, URIRef(row.regency.iri)))
        g.add((node, KKG.period, Literal(f"{year:04d}", datatype=XSD.gYear)))
        if month:
            g.add((node, KKG.month, Literal(month, datatype=XSD.integer)))
        if quarter or month:
            g.add(
                (node, KKG.quarter, Literal(quarter or (month - 1) // 3 + 1, datatype=XSD.integer))
            )  # type: ignore[operator]
        values, weight = amounts
        for value, currency in values:
            amount = URIRef(f"{node}#value-{currency.lower()}")
            g.add((node, KKG.tradeValue, amount))
            g.add((amount, RDF.type, SCHEMA.MonetaryAmount))
            g.add((amount, SCHEMA.value, Literal(value, datatype=XSD.decimal)))
            g.add((amount, SCHEMA.currency, Literal(currency)))
        if weight is not None:
            g.add((node, KKG.netWeightKg, Literal(weight, datatype=XSD.decimal)))
        first = (Literal(values[0][0], datatype=XSD.decimal), values[0][1]) if values else None
        add_observation(
            g, node, self.table_iri, ref_period(year, month, quarter), first, weight is not None
        )
        g.add((node, KKG.evidence, Literal(f"{row.where}: {row.text}", lang="id")))
        g.add((node, PROV.wasDerivedFrom, self.table_iri))
        g.add((node, DCTERMS.source, URIRef(f"{self.table_iri}#row={row.number}")))


class _Duplicate(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems


def plan_import(table: Table, mapping: Mapping, index: EntityIndex, graph: str) -> ImportPlan:
    """Build the facts of `table`; every problem of every row is in `problems`."""
    builder = _Builder(table, mapping, index, URIRef(graph))
    plan = ImportPlan(table, builder.graph)
    header = f"{table.name}:{table.header_row}"  # what the columns lack is told at the header
    for role in ("destination",):
        if mapping.by_role(role) is None:
            plan.blocking.append(f"{header}: no {role} column recognised; name it in a mapping")
    if mapping.by_role("hs_code") is None and mapping.by_role("commodity") is None:
        plan.blocking.append(f"{header}: no commodity or HS code column recognised")
    if mapping.by_role("value") is None and mapping.by_role("net_weight") is None:
        plan.blocking.append(f"{header}: no value or net weight column recognised")
    if not table.rows:
        plan.blocking.append(f"{header}: no rows under the header")
    if plan.blocking:
        plan.problems.extend(plan.blocking)
        return plan
    if not mapping.licence:  # still read every row, so that a check reports everything
        plan.blocking.append(
            f"{table.name}: no licence: give `licence:` in the mapping (or --licence)"
        )
    builder.describe_table()
    for number, cells in table.rows:
        if any(name_key(cell) in TOTAL_WORDS for cell in cells):
            plan.total_rows.append(f"{table.name}:{number}: a total row, not a flow: skipped")
            continue
        try:
            problems = builder.row(number, cells)
        except _Duplicate as duplicate:
            problems = duplicate.problems
        if problems:
            plan.problems.extend(problems)
            plan.skipped_rows += 1
        else:
            plan.flows += 1
    if plan.flows:
        add_structure(builder.graph, builder.table_iri, mapping.title or table.path.stem)
        plan.blocking.extend(
            f"{table.name}: data cube: {line}" for line in check_cube(builder.graph)
        )
    plan.problems[:0] = plan.blocking
    return plan
