"""Seeded synthetic export statistics in our vocabulary: BPS-style monthly flows at any scale.

Flows run over provinces x synthetic HS subheadings x destination countries x months, each
with a value in rupiah and a net weight. The provinces and countries are the ones the curated
articles name (`PROVINCES`, `COUNTRIES`), not the whole vocabularies, so synthetic
statistics keep the shape the benchmarks in bench/RESULTS.md were measured on.
Output is N-Triples, written line by line (constant memory), the same bytes for the same
seed and size, and conforming to shapes/kaltim-shapes.ttl on its own: the file carries the
reference descriptions and a source record the flows point at, so it validates standalone.
"""

from __future__ import annotations

import gzip
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from rdflib import Graph

from kaltim_kg.facts.months import MONTHS_ID
from kaltim_kg.facts.reference import Reference, load_reference

# Reuse the vocabulary writers so synthetic files describe places exactly as builds do.
from kaltim_kg.graph.vocabularies import countries as write_countries
from kaltim_kg.graph.vocabularies import provinces as write_provinces
from kaltim_kg.namespaces import (
    DEFAULT_BASE_URI,
    KKG,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    XSD,
    mint_iri,
    normalise_base,
)

PROVINCES = ("ID-BA", "ID-KI", "ID-KS", "ID-ST")
COUNTRIES = (
    "CN",
    "DE",
    "GB",
    "IN",
    "IS",
    "IT",
    "JP",
    "KR",
    "MY",
    "NL",
    "PK",
    "SG",
    "TW",
    "US",
    "ZA",
)

TRIPLES_PER_FLOW = 11
FIRST_YEAR = 2010
MAX_COMMODITIES = 1000
BATCH = 20_000  # lines joined per write: amortises the I/O call without holding much


@dataclass(frozen=True)
class SynthStats:
    """What one generator run wrote."""

    triples: int
    flows: int
    commodities: int
    years: int


def _lit(text: str, suffix: str = "") -> str:
    """An N-Triples literal; suffix is `@lang` or `^^<datatype>`."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"{suffix}'


def _commodity_code(index: int) -> str:
    """A distinct six-digit HS-shaped code for each index (synthetic, not a real tariff line)."""
    chapter = index % 97 + 1
    heading = index // 97 % 99 + 1
    subheading = index * 7 % 90 + 10
    return f"{chapter:02d}{heading:02d}{subheading:02d}"


@dataclass(frozen=True)
class _Plan:
    flows: int
    commodities: int
    regions: list[str]
    countries: list[str]

    @property
    def years(self) -> int:
        per_year = len(self.regions) * len(self.countries) * 12 * self.commodities
        return max(1, math.ceil(self.flows / per_year))


# Triples besides the flows': the source record, each commodity, each province's cohort a year.
SOURCE_TRIPLES = 7
TRIPLES_PER_COMMODITY = 4
TRIPLES_PER_COHORT = 11


class TooFewTriples(ValueError):
    """Fewer triples asked for than one flow and what it names take."""


def _plan(triples: int, reference: Reference, header: int) -> _Plan:
    """As many flows as fit in `triples` with everything they name (`header` triples of
    places, the source, the commodities and cohorts): the file is within a flow of the size."""
    regions = sorted(r for r in PROVINCES if r in reference.regions)
    countries = sorted(c for c in COUNTRIES if c in reference.countries)
    per_commodity_year = len(regions) * len(countries) * 12

    def shape(flows: int) -> tuple[int, int]:
        commodities = min(MAX_COMMODITIES, max(1, math.ceil(flows / per_commodity_year)))
        years = max(1, math.ceil(flows / (per_commodity_year * commodities)))
        size = (
            header
            + SOURCE_TRIPLES
            + TRIPLES_PER_COMMODITY * commodities
            + TRIPLES_PER_FLOW * flows
            + TRIPLES_PER_COHORT * len(regions) * years
        )
        return size, commodities

    smallest, _ = shape(1)
    if triples < smallest:
        raise TooFewTriples(
            f"at least {smallest} triples: one flow with the places, source, commodity and "
            f"cohorts it names"
        )
    low, high = 1, max(1, triples // TRIPLES_PER_FLOW)  # shape(high) may overshoot; low fits
    while low < high:  # the most flows that fit (the size grows with the flows)
        middle = (low + high + 1) // 2
        if shape(middle)[0] <= triples:
            low = middle
        else:
            high = middle - 1
    return _Plan(low, shape(low)[1], regions, countries)


class _Writer:
    """Formats triples as N-Triples lines and counts them."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.lines: list[str] = []
        self.count = 0

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"<{s}> <{p}> {o} .\n")
        if len(self.lines) >= BATCH:
            self.flush()

    def raw(self, line: str) -> None:
        self.lines.append(line)

    def flush(self) -> None:
        self.count += len(self.lines)
        self.out.write("".join(self.lines).encode("utf-8"))
        self.lines.clear()


