"""The interface's own words in Indonesian and English."""

from __future__ import annotations

from flask import request

from kaltim_kg.web.labels import LANGUAGES

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "dataset": "East Kalimantan SME exports 2020",
        "home": "Home",
        "query": "SPARQL query",
        "dumps": "Downloads",
        "catalog": "Catalogue (DCAT)",
        "void": "VoID",
        "ontology": "Ontology",
        "shapes": "Shapes",
        "properties": "Properties",
        "property": "Property",
        "value": "Value",
        "used_by": "Used by",
        "used_by_more": "More links exist; ask the SPARQL endpoint for all of them.",
        "provenance": "Provenance",
        "evidence": "The source says",
        "source": "Source",
        "formats": "This description as data",
        "identifier": "Identifier",
        "parts": "Parts",
        "other_language": "Bahasa Indonesia",
        "classes": "Classes",
        "example": "Example",
        "domain": "Domain",
        "range": "Range",
        "subclass_of": "Subclass of",
        "file": "File",
        "size": "Size (bytes)",
        "media_type": "Media type",
        "description": "Description",
        "map": "Map",
    },
    "id": {
        "dataset": "Ekspor UKM Kalimantan Timur 2020",
        "home": "Beranda",
        "query": "Kueri SPARQL",
        "dumps": "Unduhan",
        "catalog": "Katalog (DCAT)",
        "void": "VoID",
        "ontology": "Ontologi",
        "shapes": "Shape",
        "properties": "Properti",
        "property": "Properti",
        "value": "Nilai",
        "used_by": "Dirujuk oleh",
        "used_by_more": "Masih ada rujukan lain; tanyakan semuanya ke endpoint SPARQL.",
        "provenance": "Asal-usul",
        "evidence": "Kata sumber",
        "source": "Sumber",
        "formats": "Deskripsi ini sebagai data",
        "identifier": "Pengenal",
        "parts": "Bagian",
        "other_language": "English",
        "classes": "Kelas",
        "example": "Contoh",
        "domain": "Domain",
        "range": "Jangkauan",
        "subclass_of": "Subkelas dari",
        "file": "Berkas",
        "size": "Ukuran (bita)",
        "media_type": "Jenis media",
        "description": "Keterangan",
        "map": "Peta",
    },
}


def request_language() -> str:
    """`?lang=id|en`, else the browser's preference, else English."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(["en", "id"], default="en") or "en"


def texts(lang: str) -> dict[str, str]:
    return TEXTS[lang]
