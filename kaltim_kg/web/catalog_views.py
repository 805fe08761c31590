"""View models for the human pages of the catalogue, VoID, the dataset, its graphs and the
SPARQL service: read from the same RDF graphs the machine answers are written from, so a
page never says what the data does not."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS
from rdflib.term import Node

from kaltim_kg.catalog.metadata import Release
from kaltim_kg.namespaces import SD, SPDX, VOID
from kaltim_kg.store.statistics import COUNTS
from kaltim_kg.web.presentation import Presenter, Value, safe_href

PROPERTY_ROWS = 25  # the most used properties a page lists; the RDF lists them all


@dataclass
class Counted:
    """A class, property or graph with a number beside it."""

    link: Value
    count: int


@dataclass
class GraphRow:
    link: Value
    iri: str
    triples: int
    entities: int
    licence: Value | None
    origin: str  # "build" or "load"
    loaded: str | None


@dataclass
class Overview:
    """The dataset as VoID and /dataset show it."""

    title: str
    description: str
    licence: Value | None
    modified: str
    counts: dict[str, int]
    graphs: list[GraphRow]
    classes: list[Counted]
    properties: list[Counted]
    properties_total: int
    linksets: list[Counted]
    vocabularies: list[Value]
    example: Value | None
    endpoint: str | None


@dataclass
class Distribution:
    title: str
    download: str | None
    access: str | None
    media_type: str
    compressed: bool
    size: int | None
    sha256: str | None


@dataclass
class CatalogView:
    """The DCAT record as the /catalog page shows it."""

    title: str
    description: str
    dataset_title: str
    dataset_description: str
    dataset: str
    keywords: list[str]
    licence: Value | None
    publisher: str
    modified: str
    period: str
    places: list[Value]
    distributions: list[Distribution]
    service: Distribution | None
    parts: list[tuple[Value, Value | None]] = field(default_factory=list)


def _text(graph: Graph, subject: Node, predicate: URIRef, lang: str) -> str:
    """The literal in the reader's language, else English, else any."""
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    for wanted in (lang, "en"):
        for value in values:
            if value.language == wanted:
                return str(value)
    return str(values[0]) if values else ""


def _number(graph: Graph, subject: Node, predicate: URIRef) -> int:
    value = graph.value(subject, predicate)
    return int(value.toPython()) if isinstance(value, Literal) else 0


# Licences by the names people know them by (the store labels only its own things).
LICENCE_NAMES = {
    "https://creativecommons.org/licenses/by/4.0/": "CC BY 4.0",
    "https://creativecommons.org/licenses/by-sa/4.0/": "CC BY-SA 4.0",
    "https://creativecommons.org/publicdomain/zero/1.0/": "CC0 1.0",
    "http://opendatacommons.org/licenses/odbl/1-0/": "ODbL 1.0",
}


def _link(presenter: Presenter, node: Node | None) -> Value | None:
    if isinstance(node, URIRef):
        return link_to(presenter, str(node))
    return None


def link_to(presenter: Presenter, iri: str) -> Value:
    """A term's link as pages show it; a known licence by its short name."""
    value = presenter.iri_value(iri)
    name = LICENCE_NAMES.get(iri)
    return replace(value, text=name) if name else value


# The graphs `build` writes beside the articles' own, by what they hold.
BUILT_GRAPHS = {
    "en": {
        "reference": "Reference data: countries, world regions, provinces, commodities, HS codes",
        "ontology": "The kaltim-kg ontology",
    },
    "id": {
        "reference": "Data rujukan: negara, kawasan dunia, provinsi, komoditas, kode HS",
        "ontology": "Ontologi kaltim-kg",
    },
}


def graph_heading(presenter: Presenter, release: Release, iri: str) -> str:
    """A graph by what people know it as: its article's title, what a built graph holds, an
    imported table's title, else its IRI."""
    base = presenter.base_uri
    name = iri.removeprefix(f"{base}graph/")
    if name != iri:
        article = presenter.labels.label(f"{base}id/source/{name}")
        known = BUILT_GRAPHS[presenter.labels.lang].get(name)
        if article or known:
            return article or known  # type: ignore[return-value]
    title = release.loaded_graphs.get(iri, {}).get("title")
    return str(title) if title else iri


