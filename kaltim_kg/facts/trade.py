"""What was traded: SME cohorts, export flows, trade totals and goods named as exports."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kaltim_kg.facts.fields import Text, Where
from kaltim_kg.facts.figures import Amount, FigureReading, Period, Quantity
from kaltim_kg.facts.places import Place, PlaceReading
from kaltim_kg.facts.yaml_lines import LineDict
from kaltim_kg.namespaces import slugify

TRADE_TYPES = ("export", "domestic-sale", "inter-regional")
SECTORS = (
    "creative-industry",
    "culinary",
    "processing-industry",
    "craft-industry",
    "trade",
    "services",
)


@dataclass(frozen=True)
class Cohort:
    """SMEs a source reports on together for one period: how many, and what they traded."""

    key: str
    period: Period
    label: Text
    trade_type: str
    sector: str | None
    members: Quantity | None
    amounts: tuple[Amount, ...]
    destination_count: int | None
    event: str | None
    certified_by: str | None
    supervised_by: str | None
    reported_by: str | None
    evidence: tuple[str, ...]
    where: Where

    @property
    def year(self) -> int:
        return self.period.year

    @property
    def cohort_key(self) -> str:
        return f"{self.period.year}-{self.key}"

    @property
    def member_count(self) -> int | None:
        """The number of SMEs when the source states it exactly."""
        return self.members.exact_count if self.members is not None else None


@dataclass(frozen=True)
class Flow:
    """A commodity went from the source's region to a place in a period."""

    period: Period
    commodity: str
    destination: Place
    destination_as_stated: str | None
    exporter: str | None
    amounts: tuple[Amount, ...]
    evidence: tuple[str, ...]
    where: Where

    @property
    def year(self) -> int:
        return self.period.year

    @property
    def flow_key(self) -> str:
        return f"{self.period.key}-{self.commodity}-{self.destination.code}"


@dataclass(frozen=True)
class TradeTotal:
    """A stated trade value between a region and a partner, not broken down by commodity."""

    key: str
    period: Period | None
    label: Text | None
    trade_type: str
    origin: Place
    destination: Place | None  # where the goods went, when the source says so
    partner: Place | None  # the other side, when the source gives no direction
    amounts: tuple[Amount, ...]
    reported_by: str | None
    evidence: tuple[str, ...]
    where: Where

    @property
    def total_key(self) -> str:
        return f"{self.period.year}-{self.key}" if self.period else self.key


@dataclass(frozen=True)
class Product:
    """A commodity a source names as exported from a region, with no destination or value."""

    commodity: str
    origin: Place
    period: Period | None
    distinctive: bool  # named as characteristic of the region ("ciri khas Kaltim")
    evidence: tuple[str, ...]
    where: Where

    @property
    def product_key(self) -> str:
        prefix = f"{self.period.key}-" if self.period else ""
        return f"{prefix}{self.origin.code}-{self.commodity}"


