"""`kaltim-kg extract`: read an article, draft its fact file, check the draft with the
project's own reader (together with the published files it links to), then put the draft
and its text file in place. Nothing is left half-written: both are written beside their
final names and renamed only once the draft reads back clean.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from kaltim_kg.errors import ArticleError, FactsError, FactsErrors
from kaltim_kg.facts.reader import data_files, read_facts
from kaltim_kg.facts.reference import Reference, load_reference
from kaltim_kg.ingest.article import Article, fetch_article, read_article
from kaltim_kg.ingest.draft import Draft, Known, draft_article, without_records
from kaltim_kg.ingest.legacy import to_first_format
from kaltim_kg.ingest.render import (
    ReviewItem,
    render,
    render_with_spans,
    summary,
    write_atomically,
)

_URL = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Extracted:
    draft: Draft
    yaml_path: Path
    text_path: Path
    review: list[ReviewItem]
    counts: dict[str, int]
    notes: int  # facts linked to what other sources published
    known_unreadable: str | None  # why the published files could not be linked to, if so


def load_article(location: str, url: str | None = None) -> Article:
    """A path or an http(s) URL; `url` is where the article was published, when its text
    does not say (a release pasted from a message has no header)."""
    article = fetch_article(location) if _URL.match(location) else read_article(Path(location))
    if url is None:
        return article
    if not _URL.match(url) or any(c.isspace() for c in url):
        raise ArticleError(f"{url}: --url must be an http(s) URL")
    stated = article.header.get("url")
    if stated and stated != url and article.kind == "text":
        raise ArticleError(f"{location}: its header says url {stated}, not {url}")
    return Article(article.text, article.origin, article.kind, {**article.header, "url": url})


def _known(
    data_dir: Path | None, reference: Reference, skip: str
) -> tuple[Known, list[Path], str | None]:
    if data_dir is None:
        return Known(), [], None
    try:
        paths = [p for p in data_files(data_dir) if p.stem != skip]
        if not paths:
            return Known(), [], None
        raw = [yaml.safe_load(p.read_text(encoding="utf-8")) or {} for p in paths]
        return Known.from_facts(read_facts(paths, reference), raw), paths, None
    except FactsErrors as exc:
        first = str(exc).splitlines()[0] if str(exc) else "unreadable"
        return Known(), [], first


def extract(
    location: str,
    out: Path | None = None,
    data_dir: Path | None = None,
    reference: Reference | None = None,
    overwrite: bool = False,
    url: str | None = None,
) -> Extracted:
    """Draft the fact file of the article at `location` into `out` (default: the source key
    in the current folder), linking to the published files of `data_dir`."""
    reference = reference or load_reference()
    article = load_article(location, url)
    stem = None if _URL.match(location) else Path(location).stem
    probe = draft_article(article, reference, Known(), stem)
    yaml_path = out or Path(f"{probe.source_key}.yaml")
    if yaml_path.exists() and not overwrite:
        raise ArticleError(f"{yaml_path}: exists; choose another --out or pass --force")
    text_path, reuse_text = _text_file(location, yaml_path, article)
    known, published, unreadable = _known(data_dir, reference, probe.source_key)
    draft = draft_article(article, reference, known, stem, text_file=text_path.name)
    text, review = render(draft, location)
    clashes = text_path.exists() and not reuse_text and not overwrite
    if clashes and text_path.read_text(encoding="utf-8") != article.text:
        raise ArticleError(
            f"{text_path}: exists with other text; choose another --out or pass --force"
        )
    problems = _problems(text, article.text, yaml_path, text_path, published, reference, reuse_text)
    if problems and any(_older_format(e.reason) for e in problems):
        # the project's reader is of the first curated format: draft in that one
        draft = to_first_format(draft, reference, known)
        text, review = render(draft, location)
        problems = _problems(
            text, article.text, yaml_path, text_path, published, reference, reuse_text
        )
    for _round in range(_REPAIR_ROUNDS):
        # a rule that misread an article it was not written for must not cost the officer
        # the whole draft: the records the reader refuses are left out and listed
        if not problems:
            break
        repaired = _without_refused(draft, location, problems, yaml_path.name)
        if repaired is None:
            break
        draft = repaired
        text, review = render(draft, location)
        problems = _problems(
            text, article.text, yaml_path, text_path, published, reference, reuse_text
        )
    if problems:
        reasons = "; ".join(f"line {e.line}: {e.reason}" for e in problems[:3])
        raise ArticleError(f"{yaml_path}: the draft does not read back ({reasons})")
    if not reuse_text:
        write_atomically(text_path, article.text)
    write_atomically(yaml_path, text)
    notes = sum(1 for flag in draft.flags if not flag.review)
    return Extracted(draft, yaml_path, text_path, review, summary(draft), notes, unreadable)


_REPAIR_ROUNDS = 4


def _without_refused(
    draft: Draft, location: str, problems: list[FactsError], name: str
) -> Draft | None:
    """The draft without the records the reader's complaints point at; None when a
    complaint is outside every record (the source, the sentences, another file), which no
    removal fixes."""
    _text, _items, spans = render_with_spans(draft, location)
    refused: dict[tuple[str, int], str] = {}
    for problem in problems:
        if Path(problem.path).name != name:
            return None
        span = next((s for s in spans if s.first <= (problem.line or 0) <= s.last), None)
        if span is None:
            return None
        refused.setdefault((span.section, span.index), problem.reason)
    return without_records(draft, refused)


def _text_file(location: str, yaml_path: Path, article: Article) -> tuple[Path, bool]:
    """Where the article text lives beside the draft: the input itself when it is a text
    file already in the draft's folder, else `<draft stem>.txt` written there."""
    if not _URL.match(location) and article.kind == "text":
        source = Path(location)
        if source.resolve().parent == yaml_path.resolve().parent and source.suffix == ".txt":
            return source, True
    return yaml_path.with_suffix(".txt"), False


def _older_format(reason: str) -> bool:
    return reason.startswith("unknown field") or "missing 'value_idr'" in reason


def _problems(
    text: str,
    article_text: str,
    yaml_path: Path,
    text_path: Path,
    published: list[Path],
    reference: Reference,
    reuse_text: bool,
) -> list[FactsError]:
    """Read the draft back with the project's reader, beside the files it links to: the
    reader's complaints about the draft (none: it reads as written)."""
    with tempfile.TemporaryDirectory(prefix="kaltim-kg-extract-") as folder:
        draft_path = Path(folder) / yaml_path.name
        draft_path.write_text(text, encoding="utf-8")
        text_copy = Path(folder) / text_path.name
        if reuse_text:
            text_copy.write_bytes(text_path.read_bytes())
        else:
            text_copy.write_text(article_text, encoding="utf-8")
        others = [p for p in published if p.name != yaml_path.name]
        try:
            read_facts([*others, draft_path], reference)
        except FactsErrors as exc:
            return [e for e in exc.errors if Path(e.path).name == yaml_path.name] or exc.errors
        return []