def overview(void: Graph, dataset: URIRef, presenter: Presenter, release: Release) -> Overview:
    """The dataset, its graphs, classes, properties and links, from its VoID graph."""
    lang = presenter.labels.lang
    graphs = []
    for subset in sorted(void.objects(dataset, VOID.subset), key=str):
        if (subset, RDF.type, VOID.Linkset) in void:
            continue
        about = release.loaded_graphs.get(str(subset), {})
        graphs.append(
            GraphRow(
                link=replace(
                    presenter.iri_value(str(subset)),
                    text=graph_heading(presenter, release, str(subset)),
                ),
                iri=str(subset),
                triples=_number(void, subset, VOID.triples),
                entities=_number(void, subset, VOID.entities),
                licence=_link(presenter, void.value(subset, DCTERMS.license)),
                origin="load" if about else "build",
                loaded=str(about.get("loaded")) if about.get("loaded") else None,
            )
        )
    classes = [
        Counted(
            presenter.iri_value(str(void.value(p, VOID["class"]))), _number(void, p, VOID.entities)
        )
        for p in void.objects(dataset, VOID.classPartition)
    ]
    properties = [
        Counted(
            presenter.iri_value(str(void.value(p, VOID.property))), _number(void, p, VOID.triples)
        )
        for p in void.objects(dataset, VOID.propertyPartition)
    ]
    linksets = [
        Counted(
            Value(_text(void, s, DCTERMS.title, lang), iri=str(void.value(s, VOID.objectsTarget))),
            _number(void, s, VOID.triples),
        )
        for s in sorted(void.objects(dataset, VOID.subset), key=str)
        if (s, RDF.type, VOID.Linkset) in void
    ]
    by_count = lambda c: (-c.count, c.link.text)  # noqa: E731
    example = void.value(dataset, VOID.exampleResource)
    endpoint = void.value(dataset, VOID.sparqlEndpoint)
    return Overview(
        title=_text(void, dataset, DCTERMS.title, lang),
        description=_text(void, dataset, DCTERMS.description, lang),
        licence=_link(presenter, void.value(dataset, DCTERMS.license)),
        modified=str(void.value(dataset, DCTERMS.modified) or ""),
        counts={name: _number(void, dataset, VOID[name]) for name in COUNTS},
        graphs=graphs,
        classes=sorted(classes, key=by_count),
        properties=sorted(properties, key=by_count)[:PROPERTY_ROWS],
        properties_total=len(properties),
        linksets=linksets,
        vocabularies=[
            Value(str(v), href=safe_href(str(v)), iri=str(v))
            for v in sorted(void.objects(dataset, VOID.vocabulary), key=str)
        ],
        example=_link(presenter, example),
        endpoint=str(endpoint) if endpoint else None,
    )


def _distribution(graph: Graph, node: Node, lang: str) -> Distribution:
    media = graph.value(node, DCAT.mediaType)
    checksum = graph.value(node, SPDX.checksum)
    size = graph.value(node, DCAT.byteSize)
    download = graph.value(node, DCAT.downloadURL)
    access = graph.value(node, DCAT.accessURL)
    return Distribution(
        title=_text(graph, node, DCTERMS.title, lang),
        download=safe_href(str(download)) if download else None,
        access=safe_href(str(access)) if access else None,
        media_type=str(media).rsplit("media-types/", 1)[-1] if media else "",
        compressed=graph.value(node, DCAT.compressFormat) is not None,
        size=int(size.toPython()) if isinstance(size, Literal) else None,
        sha256=str(graph.value(checksum, SPDX.checksumValue)) if checksum is not None else None,
    )


