"""Read an article to draft from: a text file with optional `key: value` header lines ended
by `---`, a saved HTML page (boilerplate removed by trafilatura), or a URL.

Whatever cannot be an Indonesian article is refused with one reason: empty, binary, too
large (> 5 MB), or in another language.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from kaltim_kg.errors import ArticleError

MAX_BYTES = 5 * 1024 * 1024
_HEADER_LINE = re.compile(r"^(?P<key>[A-Za-z][\w-]*)\s*:\s*(?P<value>.*)$")
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta)\b", re.I | re.S
)
# Words that make up a large share of any Indonesian text and almost none of English,
# Malay aside (a Malay text passes, which is acceptable for a draft a person reviews).
_FUNCTION_WORDS = frozenset(
    [
        "yang",
        "dan",
        "di",
        "ke",
        "dari",
        "dengan",
        "untuk",
        "ini",
        "itu",
        "pada",
        "dalam",
        "tidak",
        "juga",
        "akan",
        "sudah",
        "atau",
        "karena",
        "oleh",
        "bahwa",
        "telah",
        "adalah",
        "para",
        "serta",
        "tersebut",
        "kami",
        "kita",
        "mereka",
        "sebagai",
        "bisa",
        "lebih",
        "masih",
        "ada",
        "saat",
        "agar",
        "meski",
        "namun",
        "sejumlah",
        "tahun",
        "hingga",
        "sebesar",
        "mencapai",
        "kata",
        "ujar",
    ]
)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Article:
    """An article's body text and what is known about it."""

    text: str  # paragraphs separated by blank lines
    origin: str  # the path or URL it was read from
    kind: str  # "text" or "html"
    header: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str | None:
        return self.header.get("title") or None

    @property
    def url(self) -> str | None:
        return self.header.get("url") or None

    @property
    def date_published(self) -> dt.date | None:
        value = self.header.get("date_published") or self.header.get("date")
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None


def read_article(path: Path) -> Article:
    """Read an article file; ArticleError names the file and the reason."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if path.is_dir():
        raise ArticleError(f"{path}: is a folder, not an article")
    if size > MAX_BYTES:
        raise ArticleError(f"{path}: too large ({size} bytes; an article is at most {MAX_BYTES})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    is_html = path.suffix.lower() in (".html", ".htm", ".xhtml")
    return parse_article(data, str(path), is_html=is_html or None)


def fetch_article(url: str, timeout: float = 20.0) -> Article:
    """Fetch an article over HTTP(S), reading at most MAX_BYTES; ArticleError on failure."""
    if not re.match(r"^https?://", url, re.I):
        raise ArticleError(f"{url}: only http and https URLs can be fetched")
    request = urllib.request.Request(url, headers={"User-Agent": "kaltim-kg-extract"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(MAX_BYTES + 1)
            content_type = response.headers.get_content_type()
            final_url = response.geturl()
    except urllib.error.HTTPError as exc:
        raise ArticleError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise ArticleError(f"{url}: cannot fetch: {reason}") from exc
    if len(data) > MAX_BYTES:
        raise ArticleError(f"{url}: too large (more than {MAX_BYTES} bytes)")
    if content_type not in ("text/html", "application/xhtml+xml", "text/plain"):
        raise ArticleError(f"{url}: not an article (content type {content_type})")
    article = parse_article(data, url, is_html=content_type != "text/plain")
    header = {"url": final_url, **article.header}
    return Article(article.text, url, article.kind, header)


def parse_article(data: bytes, origin: str, is_html: bool | None = None) -> Article:
    """Turn raw bytes into an Article; `is_html` None means: decide from the content."""
    if len(data) > MAX_BYTES:
        raise ArticleError(f"{origin}: too large ({len(data)} bytes; at most {MAX_BYTES})")
    if not data.strip():
        raise ArticleError(f"{origin}: empty (no text to draft from)")
    if _looks_binary(data):
        raise ArticleError(f"{origin}: binary data, not text or HTML")
    if is_html is None:
        is_html = bool(_HTML_START.match(data[:4096]))
    article = _from_html(data, origin) if is_html else _from_text(_decode(data, origin), origin)
    if not article.text.strip():
        raise ArticleError(f"{origin}: no article text found")
    language = article.header.get("language", "").strip().lower()
    if language and not language.startswith("id"):
        raise ArticleError(f"{origin}: language is {language!r}; only Indonesian is drafted")
    if not looks_indonesian(article.text):
        raise ArticleError(f"{origin}: does not read as Indonesian text")
    return article


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) // 100


def _decode(data: bytes, origin: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Windows-saved text is the usual other encoding; cp1252 leaves five bytes undefined,
    # and a file using them is something else.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{origin}: not UTF-8 or Windows-1252 text") from exc


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Leading `key: value` lines closed by a line `---` → (header, body); none → ({}, text)."""
    lines = text.splitlines(keepends=True)
    header: dict[str, str] = {}
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped == "---":
            return (header, "".join(lines[number + 1 :])) if header else ({}, text)
        match = _HEADER_LINE.match(stripped)
        if not match:
            return {}, text
        header[match.group("key").lower()] = match.group("value").strip()
    return {}, text


def _from_text(text: str, origin: str) -> Article:
    header, body = split_header(text)
    return Article(_normalise_paragraphs(body), origin, "text", header)


def _from_html(data: bytes, origin: str) -> Article:
    import trafilatura  # imported here: it is slow to load and only HTML needs it

    document = trafilatura.bare_extraction(
        data,
        url=origin if origin.startswith("http") else None,
        with_metadata=True,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        deduplicate=True,
    )
    if document is None or not (document.text or "").strip():
        raise ArticleError(f"{origin}: no article text found in the HTML")
    header = {"language": "", "title": document.title or "", "url": document.url or ""}
    if document.date:
        header["date_published"] = document.date
    if getattr(document, "sitename", None):
        header["publisher"] = document.sitename
    # trafilatura writes one paragraph a line; a blank line between them keeps them apart
    text = "\n\n".join(line.strip() for line in document.text.splitlines() if line.strip())
    return Article(text + "\n", origin, "html", {k: v for k, v in header.items() if v})


def _normalise_paragraphs(body: str) -> str:
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return body + "\n"


def looks_indonesian(text: str) -> bool:
    """Whether common Indonesian function words make up a plausible share of the words."""
    words = [w.casefold() for w in _WORD.findall(text[:20000])]
    if not words:
        return False
    hits = sum(1 for w in words if w in _FUNCTION_WORDS)
    if len(words) < 12:
        return hits >= 1
    return hits / len(words) >= 0.06
