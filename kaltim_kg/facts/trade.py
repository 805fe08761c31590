"""What was traded: SME cohorts and their export flows."""

from __future__ import annotations

from dataclasses import dataclass

from kaltim_kg.facts.fields import FieldReader, Text, Where
from kaltim_kg.facts.yaml_lines import LineDict
from kaltim_kg.namespaces import slugify

TRADE_TYPES = ("export", "domestic-sale")
SECTORS = ("creative-industry",)


@dataclass(frozen=True)
class Cohort:
    key: str
    year: int
    label: Text
    trade_type: str
    sector: str | None
    member_count: int | None
    value_idr: int
    certified_by: str | None
    supervised_by: str | None
    reported_by: str | None
    evidence: tuple[str, ...]
    where: Where

    @property
    def cohort_key(self) -> str:
        return f"{self.year}-{self.key}"


@dataclass(frozen=True)
class Flow:
    year: int
    commodity: str
    destination: str
    exporter: str
    evidence: tuple[str, ...]
    where: Where

    @property
    def flow_key(self) -> str:
        return f"{self.year}-{self.commodity}-{self.destination}"


class TradeReading(FieldReader):
    """Reads cohorts and flows."""

    def read_cohort(self, node: LineDict, sentences: dict[str, str]) -> Cohort | None:
        required = ("key", "year", "label", "trade_type", "value_idr")
        optional = ("sector", "member_count", "certified_by", "supervised_by", "reported_by")
        optional += ("evidence",)
        if not self.fields(node, "cohort", required, optional):
            return None
        what = f"cohort {node['key']!r}"
        year = self.year(node, what)
        label = self.text(node, "label", what)
        trade_type = self.choice(node, "trade_type", TRADE_TYPES, what)
        sector = self.choice(node, "sector", SECTORS, what)
        members = self.count(node, "member_count", what)
        value = self.whole_rupiah(node, "value_idr", what)
        evidence = self.evidence(node, sentences, what)
        if None in (year, label, trade_type, value):
            return None
        return Cohort(
            key=slugify(str(node["key"])),
            year=year,  # type: ignore[arg-type]
            label=label,  # type: ignore[arg-type]
            trade_type=trade_type,  # type: ignore[arg-type]
            sector=sector,
            member_count=members,
            value_idr=value,  # type: ignore[arg-type]
            certified_by=self.string(node, "certified_by"),
            supervised_by=self.string(node, "supervised_by"),
            reported_by=self.string(node, "reported_by"),
            evidence=evidence,
            where=self.where(node),
        )

    def read_flow(self, node: LineDict, sentences: dict[str, str]) -> Flow | None:
        required = ("year", "commodity", "destination", "exporter")
        if not self.fields(node, "flow", required, ("evidence",)):
            return None
        year = self.year(node, "flow")
        commodity = str(node["commodity"])
        if commodity not in self.reference.commodities:
            self.error(node.line_of("commodity"), f"unknown commodity {commodity!r}")
        country = self.reference.find_country(str(node["destination"]))
        if country is None:
            self.error(node.line_of("destination"), f"unknown country {node['destination']!r}")
        evidence = self.evidence(node, sentences, "flow")
        if year is None or country is None or commodity not in self.reference.commodities:
            return None
        return Flow(
            year, commodity, country.code, str(node["exporter"]), evidence, self.where(node)
        )