def catalog_view(dcat: Graph, catalog: URIRef, presenter: Presenter) -> CatalogView:
    """The catalogue, its dataset, the distributions and the SPARQL service."""
    lang = presenter.labels.lang
    dataset = dcat.value(catalog, DCAT.dataset)
    distributions, service = [], None
    for node in sorted(dcat.objects(dataset, DCAT.distribution), key=str):
        if dcat.value(node, DCAT.accessService) is not None:
            service = _distribution(dcat, node, lang)
        else:
            distributions.append(_distribution(dcat, node, lang))
    distributions.sort(key=lambda d: d.title)
    period = dcat.value(dataset, DCTERMS.temporal)
    start, end = dcat.value(period, DCAT.startDate), dcat.value(period, DCAT.endDate)
    publisher = dcat.value(dataset, DCTERMS.publisher)
    keywords = sorted(
        str(k)
        for k in dcat.objects(dataset, DCAT.keyword)
        if isinstance(k, Literal) and k.language == lang
    )
    parts = []
    for part in sorted(dcat.objects(dataset, DCTERMS.hasPart), key=str):
        link = presenter.iri_value(str(part))
        # a table's title is in the catalogue, not always in the store
        title = _text(dcat, part, DCTERMS.title, lang) or link.text
        parts.append(
            (replace(link, text=title), _link(presenter, dcat.value(part, DCTERMS.license)))
        )
    return CatalogView(
        title=_text(dcat, catalog, DCTERMS.title, lang),
        description=_text(dcat, catalog, DCTERMS.description, lang),
        dataset_title=_text(dcat, dataset, DCTERMS.title, lang),
        dataset_description=_text(dcat, dataset, DCTERMS.description, lang),
        dataset=str(dataset),
        keywords=keywords,
        licence=_link(presenter, dcat.value(dataset, DCTERMS.license)),
        publisher=_text(dcat, publisher, FOAF.name, lang) if publisher else "",
        modified=str(dcat.value(dataset, DCTERMS.modified) or ""),
        period=f"{start} {'s.d.' if lang == 'id' else 'to'} {end}" if start and end else "",
        places=[
            v for v in (_link(presenter, p) for p in dcat.objects(dataset, DCTERMS.spatial)) if v
        ],
        distributions=distributions,
        service=service,
        parts=parts,
    )


@dataclass
class ServiceView:
    endpoint: str
    languages: list[str]
    features: list[str]
    result_formats: list[str]
    comment: str
    default_graph: str
    graphs: list[Counted]


def _local_name(node: Node) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def service_view(sd: Graph, presenter: Presenter, release: Release) -> ServiceView:
    """The SPARQL service description: what the endpoint speaks, and its graphs."""
    service = next(sd.subjects(RDF.type, SD.Service))
    dataset = sd.value(service, SD.defaultDataset)
    graphs = []
    for named in sd.objects(dataset, SD.namedGraph):
        described = sd.value(named, SD.graph)
        name = str(sd.value(named, SD.name))
        graphs.append(
            Counted(
                replace(presenter.iri_value(name), text=graph_heading(presenter, release, name)),
                _number(sd, described, VOID.triples),
            )
        )
    default = sd.value(dataset, SD.defaultGraph)
    return ServiceView(
        endpoint=str(sd.value(service, SD.endpoint)),
        languages=sorted(_local_name(o) for o in sd.objects(service, SD.supportedLanguage)),
        features=sorted(_local_name(o) for o in sd.objects(service, SD.feature)),
        result_formats=sorted(
            _local_name(o).replace("_", " ") for o in sd.objects(service, SD.resultFormat)
        ),
        comment=_text(sd, service, RDFS.comment, "en"),
        default_graph=_text(sd, default, RDFS.comment, "en") if default else "",
        graphs=sorted(graphs, key=lambda c: str(c.link.iri)),
    )


def counts_of(stats: dict[str, object]) -> dict[str, int]:
    """The VoID counts among `stats`, in VoID's order."""
    return {name: int(stats[name]) for name in COUNTS if name in stats}  # type: ignore[call-overload]


