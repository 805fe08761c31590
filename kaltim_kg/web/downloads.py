"""Dumps at /dumps/ with checksums and cache validators, and the JSON-LD @context.

Files come from the current generation's dumps directory, written at build time. Each is
immutable within its generation, so its SHA-256 (read from the generation's SHA256SUMS,
never recomputed per request) is a strong ETag. Gzipped dumps are served as the gzip file
itself (`Content-Type: application/gzip`, no `Content-Encoding`): a harvester or `curl -O`
then saves exactly the bytes SHA256SUMS lists, instead of a transparently inflated copy.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Response, render_template, send_file, url_for

from kaltim_kg.formats import Format
from kaltim_kg.graph import jsonld
from kaltim_kg.store.csv_tables import MEDIA_TYPES as TIDY_MEDIA_TYPES
from kaltim_kg.store.csv_tables import TITLES as TIDY_TITLES
from kaltim_kg.store.dumps import CHECKSUMS, DUMP_FORMATS, DUMPS_BY_NAME, DumpFormat
from kaltim_kg.web import current
from kaltim_kg.web.negotiation import HTML, choose_format, conditional, html_response, plain
from kaltim_kg.web.texts import request_language, texts

bp = Blueprint("downloads", __name__)

JSON = Format("json", "application/json", ("json",), "json", "listing")
GZIP = "application/gzip"
_BY_FILENAME = {fmt.filename: fmt for fmt in DUMP_FORMATS}


@dataclass(frozen=True)
class DumpFile:
    """One file offered for download."""

    name: str
    url: str
    media_type: str  # the RDF media type of the (uncompressed) content
    content_type: str  # what the HTTP response says
    compression: str | None
    bytes: int
    sha256: str
    modified: str
    title: str


@functools.lru_cache(maxsize=16)
def _checksums(path: Path) -> dict[str, str]:
    """name → sha256 from a SHA256SUMS file (cached: a generation never changes)."""
    sums: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if name:
            sums[name] = digest
    return sums


@functools.lru_cache(maxsize=16)
def _sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump_files() -> list[DumpFile]:
    """The dumps of the current generation, SHA256SUMS last."""
    directory = current.store().generation.dumps_dir
    sums = _checksums(directory / CHECKSUMS)
    files = []
    for name in [*sorted(sums), CHECKSUMS]:
        path = directory / name
        if not path.is_file():
            continue
        fmt = _BY_FILENAME.get(name)
        stat = path.stat()
        media_type = fmt.media_type if fmt else TIDY_MEDIA_TYPES.get(name, "text/plain")
        files.append(
            DumpFile(
                name=name,
                url=url_for("downloads.download", name=name, _external=True),
                media_type=media_type,
                content_type=_content_type(fmt, media_type),
                compression=GZIP if fmt and fmt.gzipped else None,
                bytes=stat.st_size,
                sha256=sums.get(name) or _sha256_of(path),
                modified=datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(),
                title=fmt.title
                if fmt
                else TIDY_TITLES.get(name, "SHA-256 checksums of the files above"),
            )
        )
    return files


def _content_type(fmt: DumpFormat | None, media_type: str) -> str:
    """What a download is sent as: the gzip file itself, or UTF-8 text of its type."""
    if fmt is not None and fmt.gzipped:
        return GZIP
    return f"{media_type}; charset=utf-8"


@bp.route("/dumps/")
def listing() -> Response:
    """The downloads page, or its JSON twin (Accept: application/json or ?format=json)."""
    fmt = choose_format((HTML, JSON), default=HTML)
    files = dump_files()
    if fmt is JSON:
        body = {
            "generation": current.store().generation.id,
            "context": url_for("downloads.context", _external=True),
            "files": [asdict(f) for f in files],
        }
        response = conditional(Response(json.dumps(body, indent=2), mimetype="application/json"))
    else:
        lang = request_language()
        page = render_template(
            "ld_dumps.html", files=files, formats=DUMPS_BY_NAME, lang=lang, t=texts(lang)
        )
        response = html_response(page)
    response.vary.add("Accept")
    return response


@bp.route("/dumps/<name>")
def download(name: str) -> Response:
    """One dump file with a strong ETag (its SHA-256), Last-Modified and Content-Length."""
    files = {f.name: f for f in dump_files()}
    if name not in files:
        return plain(404, f"Not Found: no download named {name}")
    meta = files[name]
    path = current.store().generation.dumps_dir / name
    response = send_file(
        path,
        mimetype=meta.content_type,
        conditional=True,
        etag=meta.sha256,
        last_modified=path.stat().st_mtime,
        max_age=0,
    )
    # send_file appends its own charset to text/* types: say it once, as meta has it.
    response.headers["Content-Type"] = meta.content_type
    response.cache_control.public = True
    response.cache_control.no_cache = True  # revalidate: the next build replaces the file
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route(jsonld.CONTEXT_PATH)
def context() -> Response:
    """The JSON-LD @context used by the JSON-LD dump and JSON-LD responses."""
    body = json.dumps(jsonld.context(), indent=2)
    response = conditional(Response(body, mimetype="application/ld+json"))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
