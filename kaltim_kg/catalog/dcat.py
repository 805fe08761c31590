"""The DCAT catalogue record (DCAT-AP 3.0.1, and 2.1.1 as CKAN harvesters read it).

Every node a DCAT-AP range shape checks carries its `rdf:type` (closed world), licence and
place come from EU / IANA / GeoNames / Wikidata identifiers, and numbers from the manifest
written at build time.
"""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from kaltim_kg.catalog.metadata import (
    DESCRIPTION,
    KEYWORDS,
    LICENSE,
    PUBLISHER_NAME,
    REGION_GEONAMES,
    REGION_KEY,
    REGION_WIKIDATA,
    TITLE,
    YEAR,
    Release,
    Site,
    stable_node,
)
from kaltim_kg.namespaces import SPDX, VCARD
from kaltim_kg.store.csv_tables import METADATA as CSV_METADATA
from kaltim_kg.store.csv_tables import TIDY_TABLES
from kaltim_kg.store.csv_tables import TITLES as TIDY_TITLES

DCATAP = Namespace("http://data.europa.eu/r5r/")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
# dct:format values from the EU file-type authority list, per dump format.
EU_FILE_TYPES = {
    "ttl": "RDF_TURTLE",
    "nt": "RDF_N_TRIPLES",
    "nq": "RDF_N_QUADS",
    "jsonld": "JSON_LD",
    "csv": "CSV",
    "csvw": "JSON",
}
CSVW_REC = "http://www.w3.org/TR/tabular-metadata/"
THEME_LABELS = {"en": "Economy and finance", "id": "Ekonomi dan keuangan"}
STABLE_LABELS = {"en": "Stable", "id": "Stabil"}
ATTRIBUTION = "http://purl.org/adms/licencetype/Attribution"
ATTRIBUTION_LABELS = {"en": "Attribution", "id": "Atribusi"}
PROFILES = ("3.0.1", "2.1.1")  # 2.1.1 types dcat:byteSize as xsd:decimal, 3.x as nonNegativeInteger


def _bilingual(graph: Graph, subject: URIRef, predicate: URIRef, texts: dict[str, str]) -> None:
    for lang, text in texts.items():
        graph.add((subject, predicate, Literal(text, lang=lang)))


def _typed(graph: Graph, node: URIRef, *classes: URIRef) -> URIRef:
    for cls in classes:
        graph.add((node, RDF.type, cls))
    return node