# The words of these pages (texts.py holds the site-wide ones).
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "void_title": "VoID description of the dataset",
        "void_lead": "The dataset's statistics for machines (VoID), shown for people.",
        "dataset_lead": "What the dataset holds, where it comes from, and how to get it.",
        "catalog_lead": (
            "The catalogue record portals harvest (DCAT-AP 3.0.1; add ?profile=2.1.1 for "
            "DCAT-AP 2.1.1), shown for people."
        ),
        "service_title": "SPARQL service description",
        "service_lead": "What the SPARQL endpoint speaks, and the graphs it queries.",
        "graph_lead": "A named graph of the dataset.",
        "licence": "Licence",
        "modified": "Last changed",
        "publisher": "Publisher",
        "keywords": "Keywords",
        "period": "Period covered",
        "places": "Places",
        "counts": "In numbers",
        "triples": "Triples",
        "entities": "Entities",
        "classes": "Classes",
        "properties": "Properties",
        "distinctSubjects": "Distinct subjects",
        "distinctObjects": "Distinct objects",
        "graphs": "Named graphs",
        "graph": "Graph",
        "origin": "Origin",
        "build": "built from the curated files",
        "load": "loaded",
        "loaded": "Loaded",
        "class": "Class",
        "count": "Count",
        "property": "Property",
        "top_properties": "The {shown} most used of {total} properties.",
        "linksets": "Links to other datasets",
        "vocabularies": "Vocabularies used",
        "example": "An example resource",
        "endpoint": "SPARQL endpoint",
        "downloads": "Downloads",
        "distribution": "Distribution",
        "size": "Size (bytes)",
        "checksum": "SHA-256",
        "media_type": "Media type",
        "parts": "Tables imported into the dataset",
        "service": "Query service",
        "languages": "Query languages",
        "features": "Features",
        "result_formats": "Result formats",
        "limits": "Limits",
        "default_graph": "Default graph",
        "source": "Source",
        "examples": "Example resources",
        "files": "Files loaded",
        "get_graph": "This graph's triples",
        "too_big": "The graph holds more than {rows} triples, more than one query answers: "
        "take the N-Quads dump, which keeps the graph names.",
        "whole_dumps": "The whole dataset with its graph names",
        "dataset": "Dataset",
        "catalogue": "Catalogue",
        "see_also": "See also",
    },
    "id": {
        "void_title": "Deskripsi VoID dataset",
        "void_lead": "Statistik dataset untuk mesin (VoID), ditampilkan untuk manusia.",
        "dataset_lead": "Isi dataset, asal-usulnya, dan cara mendapatkannya.",
        "catalog_lead": (
            "Rekam katalog yang dipanen portal (DCAT-AP 3.0.1; tambahkan ?profile=2.1.1 untuk "
            "DCAT-AP 2.1.1), ditampilkan untuk manusia."
        ),
        "service_title": "Deskripsi layanan SPARQL",
        "service_lead": "Apa yang dipahami endpoint SPARQL, dan graf yang dikuerinya.",
        "graph_lead": "Sebuah graf bernama dalam dataset.",
        "licence": "Lisensi",
        "modified": "Terakhir diubah",
        "publisher": "Penerbit",
        "keywords": "Kata kunci",
        "period": "Periode",
        "places": "Wilayah",
        "counts": "Dalam angka",
        "triples": "Tripel",
        "entities": "Entitas",
        "classes": "Kelas",
        "properties": "Properti",
        "distinctSubjects": "Subjek berbeda",
        "distinctObjects": "Objek berbeda",
        "graphs": "Graf bernama",
        "graph": "Graf",
        "origin": "Asal",
        "build": "dibangun dari berkas kurasi",
        "load": "dimuat",
        "loaded": "Dimuat",
        "class": "Kelas",
        "count": "Jumlah",
        "property": "Properti",
        "top_properties": "{shown} properti yang paling sering dipakai dari {total}.",
        "linksets": "Tautan ke dataset lain",
        "vocabularies": "Kosakata yang dipakai",
        "example": "Contoh sumber daya",
        "endpoint": "Endpoint SPARQL",
        "downloads": "Unduhan",
        "distribution": "Distribusi",
        "size": "Ukuran (bita)",
        "checksum": "SHA-256",
        "media_type": "Jenis media",
        "parts": "Tabel yang diimpor ke dataset",
        "service": "Layanan kueri",
        "languages": "Bahasa kueri",
        "features": "Fitur",
        "result_formats": "Format hasil",
        "limits": "Batas",
        "default_graph": "Graf bawaan",
        "source": "Sumber",
        "examples": "Contoh sumber daya",
        "files": "Berkas yang dimuat",
        "get_graph": "Tripel graf ini",
        "too_big": "Graf ini memuat lebih dari {rows} tripel, lebih dari yang dijawab satu "
        "kueri: ambil dump N-Quads, yang menyimpan nama graf.",
        "whole_dumps": "Seluruh dataset beserta nama grafnya",
        "dataset": "Dataset",
        "catalogue": "Katalog",
        "see_also": "Lihat juga",
    },
}
