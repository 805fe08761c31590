"""Numbers about the economy that are not trade: business counts, measures, targets."""

from __future__ import annotations

from dataclasses import dataclass

from kaltim_kg.facts.fields import Text, Where
from kaltim_kg.facts.figures import FigureReading, Period, Quantity
from kaltim_kg.facts.places import Place, PlaceReading
from kaltim_kg.facts.trade import SECTORS
from kaltim_kg.facts.yaml_lines import LineDict
from kaltim_kg.namespaces import slugify

SIZE_CLASSES = ("all", "micro", "small", "medium")
BUSINESS_STATUSES = ("active",)
MEASURE_KINDS = ("measure", "growth-rate")


@dataclass(frozen=True)
class BusinessCount:
    """How many businesses (UMKM) of a size class and sector an area has, as a source counts."""

    key: str
    area: Place
    period: Period | None
    size_class: str  # all | micro | small | medium
    sector: str | None
    status: str | None  # active: the source counts only active businesses
    count: Quantity
    evidence: tuple[str, ...]
    where: Where


@dataclass(frozen=True)
class Measure:
    """Any other stated figure about an area: workers employed, a growth rate, ..."""

    key: str
    kind: str  # measure | growth-rate
    label: Text
    area: Place | None
    period: Period | None
    quantity: Quantity
    national_rank: int | None
    reported_by: str | None
    evidence: tuple[str, ...]
    where: Where


@dataclass(frozen=True)
class Target:
    """A goal an agency sets for a period: what it aims at, never an outcome."""

    key: str
    period: Period
    label: Text
    set_by: str | None
    quantity: Quantity
    evidence: tuple[str, ...]
    where: Where


class IndicatorReading(FigureReading, PlaceReading):
    """Reads business counts, measures and targets."""

    def read_business_count(
        self, node: LineDict, sentences: dict[str, str]
    ) -> BusinessCount | None:
        required = ("key", "area", "size_class", "count")
        optional = ("year", "period", "sector", "status", "evidence")
        if not self.fields(node, "business count", required, optional):
            return None
        what = f"business count {node['key']!r}"
        area = self.place(node, "area", what, ("region", "country"))
        period = self.period(node, what, required=False)
        size = self.choice(node, "size_class", SIZE_CLASSES, what)
        sector = self.choice(node, "sector", SECTORS, what)
        status = self.choice(node, "status", BUSINESS_STATUSES, what)
        count = self.quantity(node, "count", what)
        evidence = self.evidence(node, sentences, what)
        said = [sentences[k] for k in evidence if k in sentences]
        self.check_stated_as(count, node.line_of("count"), said, what)
        if None in (area, size, count):
            return None
        return BusinessCount(
            slugify(str(node["key"])),
            area,  # type: ignore[arg-type]
            period,
            size,  # type: ignore[arg-type]
            sector,
            status,
            count,  # type: ignore[arg-type]
            evidence,
            self.where(node),
        )

    def read_measure(self, node: LineDict, sentences: dict[str, str]) -> Measure | None:
        required = ("key", "label", "quantity")
        optional = ("kind", "area", "year", "period", "national_rank", "reported_by", "evidence")
        if not self.fields(node, "measure", required, optional):
            return None
        what = f"measure {node['key']!r}"
        kind = self.choice(node, "kind", MEASURE_KINDS, what) or "measure"
        label = self.text(node, "label", what)
        area = self.place(node, "area", what)
        period = self.period(node, what, required=False)
        quantity = self.quantity(node, "quantity", what, unit_needed=True)
        rank = self.count(node, "national_rank", what)
        evidence = self.evidence(node, sentences, what)
        said = [sentences[k] for k in evidence if k in sentences]
        self.check_stated_as(quantity, node.line_of("quantity"), said, what)
        if kind == "growth-rate" and quantity is not None and quantity.unit != "percent":
            self.error(node.line_of("quantity"), f"{what}: a growth rate is in percent")
            return None
        if None in (label, quantity):
            return None
        return Measure(
            slugify(str(node["key"])),
            kind,
            label,  # type: ignore[arg-type]
            area,
            period,
            quantity,  # type: ignore[arg-type]
            rank,
            self.string(node, "reported_by"),
            evidence,
            self.where(node),
        )

    def read_target(self, node: LineDict, sentences: dict[str, str]) -> Target | None:
        required = ("key", "label", "quantity")
        optional = ("year", "period", "set_by", "evidence")
        if not self.fields(node, "target", required, optional):
            return None
        what = f"target {node['key']!r}"
        period = self.period(node, what)
        label = self.text(node, "label", what)
        quantity = self.quantity(node, "quantity", what, unit_needed=True)
        evidence = self.evidence(node, sentences, what)
        said = [sentences[k] for k in evidence if k in sentences]
        self.check_stated_as(quantity, node.line_of("quantity"), said, what)
        if None in (period, label, quantity):
            return None
        return Target(
            slugify(str(node["key"])),
            period,  # type: ignore[arg-type]
            label,  # type: ignore[arg-type]
            self.string(node, "set_by"),
            quantity,  # type: ignore[arg-type]
            evidence,
            self.where(node),
        )