class CatalogBuilder:
    """Writes the catalogue of one release as seen from one site."""

    def __init__(self, site: Site, release: Release, profile: str = "3.0.1") -> None:
        if profile not in PROFILES:
            raise ValueError(f"unknown DCAT-AP profile {profile!r}")
        self.site = site
        self.release = release
        self.profile = profile
        self.graph = Graph()
        for prefix, namespace in (
            ("dcat", DCAT),
            ("dcterms", DCTERMS),
            ("foaf", FOAF),
            ("spdx", SPDX),
            ("vcard", VCARD),
            ("dcatap", DCATAP),
        ):
            self.graph.bind(prefix, namespace)
        self.publisher = site.data("dataset/publisher")
        self.contact = site.data("dataset/contact")

    def build(self) -> Graph:
        catalog = self.site.data("catalog")
        dataset = self.site.dataset
        g = self.graph
        _typed(g, catalog, DCAT.Catalog)
        _bilingual(
            g, catalog, DCTERMS.title, {"en": "kaltim-kg catalogue", "id": "Katalog kaltim-kg"}
        )
        _bilingual(g, catalog, DCTERMS.description, DESCRIPTION)
        g.add((catalog, DCTERMS.publisher, self.publisher))
        g.add((catalog, DCTERMS.license, _typed(g, LICENSE, DCTERMS.LicenseDocument)))
        g.add((LICENSE, DCTERMS.type, self._concept(ATTRIBUTION, ATTRIBUTION_LABELS, base="")))
        g.add((catalog, FOAF.homepage, _typed(g, self.site.url("/"), FOAF.Document)))
        g.add((catalog, DCTERMS.modified, self._modified()))
        for code in ("IND", "ENG"):
            g.add(
                (
                    catalog,
                    DCTERMS.language,
                    _typed(g, URIRef(f"{EU}language/{code}"), DCTERMS.LinguisticSystem),
                )
            )
        g.add((catalog, DCAT.dataset, dataset))
        scheme = _typed(g, URIRef(f"{EU}data-theme"), SKOS.ConceptScheme)
        g.add((scheme, DCTERMS.title, Literal("Data theme", lang="en")))
        g.add((catalog, DCAT.themeTaxonomy, scheme))
        for place in self._places():
            g.add((catalog, DCTERMS.spatial, place))
        service = self._service(dataset)
        g.add((catalog, DCAT.service, service))
        self._publisher()
        self._dataset(dataset, service)
        return g

    def _concept(self, path: str, labels: dict[str, str], base: str = EU) -> URIRef:
        """An authority-table concept, typed and labelled as DCAT-AP range shapes want."""
        concept = _typed(self.graph, URIRef(base + path), SKOS.Concept)
        _bilingual(self.graph, concept, SKOS.prefLabel, labels)
        return concept

    def _places(self) -> list[URIRef]:
        """East Kalimantan: our region IRI and the same place in GeoNames and Wikidata."""
        places = (self.site.data(f"id/region/{REGION_KEY}"), REGION_GEONAMES, REGION_WIKIDATA)
        return [_typed(self.graph, place, DCTERMS.Location) for place in places]

    def _modified(self) -> Literal:
        return Literal(
            self.release.modified.replace(microsecond=0).isoformat(), datatype=XSD.dateTime
        )

    def _publisher(self) -> None:
        g = self.graph
        _typed(g, self.publisher, FOAF.Agent, FOAF.Organization)
        _bilingual(g, self.publisher, FOAF.name, PUBLISHER_NAME)
        g.add((self.publisher, FOAF.homepage, self.site.url("/")))
        _typed(g, self.contact, VCARD.Kind, VCARD.Organization)
        g.add((self.contact, VCARD.fn, Literal(PUBLISHER_NAME["en"])))
        g.add((self.contact, VCARD.hasURL, self.site.url("/")))

    def _dataset(self, dataset: URIRef, service: URIRef) -> None:
        g = self.graph
        _typed(g, dataset, DCAT.Dataset)
        g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
        _bilingual(g, dataset, DCTERMS.title, TITLE)
        _bilingual(g, dataset, DCTERMS.description, DESCRIPTION)
        for lang, words in KEYWORDS.items():
            for word in words:
                g.add((dataset, DCAT.keyword, Literal(word, lang=lang)))
        g.add((dataset, DCAT.theme, self._concept("data-theme/ECON", THEME_LABELS)))
        g.add((dataset, DCTERMS.publisher, self.publisher))
        g.add((dataset, DCAT.contactPoint, self.contact))
        g.add((dataset, DCTERMS.license, LICENSE))
        g.add((dataset, DCTERMS.modified, self._modified()))
        g.add((dataset, DCAT.landingPage, self.site.url("/")))
        g.add(
            (
                dataset,
                DCTERMS.accrualPeriodicity,
                _typed(g, URIRef(f"{EU}frequency/IRREG"), DCTERMS.Frequency),
            )
        )
        for code in ("IND", "ENG"):
            g.add((dataset, DCTERMS.language, URIRef(f"{EU}language/{code}")))
        period = _typed(g, self.site.data(f"dataset/period/{YEAR}"), DCTERMS.PeriodOfTime)
        g.add((period, DCAT.startDate, Literal(f"{YEAR}-01-01", datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(f"{YEAR}-12-31", datatype=XSD.date)))
        g.add((dataset, DCTERMS.temporal, period))
        for place in self._places():
            g.add((dataset, DCTERMS.spatial, place))
        g.add(
            (dataset, DCTERMS.conformsTo, _typed(g, self.site.url("/ontology"), DCTERMS.Standard))
        )
        for fmt in self.release.dump_formats():
            g.add(
                (
                    dataset,
                    DCAT.distribution,
                    self._dump(fmt.filename, fmt.name, fmt.media_type, fmt.gzipped, fmt.title),
                )
            )
        for table in TIDY_TABLES:  # the tidy CSV files, described by their CSVW metadata
            if table.filename in self.release.dumps:
                name = table.filename.removeprefix("kaltim-kg-").removesuffix(".csv")
                node = self._dump(
                    table.filename,
                    "csv",
                    "text/csv",
                    False,
                    TIDY_TITLES[table.filename],
                    f"csv-{name}",
                )
                if CSV_METADATA in self.release.dumps:
                    g.add((node, DCTERMS.conformsTo, _typed(g, URIRef(CSVW_REC), DCTERMS.Standard)))
                    g.add((node, RDFS.seeAlso, self.site.url(f"/dumps/{CSV_METADATA}")))
                g.add((dataset, DCAT.distribution, node))
        if CSV_METADATA in self.release.dumps:
            title = TIDY_TITLES[CSV_METADATA]
            node = self._dump(CSV_METADATA, "csvw", "application/csvm+json", False, title)
            g.add((node, DCTERMS.conformsTo, _typed(g, URIRef(CSVW_REC), DCTERMS.Standard)))
            g.add((dataset, DCAT.distribution, node))
        g.add((dataset, DCAT.distribution, self._sparql_distribution(service)))
        for graph_iri, about in sorted(self.release.loaded_graphs.items()):
            if about.get("table"):
                g.add(
                    (dataset, DCTERMS.hasPart, self._table(str(about["table"]), graph_iri, about))
                )

    def _table(self, iri: str, graph_iri: str, about: dict[str, object]) -> URIRef:
        """A table brought in by `kaltim-kg import`: a dataset of its own, with its own
        licence and source, part of ours."""
        g = self.graph
        table = _typed(g, URIRef(iri), DCAT.Dataset)
        title = str(about.get("title") or graph_iri)
        _bilingual(g, table, DCTERMS.title, {"en": title, "id": title})
        # DCAT-AP's dct:source names a dcat:Dataset; a table's source is a citation or a
        # URL, so it is said in the description.
        source = str(about.get("source") or "")
        texts = {
            "en": f"A statistics table imported into the named graph <{graph_iri}>."
            + (f" Source: {source}." if source else ""),
            "id": f"Tabel statistik yang diimpor ke graf bernama <{graph_iri}>."
            + (f" Sumber: {source}." if source else ""),
        }
        _bilingual(g, table, DCTERMS.description, texts)
        licence = str(about.get("licence") or "")
        if "://" in licence:
            g.add((table, DCTERMS.license, _typed(g, URIRef(licence), DCTERMS.LicenseDocument)))
        g.add((table, DCTERMS.isPartOf, self.site.dataset))
        return table

    def _dump(
        self,
        filename: str,
        name: str,
        media_type: str,
        gzipped: bool,
        title: str,
        key: str | None = None,
    ) -> URIRef:
        g = self.graph
        info = self.release.dumps[filename]
        node = _typed(g, self.site.data(f"dataset/distribution/{key or name}"), DCAT.Distribution)
        g.add((node, DCTERMS.title, Literal(title, lang="en")))
        g.add((node, DCTERMS.description, Literal(f"{filename}: {title}", lang="en")))
        g.add((node, DCAT.accessURL, self.site.url("/dumps/")))
        g.add((node, DCAT.downloadURL, self.site.url(f"/dumps/{filename}")))
        g.add((node, DCAT.mediaType, _typed(g, URIRef(IANA + media_type), DCTERMS.MediaType)))
        g.add(
            (
                node,
                DCTERMS.format,
                _typed(
                    g, URIRef(f"{EU}file-type/{EU_FILE_TYPES[name]}"), DCTERMS.MediaTypeOrExtent
                ),
            )
        )
        if gzipped:
            gzip = _typed(g, URIRef(IANA + "application/gzip"), DCTERMS.MediaType)
            g.add((node, DCAT.compressFormat, gzip))
        size_type = XSD.nonNegativeInteger if self.profile == "3.0.1" else XSD.decimal
        g.add((node, DCAT.byteSize, Literal(int(info["bytes"]), datatype=size_type)))  # type: ignore[call-overload]
        if self.profile == "3.0.1":  # DCAT-AP 2.1.1 allows SHA-1 only; we publish SHA-256
            checksum = _typed(g, stable_node("checksum", filename), SPDX.Checksum)
            g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            value = Literal(str(info["sha256"]), datatype=XSD.hexBinary)
            g.add((checksum, SPDX.checksumValue, value))
            g.add((node, SPDX.checksum, checksum))
        g.add((node, DCTERMS.license, LICENSE))
        g.add((node, DCTERMS.modified, self._modified()))
        g.add(
            (
                node,
                DCATAP.availability,
                self._concept("planned-availability/STABLE", STABLE_LABELS),
            )
        )
        return node

    def _sparql_distribution(self, service: URIRef) -> URIRef:
        g = self.graph
        node = _typed(g, self.site.data("dataset/distribution/sparql"), DCAT.Distribution)
        g.add((node, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
        g.add((node, DCTERMS.description, Literal("Query the dataset with SPARQL 1.1", lang="en")))
        g.add((node, DCAT.accessURL, self.site.url("/sparql")))
        g.add((node, DCAT.accessService, service))
        g.add(
            (node, DCATAP.availability, self._concept("planned-availability/STABLE", STABLE_LABELS))
        )
        g.add((node, DCTERMS.license, LICENSE))
        return node

    def _service(self, dataset: URIRef) -> URIRef:
        g = self.graph
        service = _typed(g, self.site.data("dataset/service/sparql"), DCAT.DataService)
        _bilingual(
            g,
            service,
            DCTERMS.title,
            {"en": "kaltim-kg SPARQL endpoint", "id": "Endpoint SPARQL kaltim-kg"},
        )
        g.add((service, DCAT.endpointURL, self.site.url("/sparql")))
        g.add((service, DCAT.endpointDescription, self.site.url("/sparql")))
        g.add((service, DCAT.servesDataset, dataset))
        g.add(
            (
                service,
                DCTERMS.conformsTo,
                _typed(g, URIRef("https://www.w3.org/TR/sparql11-protocol/"), DCTERMS.Standard),
            )
        )
        g.add((service, DCTERMS.publisher, self.publisher))
        g.add((service, DCAT.contactPoint, self.contact))
        g.add((service, DCTERMS.license, LICENSE))
        g.add((service, DCAT.theme, self._concept("data-theme/ECON", THEME_LABELS)))
        for lang, words in KEYWORDS.items():
            g.add((service, DCAT.keyword, Literal(words[0], lang=lang)))
        return service


def catalog_graph(site: Site, release: Release, profile: str = "3.0.1") -> Graph:
    """The DCAT catalogue record in the chosen DCAT-AP profile."""
    return CatalogBuilder(site, release, profile).build()