def _header_lines(reference: Reference, base: str) -> list[str]:
    """The places the flows name (countries, provinces) exactly as `build` states them, sorted."""
    graph = Graph()
    named = replace(
        reference,
        countries={c: reference.countries[c] for c in (*COUNTRIES, "ID")},  # ID: the provinces'
        regions={r: reference.regions[r] for r in PROVINCES},
    )
    write_countries(graph, named, lambda kind, key: mint_iri(kind, key, base))
    write_provinces(graph, named, lambda kind, key: mint_iri(kind, key, base))
    data = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return sorted({line + "\n" for line in data.splitlines() if line.strip()})


def write_synthetic(
    out: IO[bytes],
    triples: int,
    seed: int,
    base_uri: str = DEFAULT_BASE_URI,
    progress: Callable[[int], None] | None = None,
) -> SynthStats:
    """Write `triples` triples (less at most a flow's) of synthetic export flows as N-Triples
    to `out`; TooFewTriples when not even one flow fits."""
    base = normalise_base(base_uri)
    reference = load_reference()
    header = _header_lines(reference, base)
    plan = _plan(triples, reference, len(header))
    rng = random.Random(seed)
    w = _Writer(out)
    for line in header:
        w.raw(line)

    source = f"{base}id/source/2024-01-01-synthetic-export-statistics-seed-{seed}"
    w.add(source, str(RDF.type), f"<{SCHEMA.NewsArticle}>")
    w.add(source, str(SCHEMA.headline), _lit(f"Synthetic export statistics (seed {seed})", "@en"))
    w.add(source, str(SCHEMA.datePublished), _lit("2024-01-01", f"^^<{XSD.date}>"))
    w.add(source, str(SCHEMA.inLanguage), _lit("id"))
    w.add(source, str(SCHEMA.url), f"<{source}>")
    w.add(source, str(SCHEMA.publisher), f"<{base}id/organization/kaltim-kg>")
    w.add(source, str(RDFS.comment), _lit("Generated test data, not real statistics.", "@en"))

    commodities = []
    for index in range(plan.commodities):
        code = _commodity_code(index)
        iri = f"{base}id/commodity/synthetic-goods-hs-{code}"
        commodities.append((iri, code))
        w.add(iri, str(RDF.type), f"<{KKG.Commodity}>")
        w.add(iri, str(RDFS.label), _lit(f"Synthetic goods HS {code}", "@en"))
        w.add(iri, str(RDFS.label), _lit(f"Barang sintetis HS {code}", "@id"))
        w.add(iri, str(KKG.hsCode), _lit(code))

    names = {c: reference.countries[c].name_id for c in plan.countries}
    regions = {r: reference.regions[r].name_id for r in plan.regions}
    p = {name: str(KKG[name]) for name in ("commodity", "destination", "origin", "exporter")}
    p_period, p_month, p_value = str(KKG.period), str(KKG.month), str(KKG.valueIdr)
    p_weight, p_evidence, p_type = str(KKG.netWeightKg), str(KKG.evidence), str(RDF.type)
    p_derived, flow_class = str(PROV.wasDerivedFrom), f"<{KKG.ExportFlow}>"
    gyear, integer, decimal = f"^^<{XSD.gYear}>", f"^^<{XSD.integer}>", f"^^<{XSD.decimal}>"

    written = 0
    for year in range(FIRST_YEAR, FIRST_YEAR + plan.years):
        totals = dict.fromkeys(plan.regions, 0)
        for month in range(1, 13):
            for region in plan.regions:
                cohort = f"{base}id/cohort/{year}-synthetic-exporters-{region.lower()}"
                for commodity, code in commodities:
                    for country in plan.countries:
                        if written == plan.flows:
                            break
                        slug = commodity.rsplit("/", 1)[1]
                        flow = f"{base}id/flow/{year}-{slug}-{country}-{region}-{month:02d}"
                        value = rng.randrange(1_000_000, 50_000_000_000)
                        grams = rng.randrange(1_000, 500_000_000)
                        totals[region] += value
                        sentence = (
                            f"Data sintetis: ekspor HS {code} dari {regions[region]} ke "
                            f"{names[country]}, {MONTHS_ID[month - 1]} {year}."
                        )
                        w.add(flow, p_type, flow_class)
                        w.add(flow, p["commodity"], f"<{commodity}>")
                        w.add(flow, p["destination"], f"<{base}id/country/{country}>")
                        w.add(flow, p["origin"], f"<{base}id/region/{region}>")
                        w.add(flow, p["exporter"], f"<{cohort}>")
                        w.add(flow, p_period, f'"{year}"{gyear}')
                        w.add(flow, p_month, f'"{month}"{integer}')
                        w.add(flow, p_value, f'"{value}"{decimal}')
                        w.add(flow, p_weight, f'"{grams // 1000}.{grams % 1000:03d}"{decimal}')
                        w.add(flow, p_evidence, _lit(sentence, "@id"))
                        w.add(flow, p_derived, f"<{source}>")
                        written += 1
                        if progress and written % 10_000 == 0:
                            progress(10_000 * TRIPLES_PER_FLOW)
        for region, total in totals.items():
            _cohort(w, base, year, region, regions[region], total, source)
    w.flush()
    return SynthStats(w.count, written, plan.commodities, plan.years)


