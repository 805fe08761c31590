"""RDF for what a release states beside cohorts and flows: totals, goods, counts, targets."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kaltim_kg.facts.places import Place
from kaltim_kg.graph.figures import add_amounts, add_period, add_quantity
from kaltim_kg.namespaces import KKG

if TYPE_CHECKING:  # the builder imports this module
    from kaltim_kg.facts.reader import SourceFacts
    from kaltim_kg.graph.build import _Builder

SIZE_CLASSES = {
    "micro": (KKG.MicroEnterprise, "Usaha mikro", "Micro enterprises"),
    "small": (KKG.SmallEnterprise, "Usaha kecil", "Small enterprises"),
    "medium": (KKG.MediumEnterprise, "Usaha menengah", "Medium enterprises"),
    "all": (None, "UMKM", "SMEs (UMKM)"),
}
SECTOR_WORDS = {
    "creative-industry": ("industri kreatif", "the creative industry"),
    "culinary": ("kuliner", "culinary"),
    "processing-industry": ("industri pengolahan", "the processing industry"),
    "craft-industry": ("industri kerajinan", "the craft industry"),
    "trade": ("perdagangan", "trade"),
    "services": ("jasa", "services"),
}


def _place_names(builder: _Builder, place: Place) -> tuple[str, str]:
    """(Indonesian, English) name of a place from the reference tables."""
    reference = builder.tables
    table = {
        "country": reference.countries,
        "region": reference.regions,
        "world-region": reference.world_regions,
    }[place.kind]
    row = table[place.code]
    return row.name_id, row.name_en


def release_facts(builder: _Builder, graph: Graph, facts: SourceFacts, source: URIRef) -> None:
    """Add the totals, products, business counts, measures and targets of one source."""

    def said(keys: tuple[str, ...]) -> list[str]:
        return [facts.sentences[k] for k in keys]

    from kaltim_kg.graph.build import SECTORS, TRADE_TYPES  # one table of each, in build

    for total in facts.totals:
        node = builder.iri("total", total.total_key)
        graph.add((node, RDF.type, KKG.TradeTotal))
        graph.add((node, KKG.tradeType, TRADE_TYPES[total.trade_type]))
        graph.add((node, KKG.origin, builder.place(total.origin)))
        other = total.destination or total.partner
        if total.destination:
            graph.add((node, KKG.destination, builder.place(total.destination)))
        if total.partner:
            graph.add((node, KKG.tradePartner, builder.place(total.partner)))
        if total.label:
            graph.add((node, RDFS.label, Literal(total.label.id, lang="id")))
            graph.add((node, RDFS.label, Literal(total.label.en, lang="en")))
        elif other is not None:
            origin_id, origin_en = _place_names(builder, total.origin)
            other_id, other_en = _place_names(builder, other)
            graph.add(
                (node, RDFS.label, Literal(f"Perdagangan {origin_id} - {other_id}", lang="id"))
            )
            graph.add((node, RDFS.label, Literal(f"Trade, {origin_en} - {other_en}", lang="en")))
        if total.period:
            add_period(graph, node, total.period)
        for value in add_amounts(graph, node, total.amounts, builder.base):
            builder.origins.setdefault(value, total.where)
        if total.reported_by:
            graph.add((node, KKG.reportedBy, builder.iri("person", total.reported_by)))
        builder.fact(graph, node, source, said(total.evidence), total.where)

    for product in facts.products:
        node = builder.iri("product", product.product_key)
        graph.add((node, RDF.type, KKG.ExportedProduct))
        graph.add((node, KKG.commodity, builder.iri("commodity", product.commodity)))
        graph.add((node, KKG.origin, builder.place(product.origin)))
        commodity = builder.tables.commodities[product.commodity]
        origin_id, origin_en = _place_names(builder, product.origin)
        graph.add(
            (
                node,
                RDFS.label,
                Literal(f"Ekspor {commodity.name_id.lower()} {origin_id}", lang="id"),
            )
        )
        graph.add(
            (node, RDFS.label, Literal(f"{commodity.name_en} exported from {origin_en}", lang="en"))
        )
        if product.period:
            add_period(graph, node, product.period)
        if product.distinctive:
            graph.add((node, KKG.distinctive, Literal(True)))
        builder.fact(graph, node, source, said(product.evidence), product.where)

    for count in facts.business_counts:
        node = builder.iri("business-count", count.key)
        size, size_id, size_en = SIZE_CLASSES[count.size_class]
        graph.add((node, RDF.type, KKG.BusinessCount))
        graph.add((node, KKG.area, builder.place(count.area)))
        if size is not None:
            graph.add((node, KKG.sizeClass, size))
        if count.sector:
            graph.add((node, KKG.sector, SECTORS[count.sector]))
        if count.status == "active":
            graph.add((node, KKG.activeOnly, Literal(True)))
        area_id, area_en = _place_names(builder, count.area)
        active_id, active_en = (" aktif", "active ") if count.status == "active" else ("", "")
        sector_id, sector_en = SECTOR_WORDS.get(count.sector or "", ("", ""))
        label_id = f"{size_id}{active_id}{' sektor ' + sector_id if sector_id else ''}, {area_id}"
        label_en = f"{active_en}{size_en.lower() if active_en else size_en}"
        label_en = label_en[0].upper() + label_en[1:] + (f" in {sector_en}" if sector_en else "")
        graph.add((node, RDFS.label, Literal(label_id, lang="id")))
        graph.add((node, RDFS.label, Literal(f"{label_en}, {area_en}", lang="en")))
        if count.period:
            add_period(graph, node, count.period)
        exact = count.count.exact_count
        if exact is not None:
            graph.add((node, KKG.businessCount, Literal(exact, datatype=XSD.nonNegativeInteger)))
        else:
            quantity = URIRef(f"{node}#quantity")
            graph.add((node, KKG.quantity, quantity))
            add_quantity(graph, quantity, replace(count.count, unit="business"))
            builder.origins.setdefault(quantity, count.where)
        builder.fact(graph, node, source, said(count.evidence), count.where)

    for measure in facts.measures:
        node = builder.iri("measure", measure.key)
        graph.add((node, RDF.type, KKG.Measure))
        if measure.kind == "growth-rate":
            graph.add((node, RDF.type, KKG.GrowthRate))
        graph.add((node, RDFS.label, Literal(measure.label.id, lang="id")))
        graph.add((node, RDFS.label, Literal(measure.label.en, lang="en")))
        if measure.area:
            graph.add((node, KKG.area, builder.place(measure.area)))
        if measure.period:
            add_period(graph, node, measure.period)
        quantity = URIRef(f"{node}#quantity")
        graph.add((node, KKG.quantity, quantity))
        add_quantity(graph, quantity, measure.quantity)
        builder.origins.setdefault(quantity, measure.where)
        if measure.national_rank is not None:
            rank = Literal(measure.national_rank, datatype=XSD.positiveInteger)
            graph.add((node, KKG.nationalRank, rank))
        if measure.reported_by:
            graph.add((node, KKG.reportedBy, builder.iri("person", measure.reported_by)))
        builder.fact(graph, node, source, said(measure.evidence), measure.where)

    for target in facts.targets:
        node = builder.iri("target", target.key)
        graph.add((node, RDF.type, KKG.Target))
        graph.add((node, RDFS.label, Literal(target.label.id, lang="id")))
        graph.add((node, RDFS.label, Literal(target.label.en, lang="en")))
        add_period(graph, node, target.period)
        quantity = URIRef(f"{node}#quantity")
        graph.add((node, KKG.quantity, quantity))
        add_quantity(graph, quantity, target.quantity)
        builder.origins.setdefault(quantity, target.where)
        if target.set_by:
            graph.add((node, KKG.setBy, builder.iri("agency", target.set_by)))
        builder.fact(graph, node, source, said(target.evidence), target.where)
