"""Facts about the dataset itself (title, licence, publisher…) shared by VoID and DCAT."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from rdflib import BNode, URIRef

from kaltim_kg.store.dumps import CHECKSUMS, DUMP_FORMATS, DumpFormat

LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
TITLE = {
    "en": "East Kalimantan SME exports 2020 knowledge graph",
    "id": "Graf pengetahuan ekspor UKM Kalimantan Timur 2020",
}
DESCRIPTION = {
    "en": (
        "Facts from a public East Kalimantan provincial press release (3 February 2021) on SME "
        "trade in 2020: the SME cohorts and their trade values, the commodities exported and "
        "the 14 destination countries, the agencies and officials involved, each fact with "
        "the source sentence it comes from."
    ),
    "id": (
        "Fakta dari siaran pers Pemerintah Provinsi Kalimantan Timur (3 Februari 2021) tentang "
        "perdagangan UKM tahun 2020: kelompok UKM dan nilai perdagangannya, komoditas ekspor "
        "dan 14 negara tujuan, instansi dan pejabat terkait, setiap fakta beserta kalimat "
        "sumbernya."
    ),
}
KEYWORDS = {
    "en": ["exports", "SME", "East Kalimantan", "trade", "commodities", "Indonesia"],
    "id": ["ekspor", "UKM", "Kalimantan Timur", "perdagangan", "komoditas", "Indonesia"],
}
PUBLISHER_NAME = {"en": "kaltim-kg project", "id": "Proyek kaltim-kg"}
YEAR = 2020
REGION_KEY = "ID-KI"
REGION_GEONAMES = URIRef("http://sws.geonames.org/1641897/")
REGION_WIKIDATA = URIRef("http://www.wikidata.org/entity/Q3899")
EXAMPLE_KEY = ("country", "JP")


def stable_node(kind: str, key: str) -> BNode:
    """A blank node labelled by what it stands for, so the same generation serialises to the
    same bytes (and ETag) on every request: harvesters then get 304, not a re-import."""
    return BNode(f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:16]}")


@dataclass(frozen=True)
class Site:
    """Where this server answers (from the request) and how the data names things."""

    root: str  # e.g. http://127.0.0.1:8080/ (request.url_root)
    base_uri: str  # Settings.base_uri, for data IRIs

    def url(self, path: str) -> URIRef:
        return URIRef(self.root + path.lstrip("/"))

    def data(self, path: str) -> URIRef:
        return URIRef(self.base_uri + path.lstrip("/"))

    @property
    def dataset(self) -> URIRef:
        return self.data("dataset")


@dataclass(frozen=True)
class Release:
    """What one published generation offers: dumps with sizes and checksums, and when."""

    modified: datetime
    dumps: dict[str, dict[str, object]]  # the manifest's dump listing
    statistics: dict[str, object]
    # Graphs added by `load` or `import`, with what is known of them (an imported table's
    # `table` IRI, `title`, `licence`, `source`).
    loaded_graphs: dict[str, dict[str, object]] = field(default_factory=dict)

    def dump_formats(self) -> list[DumpFormat]:
        return [f for f in DUMP_FORMATS if f.filename in self.dumps and f.filename != CHECKSUMS]