class TradeReading(FigureReading, PlaceReading):
    """Reads cohorts, flows, totals and products."""

    def said(self, keys: tuple[str, ...], sentences: dict[str, str]) -> list[str]:
        return [sentences[k] for k in keys if k in sentences]

    def commodity(self, node: LineDict, what: str) -> str | None:
        commodity = str(node["commodity"])
        if commodity not in self.reference.commodities:
            self.error(node.line_of("commodity"), f"{what}: unknown commodity {commodity!r}")
            return None
        return commodity

    def read_cohort(self, node: LineDict, sentences: dict[str, str]) -> Cohort | None:
        required = ("key", "label", "trade_type")
        optional = ("year", "period", "sector", "member_count", "amounts", "value_idr")
        optional += ("destination_count", "event", "certified_by", "supervised_by")
        optional += ("reported_by", "evidence")
        if not self.fields(node, "cohort", required, optional):
            return None
        what = f"cohort {node['key']!r}"
        period = self.period(node, what)
        label = self.text(node, "label", what)
        trade_type = self.choice(node, "trade_type", TRADE_TYPES, what)
        sector = self.choice(node, "sector", SECTORS, what)
        members = self.quantity(node, "member_count", what)
        amounts = self.cohort_amounts(node, what)
        destinations = self.count(node, "destination_count", what)
        evidence = self.evidence(node, sentences, what)
        self.check_stated_as(
            members, node.line_of("member_count"), self.said(evidence, sentences), what
        )
        for amount in amounts or ():
            self.check_stated_as(
                amount.quantity, node.line_of("amounts"), self.said(evidence, sentences), what
            )
        if None in (period, label, trade_type, amounts):
            return None
        return Cohort(
            key=slugify(str(node["key"])),
            period=period,  # type: ignore[arg-type]
            label=label,  # type: ignore[arg-type]
            trade_type=trade_type,  # type: ignore[arg-type]
            sector=sector,
            members=members,
            amounts=tuple(amounts),  # type: ignore[arg-type]
            destination_count=destinations,
            event=self.string(node, "event"),
            certified_by=self.string(node, "certified_by"),
            supervised_by=self.string(node, "supervised_by"),
            reported_by=self.string(node, "reported_by"),
            evidence=evidence,
            where=self.where(node),
        )

    def cohort_amounts(self, node: LineDict, what: str) -> list[Amount] | None:
        """`amounts:`, or the older `value_idr:` (whole rupiah, exact)."""
        if "value_idr" in node and "amounts" in node:
            self.error(node.line_of("value_idr"), f"{what}: give either value_idr or amounts")
            return None
        if "value_idr" not in node:
            amounts = self.amounts(node, what)
            if amounts == []:
                self.error(node.line, f"{what}: missing 'amounts' (the trade value as stated)")
                return None
            return amounts
        value = self.whole_rupiah(node, "value_idr", what)
        if value is None:
            return None
        exact = Quantity(value=Decimal(value), precision=Decimal(1), stated=str(value))
        return [Amount("IDR", exact)]

    def read_flow(self, node: LineDict, sentences: dict[str, str]) -> Flow | None:
        required = ("commodity", "destination")
        optional = ("year", "period", "exporter", "destination_as_stated", "amounts", "evidence")
        if not self.fields(node, "flow", required, optional):
            return None
        period = self.period(node, "flow")
        commodity = self.commodity(node, "flow")
        destination = self.place(node, "destination", "flow")
        as_stated = self.string(node, "destination_as_stated")
        if destination is not None and destination.kind == "world-region" and not as_stated:
            self.error(
                node.line_of("destination"),
                "flow: a world-region destination needs destination_as_stated "
                "(the source's words, e.g. 'beberapa negara Eropa')",
            )
        amounts = self.amounts(node, "flow")
        evidence = self.evidence(node, sentences, "flow")
        if None in (period, commodity, destination, amounts):
            return None
        return Flow(
            period=period,  # type: ignore[arg-type]
            commodity=commodity,  # type: ignore[arg-type]
            destination=destination,  # type: ignore[arg-type]
            destination_as_stated=as_stated,
            exporter=self.string(node, "exporter"),
            amounts=tuple(amounts),  # type: ignore[arg-type]
            evidence=evidence,
            where=self.where(node),
        )

    def read_total(self, node: LineDict, sentences: dict[str, str]) -> TradeTotal | None:
        required = ("key", "trade_type", "origin", "amounts")
        optional = ("year", "period", "label", "destination", "partner", "reported_by")
        if not self.fields(node, "total", required, (*optional, "evidence")):
            return None
        what = f"total {node['key']!r}"
        period = self.period(node, what, required=False)
        label = self.text(node, "label", what) if "label" in node else None
        trade_type = self.choice(node, "trade_type", TRADE_TYPES, what)
        origin = self.place(node, "origin", what)
        destination = self.place(node, "destination", what)
        partner = self.place(node, "partner", what)
        if ("destination" in node) == ("partner" in node):
            self.error(
                node.line,
                f"{what}: give a destination (the direction is stated) or a partner (it is not)",
            )
            return None
        amounts = self.amounts(node, what)
        evidence = self.evidence(node, sentences, what)
        for amount in amounts or ():
            self.check_stated_as(
                amount.quantity, node.line_of("amounts"), self.said(evidence, sentences), what
            )
        if None in (trade_type, origin, amounts) or (destination is None and partner is None):
            return None
        return TradeTotal(
            key=slugify(str(node["key"])),
            period=period,
            label=label,
            trade_type=trade_type,  # type: ignore[arg-type]
            origin=origin,  # type: ignore[arg-type]
            destination=destination,
            partner=partner,
            amounts=tuple(amounts),  # type: ignore[arg-type]
            reported_by=self.string(node, "reported_by"),
            evidence=evidence,
            where=self.where(node),
        )

    def read_product(self, node: LineDict, sentences: dict[str, str]) -> Product | None:
        optional = ("year", "period", "characteristic", "evidence")
        if not self.fields(node, "product", ("commodity", "origin"), optional):
            return None
        commodity = self.commodity(node, "product")
        origin = self.place(node, "origin", "product", ("region",))
        period = self.period(node, "product", required=False)
        distinctive = node.get("characteristic", False)
        if not isinstance(distinctive, bool):
            self.error(
                node.line_of("characteristic"), "product: characteristic must be true or false"
            )
            return None
        evidence = self.evidence(node, sentences, "product")
        if commodity is None or origin is None:
            return None
        return Product(commodity, origin, period, distinctive, evidence, self.where(node))