def _cohort(
    w: _Writer, base: str, year: int, region: str, region_name: str, total: int, source: str
) -> None:
    """The synthetic exporters of one province and year, credited with the year's total."""
    cohort = f"{base}id/cohort/{year}-synthetic-exporters-{region.lower()}"
    value = f"{cohort}#trade-value"
    w.add(cohort, str(RDF.type), f"<{KKG.SMECohort}>")
    w.add(cohort, str(RDFS.label), _lit(f"Synthetic exporters, {region_name}, {year}", "@en"))
    w.add(cohort, str(RDFS.label), _lit(f"Eksportir sintetis, {region_name}, {year}", "@id"))
    w.add(cohort, str(KKG.period), _lit(str(year), f"^^<{XSD.gYear}>"))
    w.add(cohort, str(KKG.tradeType), f"<{KKG.Export}>")
    w.add(cohort, str(KKG.tradeValue), f"<{value}>")
    sentence = f"Data sintetis: total ekspor {region_name} tahun {year}."
    w.add(cohort, str(KKG.evidence), _lit(sentence, "@id"))
    w.add(cohort, str(PROV.wasDerivedFrom), f"<{source}>")
    w.add(value, str(RDF.type), f"<{SCHEMA.MonetaryAmount}>")
    w.add(value, str(SCHEMA.value), _lit(str(total), f"^^<{XSD.decimal}>"))
    w.add(value, str(SCHEMA.currency), _lit("IDR"))


def synthesize(
    path: Path,
    triples: int,
    seed: int,
    base_uri: str = DEFAULT_BASE_URI,
    progress: Callable[[int], None] | None = None,
) -> SynthStats:
    """Write the synthetic N-Triples to `path` (gzip, fixed header, if it ends in .gz).

    Written beside it and renamed into place: a failure or Ctrl-C leaves no half file.
    """
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("wb") as raw:
            if path.suffix == ".gz":
                # mtime=0 and no file name in the header: the same seed gives the same bytes.
                with gzip.GzipFile(
                    fileobj=raw, mode="wb", mtime=0, filename="", compresslevel=6
                ) as z:
                    stats = write_synthetic(z, triples, seed, base_uri, progress)
            else:
                stats = write_synthetic(raw, triples, seed, base_uri, progress)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return stats
