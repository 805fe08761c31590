"""What search and the lists share: the per-generation index, parameters, formats, errors.

The index of every kind (`link/kinds.py`) is built once per generation and per process, as
soon as the generation goes live (`watch`, in serve's processes) or at the first request
that needs it, and only the current generation's is kept,
so memory stays bounded by one index however many builds a server lives through.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass

from flask import Flask, Response, current_app, request

from kaltim_kg.errors import KaltimKGError
from kaltim_kg.link.kinds import KindIndex, build_kind_index
from kaltim_kg.link.listing import BadListRequest, Lists
from kaltim_kg.web import current
from kaltim_kg.web.negotiation import plain

EXTENSION = "kaltim_kg_browse_index"
MAX_PARAMETERS = 20
MAX_QUERY_STRING = 4096
# ?format= names, and the media types Accept may name for them.
FORMATS = {"html": "text/html", "json": "application/json", "csv": "text/csv"}


@dataclass(frozen=True)
class Browse:
    generation: str
    kinds: KindIndex
    lists: Lists


class BrowseCache:
    """The browse index of the generation a request reads, built when first needed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: Browse | None = None

    def get(self) -> Browse:
        opened = current.store()
        built = self._built
        if built is not None and built.generation == opened.generation.id:
            return built
        with self._lock:
            if self._built is None or self._built.generation != opened.generation.id:
                kinds = build_kind_index(opened.store, current.settings().base_uri)
                self._built = Browse(opened.generation.id, kinds, Lists(kinds))
            return self._built

    def put(self, browse: Browse) -> None:
        """Use an index built elsewhere (benchmarks over a larger graph)."""
        self._built = browse


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = BrowseCache()


def watch(app: Flask, interval: float = 1.0) -> threading.Thread:
    """Build each generation's index as soon as it goes live, from a daemon thread (serve's
    server processes), so that no visitor waits for it (about 2 s with every vocabulary).

    A look costs a readlink; a store not built yet is looked at again later.
    """
    cache: BrowseCache = app.extensions[EXTENSION]

    def loop() -> None:
        while True:
            with app.app_context(), contextlib.suppress(KaltimKGError, OSError):
                cache.get()
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="browse-index", daemon=True)
    thread.start()
    return thread


def browse() -> Browse:
    return current_app.extensions[EXTENSION].get()


def parameters() -> dict[str, str]:
    """The query string as one value per name; BadListRequest when it is too large or repeats."""
    if len(request.query_string) > MAX_QUERY_STRING:
        raise BadListRequest(f"query string over {MAX_QUERY_STRING} bytes")
    if len(request.args) > MAX_PARAMETERS:
        raise BadListRequest(f"more than {MAX_PARAMETERS} parameters")
    values: dict[str, str] = {}
    for name in request.args:
        given = request.args.getlist(name)
        if len(given) > 1:
            raise BadListRequest(f"parameter {name[:50]!r} given more than once")
        values[name] = given[0]
    return values


def output_format(params: dict[str, str], offers: tuple[str, ...]) -> str | None:
    """`?format=` else `Accept` (HTML when it says nothing); None when nothing fits (406)."""
    asked = params.get("format")
    if asked:
        if asked not in offers:
            raise BadListRequest(f"unknown format {asked[:20]!r}; use {', '.join(offers)}")
        return asked
    accept = request.accept_mimetypes
    if not accept or accept.best in ("", "*/*"):
        return "html"
    best = accept.best_match([FORMATS[f] for f in offers])
    return next((f for f in offers if FORMATS[f] == best), None)


def bad_request(error: BadListRequest) -> Response:
    return plain(400, f"Bad Request: {str(error).splitlines()[0]}")


def not_acceptable(offers: tuple[str, ...]) -> Response:
    types = ", ".join(FORMATS[f] for f in offers)
    response = plain(406, f"Not Acceptable: this list is available as {types}")
    response.vary.add("Accept")
    return response


# The words of the search and list pages, in Indonesian and English.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "search": "Search",
        "search_hint": "A name or a code: Jepang, Japan, JP, 392, 0306, Kutai",
        "search_list": "Search this list",
        "results": "results",
        "no_results": "Nothing found. Try a shorter word, the other language, or a code.",
        "all_kinds": "All kinds",
        "kinds": "Browse by kind",
        "match": "Match",
        "codes": "Codes",
        "kind": "Kind",
        "page": "Page",
        "of": "of",
        "previous": "Previous",
        "next": "Next",
        "download": "Download",
        "label": "Name",
        "code": "Code",
        "value": "Value",
        "narrower": "Narrower",
        "filters": "Filters",
        "remove": "remove",
        "members": "members",
        "showing": "showing",
        "top_level": "Top level",
        "flat": "Every member as one list",
        "sorted_by": "sorted by",
        "more_values": "more",
        "code_match": "exact code",
        "label_match": "exact name",
        "alias_match": "other name",
        "core_match": "name",
        "prefix_match": "starts with",
        "fuzzy_match": "similar",
    },
    "id": {
        "search": "Cari",
        "search_hint": "Nama atau kode: Jepang, Japan, JP, 392, 0306, Kutai",
        "search_list": "Cari di daftar ini",
        "results": "hasil",
        "no_results": "Tidak ditemukan. Coba kata yang lebih pendek, bahasa lain, atau kode.",
        "all_kinds": "Semua jenis",
        "kinds": "Jelajahi menurut jenis",
        "match": "Kecocokan",
        "codes": "Kode",
        "kind": "Jenis",
        "page": "Halaman",
        "of": "dari",
        "previous": "Sebelumnya",
        "next": "Berikutnya",
        "download": "Unduh",
        "label": "Nama",
        "code": "Kode",
        "value": "Nilai",
        "narrower": "Turunan",
        "filters": "Saringan",
        "remove": "hapus",
        "members": "anggota",
        "showing": "ditampilkan",
        "top_level": "Tingkat teratas",
        "flat": "Semua anggota dalam satu daftar",
        "sorted_by": "diurutkan menurut",
        "more_values": "lainnya",
        "code_match": "kode tepat",
        "label_match": "nama tepat",
        "alias_match": "nama lain",
        "core_match": "nama",
        "prefix_match": "berawalan",
        "fuzzy_match": "mirip",
    },
}


# Column and facet headings; a column not named here is headed by its parameter name.
HEADINGS: dict[str, dict[str, str]] = {
    "en": {},
    "id": {
        "year": "tahun",
        "quarter": "triwulan",
        "month": "bulan",
        "date": "tanggal",
        "members": "anggota",
        "commodity": "komoditas",
        "destination": "tujuan",
        "origin": "asal",
        "partner": "mitra",
        "exporter": "eksportir",
        "province": "provinsi",
        "country": "negara",
        "source": "sumber",
        "broader": "induk",
        "publisher": "penerbit",
    },
}


def words(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["en"])


def heading(name: str, lang: str) -> str:
    """A column's heading in `lang` (its parameter name stays what filters use)."""
    return HEADINGS.get(lang, {}).get(name, name.replace("-", " "))
