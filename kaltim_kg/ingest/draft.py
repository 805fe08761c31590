"""Turn what an article says into a draft fact file: plain data in the curated format, each
record citing its sentences, with review flags where a reader must decide.

Rules, in the order a reviewer meets them:
- a trade link (goods, cue, places) gives one flow per commodity and place; its period is
  the one the sentence states, else the one in force from earlier sentences, else the
  year of publication (flagged);
- a count of businesses or an amount of money in a sentence about exports (or domestic
  sales) makes a cohort; the count and the amount of neighbouring sentences join the same
  cohort; "setara" marks an amount as the source's own conversion;
- an amount beside a named trade partner (a province or country with "transaksi",
  "perdagangan", "kerja sama") is a total with that partner, never a flow;
- goods named for export without a destination are products, never flows;
- direct quotations are statements of their speaker; reported speech with no figure too;
- people and agencies already published are named by key (one resource, two sources);
  a fact whose key another file already has is the same resource, noted as such.
Nothing is invented: what the text does not say stays out, and what is guessed is flagged.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kaltim_kg.errors import ArticleError
from kaltim_kg.facts.months import MONTHS_EN, MONTHS_ID
from kaltim_kg.facts.reference import Reference
from kaltim_kg.ingest.actors import (
    CREDIT_LINE,
    REPORTING_VERBS,
    PersonMention,
    find_people,
    find_reported,
    strip_honorifics,
)
from kaltim_kg.ingest.analysis import ArticleReading, Reading, _stated_period, read_text
from kaltim_kg.ingest.article import Article
from kaltim_kg.ingest.gazetteer import Mention
from kaltim_kg.ingest.lexicon import Lexicon, build_lexicon
from kaltim_kg.ingest.periods import Period, find_dates
from kaltim_kg.ingest.quantities import Amount, Count
from kaltim_kg.ingest.sentences import paragraphs
from kaltim_kg.namespaces import slugify

_EXPORT = re.compile(r"\bekspor|\bdiekspor|\bmengekspor|\bpengiriman", re.IGNORECASE)
_DOMESTIC = re.compile(
    r"\bdomestik|\bdalam negeri|\bpenjualan|\btransaksi|\bantar(?:\s|-)?daerah", re.IGNORECASE
)
_PARTNER_TRADE = re.compile(r"\btransaksi|\bperdagangan|\bkerja ?sama|\bpenjualan", re.IGNORECASE)
_BUSINESSES = (
    "ukm",
    "umkm",
    "ikm",
    "umk",
    "pelaku",
    "eksportir",
    "perusahaan",
    "usaha",
    "wirausaha",
)
_SECTORS = {"creative-industry": re.compile(r"\bindustri kreatif\b", re.IGNORECASE)}
_SCALE_WORDS = {3: "ribu", 6: "juta", 9: "miliar", 12: "triliun"}
# The finders' qualifiers → the curated format's (at-least, at-most, about); a figure
# "hampir" (almost) reached is at most that figure.
QUALIFIER_TERMS = {
    "at-least": "at-least",
    "more-than": "at-least",
    "at-most": "at-most",
    "less-than": "at-most",
    "almost": "at-most",
    "approximately": "about",
}
_UNITS = {
    "orang": "person",
    "tenaga kerja": "person",
    "peserta": "person",
    "ukm": "business",
    "umkm": "business",
    "ikm": "business",
    "umk": "business",
    "usaha": "business",
    "pelaku": "business",
    "eksportir": "business",
    "perusahaan": "business",
    "wirausaha": "business",
    "koperasi": "business",
    "unit": "business",
    "kabupaten": "regency",
    "kota": "regency",
    "kabupaten/kota": "regency",
    "negara": "country",
}
_SIZE_CLASSES = {"mikro": "micro", "kecil": "small", "menengah": "medium"}
_SECTOR_WORDS = {
    "kuliner": "culinary",
    "industri pengolahan": "processing-industry",
    "industri kerajinan": "craft-industry",
    "kerajinan": "craft-industry",
    "industri kreatif": "creative-industry",
    "perdagangan": "trade",
    "jasa": "services",
}
_GROWTH = re.compile(r"\bpertumbuhan|\btumbuh|\bnaik|\bmeningkat|\bkenaikan", re.IGNORECASE)
_EVENT = re.compile(
    r"\bmelepas(?:kan)?\b|\bpelepasan\b|\bpameran\b|\bperesmian\b|\bmeluncurkan\b", re.I
)
_SUBJECT_END = re.compile(
    r"\s+(?:mencapai|sebesar|sebanyak|tercatat|adalah|yakni|tidak kurang dari|tak kurang dari|"
    r"lebih dari|hampir|sekitar|minimal|sedikitnya)\b",
    re.IGNORECASE,
)
# "unit" followed by a goods word counts pieces of goods, not business units ("unit usaha",
# "unit UMKM", or no word: "kuliner 83.996 unit").
_GOODS_UNITS = re.compile(
    r"(?!\s+(?:usaha|umkm|ukm|ikm|umk|koperasi|pelaku|perusahaan)\b)\s+[a-z]{3,}", re.IGNORECASE
)
# What separates two places of one list ("Bali, Sulteng dan Kalsel", "… dan Provinsi …").
_PLACE_LIST_GAP = re.compile(
    r"\s*(?:,\s*(?:dan\s+|serta\s+)?|\s(?:dan|serta|&)\s+)(?:provinsi\s+)?", re.IGNORECASE
)
# "industri" counted as businesses when it is a small or household industry.
_SMALL_INDUSTRY = re.compile(r"\s+(?:kecil|mikro|rumahan|rumah\s+tangga)\b", re.IGNORECASE)
# Reported speech of the last speaker, named by a pronoun: "Ia meminta agar …".
_PRONOUN_REPORT = re.compile(
    rf"^(?P<pronoun>Ia|Dia|Beliau)\s+(?:juga\s+)?(?:{'|'.join(REPORTING_VERBS)})\b"
    r"\s*(?:bahwa\s+|,\s*)?(?P<text>.+)$"
)
_ROLE_EN = {
    "Gubernur": "Governor",
    "Wakil Gubernur": "Vice Governor",
    "Bupati": "Regent",
    "Wakil Bupati": "Vice Regent",
    "Wali Kota": "Mayor",
    "Walikota": "Mayor",
    "Menteri": "Minister",
}


@dataclass
class Flag:
    """A reason a reviewer must look at one record."""

    section: str
    key: str
    reason: str
    review: bool = True  # False: a note (e.g. "also published from …"), nothing to decide


@dataclass
class Known:
    """What the published data files already state, to link to instead of repeating.

    Records are the project reader's; `raw` keeps each file's YAML as written, so a fact
    restated from another source is copied exactly (the reader requires every full
    statement of one resource to agree).
    """

    agencies: dict[str, Any] = field(default_factory=dict)
    people: dict[str, Any] = field(default_factory=dict)
    organizations: dict[str, Any] = field(default_factory=dict)
    flows: dict[str, str] = field(default_factory=dict)  # flow key → source key
    sources: set[str] = field(default_factory=set)
    raw_cohorts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    raw_flows: dict[str, dict[str, Any]] = field(default_factory=dict)
    raw_records: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    raw_events: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_facts(cls, facts: Any, raw_files: list[dict[str, Any]] | None = None) -> Known:
        known = cls()
        for source in getattr(facts, "sources", []):
            key = source.source.key
            known.sources.add(key)
            for org in getattr(source, "organizations", []):
                if getattr(org, "name", None) is not None:
                    known.organizations.setdefault(org.key, org)
            for agency in getattr(source, "agencies", []):
                if getattr(agency, "name", None) is not None:
                    known.agencies.setdefault(agency.key, agency)
            for person in getattr(source, "people", []):
                if getattr(person, "name", None):
                    known.people.setdefault(person.key, person)
            for flow in getattr(source, "flows", []):
                known.flows.setdefault(flow.flow_key, key)
        for document in raw_files or []:
            source_key = str((document.get("source") or {}).get("key", ""))
            for section in ("agencies", "people", "organizations"):
                for record in document.get(section) or []:
                    if isinstance(record, dict) and "name" in record:
                        known.raw_records.setdefault((section, str(record.get("key"))), record)
            for cohort in document.get("cohorts") or []:
                known.raw_cohorts.append((source_key, cohort))
            for event in document.get("events") or []:
                if isinstance(event, dict) and "date" in event:
                    known.raw_events.setdefault(str(event.get("key")), event)
            for flow in document.get("flows") or []:
                period = flow.get("year", flow.get("period"))
                flow_key = f"{period}-{flow.get('commodity')}-{flow.get('destination')}"
                known.raw_flows.setdefault(flow_key, flow)
        return known


def _raw_count(value: Any) -> Any:
    return value.get("value") if isinstance(value, dict) else value


def _raw_amounts(amounts: Any) -> set[tuple[str, str, str]]:
    found = set()
    for amount in amounts or []:
        if isinstance(amount, dict):
            found.add(
                (str(amount.get("currency")), str(amount.get("value")), str(amount.get("scale")))
            )
    return found


@dataclass
class Draft:
    """The draft: its sections as plain data, in file order, and the flags to review."""

    source_key: str
    sections: dict[str, Any]
    flags: list[Flag]
    text_file: str


def without_records(draft: Draft, refused: dict[tuple[str, int], str]) -> Draft:
    """The draft without the records the project's reader refuses ((section, index) →
    reason), each listed for review, and without references to those it removed (a flow's
    exporter, a cohort's event), so what is left reads as written."""
    sections = {name: (list(v) if isinstance(v, list) else v) for name, v in draft.sections.items()}
    flags = list(draft.flags)
    removed: dict[str, set[str]] = {}
    for (section, index), reason in sorted(refused.items(), key=lambda kv: -kv[0][1]):
        records = sections.get(section)
        if not isinstance(records, list) or index >= len(records):
            continue
        record = records.pop(index)
        removed.setdefault(section, set()).add(str(record.get("key", "")))
        what = record.get("key") or ", ".join(
            f"{k}: {record[k]}"
            for k in ("year", "period", "commodity", "destination")
            if k in record
        )
        cited = ", ".join(record.get("evidence") or [])
        flags.append(
            Flag(
                section,
                "?",
                f"{what} (sentence {cited or '?'}) left out: the reader refuses it ({reason}); "
                "add it by hand if the article supports it",
            )
        )
    for section, field_name, target in (
        ("flows", "exporter", "cohorts"),
        ("cohorts", "event", "events"),
        ("totals", "reported_by", "people"),
        ("measures", "reported_by", "people"),
    ):
        for record in sections.get(section) or []:
            if str(record.get(field_name)) in removed.get(target, set()):
                del record[field_name]
    return Draft(
        draft.source_key,
        {name: value for name, value in sections.items() if value != []},
        flags,
        draft.text_file,
    )


# ---------------------------------------------------------------- small helpers


def stated_value(amount_value: Decimal, precision: Decimal | None) -> tuple[str, str | None]:
    """An amount as the curated format writes it: ('428,2', 'miliar') for 428200000000
    stated to 10^8; a figure stated to the unit stays digits ('5000000', None)."""
    if precision is None or precision < 1000:
        return _comma(amount_value), None
    exponent = max((e for e in _SCALE_WORDS if Decimal(10) ** e <= amount_value), default=3)
    return _comma(amount_value.scaleb(-exponent)), _SCALE_WORDS[exponent]


def _comma(number: Decimal) -> str:
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _period_value(period: Period) -> Any:
    if period.year is None:
        return None
    if period.quarter is not None:
        return f"{period.year}-Q{period.quarter}"
    if period.month is not None:
        return f"{period.year}-{period.month:02d}"
    return period.year


def _period_words(period: Any) -> tuple[str, str]:
    """(id, en) words for a period value, for generated labels."""
    text = str(period)
    if "-Q" in text:
        year, quarter = text.split("-Q")
        names = {"1": "pertama", "2": "kedua", "3": "ketiga", "4": "keempat"}
        ordinals = {"1": "first", "2": "second", "3": "third", "4": "fourth"}
        return f"triwulan {names[quarter]} {year}", f"the {ordinals[quarter]} quarter of {year}"
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return text, text
    return text, text


def _unique(key: str, taken: set[str]) -> str:
    candidate, number = key, 2
    while candidate in taken:
        candidate = f"{key}-{number}"
        number += 1
    taken.add(candidate)
    return candidate


def _sentence_key(text: str, taken: set[str]) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", text.casefold()) if len(w) > 2]
    return _unique("-".join(words[:4]) or "sentence", taken)


# ---------------------------------------------------------------- the builder


class _Builder:
    def __init__(self, article: Article, reference: Reference, known: Known, key: str) -> None:
        self.article = article
        self.reference = reference
        self.known = known
        self.lexicon: Lexicon = build_lexicon(reference)
        year = article.date_published.year if article.date_published else _first_year(article.text)
        self.reading: ArticleReading = read_text(article.text, self.lexicon, year)
        self.key = key
        self.flags: list[Flag] = []
        self.sentence_keys: dict[int, str] = {}
        self.sentences: dict[str, str] = {}
        self.taken_sentence_keys: set[str] = set()
        published = article.date_published or self._first_text_date()
        if published is None:
            raise ArticleError(
                f"{article.origin}: no publication date in the header or the text; "
                "add a header line `date_published: YYYY-MM-DD` and a line `---`"
            )
        self.published: dt.date = published
        if not article.url:
            raise ArticleError(
                f"{article.origin}: no URL of the article known; pass --url URL or add a "
                "header line `url: https://…` (and a line `---` after the header)"
            )
        self.region = self._about_region()
        self.used_people: dict[str, list[str]] = {}
        self.used_agencies: dict[str, list[str]] = {}
        self.new_people: dict[str, dict[str, Any]] = {}
        self.used_counts: set[tuple[int, int]] = set()
        self.restated_events: dict[str, dict[str, Any]] = {}

    # --- evidence
    def cite(self, reading: Reading) -> str:
        index = reading.sentence.index
        if index not in self.sentence_keys:
            key = _sentence_key(reading.text, self.taken_sentence_keys)
            self.sentence_keys[index] = key
            self.sentences[key] = reading.text
        return self.sentence_keys[index]

    def cite_text(self, text: str) -> str:
        for key, sentence in self.sentences.items():
            if sentence == text:
                return key
        key = _sentence_key(text, self.taken_sentence_keys)
        self.sentences[key] = text
        return key

    def flag(self, section: str, key: str, reason: str) -> None:
        self.flags.append(Flag(section, key, reason))

    def note(self, section: str, key: str, reason: str) -> None:
        self.flags.append(Flag(section, key, reason, review=False))

    # --- article-level facts
    def _first_text_date(self) -> dt.date | None:
        for reading in self.reading.readings:
            if reading.dates:
                return reading.dates[0].date
        return None

    def _about_region(self) -> str | None:
        counts: dict[str, int] = {}
        for reading in self.reading.readings:
            for place in reading.places:
                if place.kind == "region":
                    counts[place.key] = counts.get(place.key, 0) + 1
        if counts:
            return max(counts, key=lambda k: counts[k])
        # no province named: the province of the regencies and cities named ("Kota
        # Balikpapan" is in East Kalimantan)
        regencies = getattr(self.reference, "regencies", {}) or {}
        for reading in self.reading.readings:
            goods = [(g.start, g.end) for g in reading.commodities]
            for place in reading.places:
                if any(s < place.end and place.start < e for s, e in goods):
                    continue  # "Batu bara …" opens a sentence: coal, not the city of Batu
                province = getattr(regencies.get(place.key), "province", None)
                if place.kind == "regency" and province in self.reference.regions:
                    counts[province] = counts.get(province, 0) + 1
        return max(counts, key=lambda k: counts[k]) if counts else None

    # --- people and agencies
    def person_key(self, mention: PersonMention | None, words: str | None) -> str | None:
        """The key of a person named by a mention or by short words ('Roby')."""
        if mention is not None:
            bare = self.reading.cast.resolve(mention.bare_name)[0] or mention.bare_name
        elif words:
            bare, guessed = self.reading.cast.resolve(words)
            if bare is None:
                bare = self._known_person_by_words(words)
                if bare is None:
                    return None
            elif guessed:
                self.flag(
                    "people", _person_slug(bare), f"'{words}' read as {bare} (a nickname?): check"
                )
        else:
            return None
        for key, person in self.known.people.items():
            name = strip_honorifics(str(person.name))
            if name == bare or key == _person_slug(bare):
                return key
        return _person_slug(bare)

    def _known_person_by_words(self, words: str) -> str | None:
        for person in self.known.people.values():
            nickname = getattr(person, "nickname", None)
            name = strip_honorifics(str(person.name))
            if words in (nickname, name) or f" {words} " in f" {name} ":
                return name
        return None

    def use_person(self, key: str, evidence: str, mention: PersonMention | None) -> None:
        cites = self.used_people.setdefault(key, [])
        if evidence not in cites:
            cites.append(evidence)
        if key in self.known.people or key in self.new_people or mention is None:
            return
        role_id = mention.role or ""
        role_en = self._role_en(role_id)
        record: dict[str, Any] = {"key": key, "name": mention.name}
        record["role"] = {"id": role_id, "en": role_en or role_id}
        if role_en is None:
            self.flag("people", key, f"role '{role_id}': give the English role (copied as is)")
        self.new_people[key] = record

    def _role_en(self, role: str) -> str | None:
        for words, english in sorted(_ROLE_EN.items(), key=lambda kv: -len(kv[0])):
            match = re.fullmatch(rf"{words}(?:\s+(?P<place>.+))?", role)
            if match:
                place = match.group("place")
                if not place:
                    return english
                names = self.lexicon.places.lookup(place)
                if names:
                    label = self._place_label_en(names[0].kind, names[0].key)
                    if label:
                        return f"{english} of {label}"
        return None

    def _place_label_en(self, kind: str, key: str) -> str | None:
        table = {"region": "regions", "country": "countries", "world-region": "world_regions"}
        record = getattr(self.reference, table.get(kind, ""), {}).get(key)
        return getattr(record, "name_en", None) if record else None

    def agencies_in(self, reading: Reading) -> list[str]:
        """Known agencies the sentence names by name or short name."""
        found = []
        text = reading.text.casefold()
        for key, agency in self.known.agencies.items():
            names = [getattr(agency, "short_name", None), getattr(agency.name, "id", None)]
            if any(n and n.casefold() in text for n in names):
                found.append(key)
        return found

    # --- records
    def build(self) -> Draft:
        readings = self.reading.readings
        cohorts = self.build_cohorts(readings)
        totals = self.build_totals(readings)
        flows, products = self.build_flows(readings, cohorts)
        statements = self.build_statements(readings)
        self._restate_exporters(flows, cohorts)
        business_counts, measures, targets = self.build_indicators(readings)
        events = self.build_events(readings)
        drafted = {str(e.get("key")) for e in events}
        events += [e for k, e in self.restated_events.items() if k not in drafted]
        for reading in readings:
            for person in reading.people:
                key = self.person_key(person, None)
                if key:
                    self.use_person(key, self.cite(reading), person)
            for agency in self.agencies_in(reading):
                if (
                    agency not in self.used_agencies
                    and reading.sentence.index in self.sentence_keys
                ):
                    self.used_agencies[agency] = [self.sentence_keys[reading.sentence.index]]
        sections: dict[str, Any] = {"source": self.source_record(), "sentences": {}}
        organization = self.organization_record()
        if organization:
            sections["organizations"] = [organization]
        if self.used_agencies:
            sections["agencies"] = [
                {"key": k, "evidence": v} for k, v in self.used_agencies.items()
            ]
        people = []
        for key, evidence in self.used_people.items():
            record = dict(self.new_people.get(key, {"key": key}))
            record["evidence"] = evidence
            people.append(record)
        if people:
            sections["people"] = people
        for name, records in (
            ("events", events),
            ("cohorts", cohorts),
            ("flows", flows),
            ("totals", totals),
            ("products", products),
            ("business_counts", business_counts),
            ("measures", measures),
            ("targets", targets),
            ("statements", statements),
        ):
            if records:
                sections[name] = records
        order = {text: n for n, text in enumerate(r.text for r in readings)}
        ordered = sorted(self.sentences.items(), key=lambda kv: order.get(kv[1], len(order)))
        sections["sentences"] = dict(ordered)
        return Draft(self.key, sections, self.flags, self.text_file_name)

    text_file_name = ""

    def _restate_exporters(
        self, flows: list[dict[str, Any]], cohorts: list[dict[str, Any]]
    ) -> None:
        """A flow restated from another source names that source's cohort. The reader wants
        the cohort restated too, cited to this article; when this article does not state
        that cohort (its count and value), citing it would make the article the source of
        figures it never gives: the flow is left out and listed for review instead."""
        declared = {str(c.get("key")) for c in cohorts}
        kept: list[dict[str, Any]] = []
        for flow in flows:
            exporter = flow.get("exporter")
            if not exporter or exporter in declared:
                kept.append(flow)
                continue
            published = next(
                (c for _s, c in self.known.raw_cohorts if c.get("key") == exporter), None
            )
            if published is None:
                del flow["exporter"]
                kept.append(flow)
                continue
            period = flow.get("year", flow.get("period"))
            flow_key = f"{period}-{flow['commodity']}-{flow['destination']}"
            source = self.known.flows.get(flow_key, "another source")
            self.flag(
                "flows",
                "?",
                f"flow {flow_key} (sentence '{flow['evidence'][0]}') is published by {source} "
                f"with exporter cohort '{exporter}', which this article does not state: not "
                "drafted; add this source to it by hand if the article supports that cohort",
            )
        flows[:] = kept

    def source_record(self) -> dict[str, Any]:
        title = self.article.title or self._title_from_text()
        record: dict[str, Any] = {"key": self.key}
        if title:
            record["title"] = {"id": title, "en": title}
            self.flag("source", self.key, "title: give the English title (copied from Indonesian)")
        record["date_published"] = self.published
        if not self.article.date_published:
            self.flag(
                "source", self.key, "date_published taken from the first date in the text: check"
            )
        record["language"] = "id"
        record["url"] = self.article.url
        record["publisher"] = self.publisher_key()
        if self.region:
            record["about_region"] = self.region
        record["text_file"] = self.text_file_name
        return record

    def _title_from_text(self) -> str | None:
        lines = paragraphs(self.article.text)
        first = lines[0] if lines else ""
        if first and not first.endswith((".", "!", "?", "\u201d")) and len(first) < 200:
            return first
        return None

    def publisher_key(self) -> str:
        name = self.article.header.get("publisher") or self.article.header.get("sitename") or ""
        url = self.article.url or ""
        host = re.sub(r"^www\.", "", re.sub(r"^https?://([^/]+).*$", r"\1", url)) if url else ""
        for key, org in self.known.organizations.items():
            org_url = getattr(org, "url", None) or ""
            org_host = re.sub(r"^www\.", "", re.sub(r"^https?://([^/]+).*$", r"\1", org_url))
            if host and org_host and (host == org_host or host.endswith("." + org_host)):
                return key
            if name and name.casefold().startswith(str(org.name.id).casefold()):
                return key
        short = re.split(r"[(,]", name)[0].strip() if name else host.split(".")[0]
        return slugify(short or "publisher")

    def organization_record(self) -> dict[str, Any] | None:
        key = self.publisher_key()
        if key in self.known.organizations:
            return None
        name = self.article.header.get("publisher") or key
        name = re.split(r"[(,]", name)[0].strip() or key
        record: dict[str, Any] = {
            "key": key,
            "kind": "news-media",
            "name": {"id": name, "en": name},
        }
        if self.article.url:
            record["url"] = re.sub(r"^(https?://[^/]+).*$", r"\1/", self.article.url)
        self.flag("organizations", key, f"new publisher '{name}': check its name and URL")
        return record

    # --- cohorts: totals of exporting (or domestically selling) businesses
    def build_cohorts(self, readings: list[Reading]) -> list[dict[str, Any]]:
        cohorts: list[dict[str, Any]] = []
        for reading in readings:
            if reading.is_target or self._partner_amounts(reading):
                continue
            members = [
                c
                for c in reading.counts
                if _counts_businesses(reading.text, c) and c.value is not None
            ]
            amounts = [a for a in reading.amounts if a.value is not None]
            if not members and not amounts:
                continue
            exporting = bool(_EXPORT.search(reading.text))
            domestic = bool(_DOMESTIC.search(reading.text)) and not (
                exporting and not re.search(r"domestik|dalam negeri", reading.text, re.I)
            )
            if not exporting and not domestic:
                # "Ia menyebut nilai itu setara dengan Rp30,4 miliar": the source's own
                # conversion of the value just stated belongs to that value's cohort
                last = cohorts[-1] if cohorts else None
                if (
                    last is not None
                    and amounts
                    and not members
                    and all(a.qualifier == "equivalent" for a in amounts)
                    and reading.sentence.index - last["last"] <= 3
                    and last["amounts"]
                ):
                    last["amounts"].extend(amounts)
                    last["evidence"].append(self.cite(reading))
                    last["last"] = reading.sentence.index
                continue
            trade_type = "domestic-sale" if domestic else "export"
            sector = next((s for s, p in _SECTORS.items() if p.search(reading.text)), None)
            period = _period_value(reading.context_period) if reading.context_period else None
            cohort = self._joinable(
                cohorts, reading, trade_type, sector, bool(members), bool(amounts)
            )
            converts = bool(amounts) and all(a.qualifier == "equivalent" for a in amounts)
            if cohort is None and converts and not members and cohorts:
                # "Ekspor tersebut … dengan total nilai setara Rp7,4 miliar": the conversion
                # of the value stated before, in the same period, never a cohort of its own
                last = cohorts[-1]
                if (
                    last["amounts"]
                    and last["trade_type"] == trade_type
                    and (reading.sentence.index - last["last"] <= 3 or period == last["period"])
                ):
                    cohort = last
            if cohort is None:
                cohort = {
                    "trade_type": trade_type,
                    "sector": sector,
                    "period": period,
                    "members": None,
                    "destinations": None,
                    "amounts": [],
                    "evidence": [],
                    "reported_by": None,
                    "last": reading.sentence.index,
                    "sentences": {},  # count → index of its sentence
                }
                cohorts.append(cohort)
            if members and cohort["members"] is None:
                cohort["members"] = members[0]
                cohort["sentences"][members[0]] = reading.sentence.index
                self.used_counts.add((reading.sentence.index, members[0].start))
            countries = [c for c in reading.counts if c.noun == "negara" and c.value is not None]
            if countries and cohort["destinations"] is None:
                cohort["destinations"] = countries[0]
                cohort["sentences"][countries[0]] = reading.sentence.index
                self.used_counts.add((reading.sentence.index, countries[0].start))
            for amount in amounts:
                cohort["amounts"].append(amount)
            if cohort["period"] is None:
                cohort["period"] = period
            cohort["evidence"].append(self.cite(reading))
            cohort["last"] = reading.sentence.index
            for person in reading.people:
                key = self.person_key(person, None)
                if key and cohort["reported_by"] is None:
                    cohort["reported_by"] = key
                    self.use_person(key, self.cite(reading), person)
        records = []
        for cohort in cohorts:
            if not cohort["amounts"]:
                # a cohort is its trade value; counts with none are measures, left to
                # build_indicators
                for count in (cohort["members"], cohort["destinations"]):
                    if count is not None:
                        self.used_counts.discard((cohort["sentences"][count], count.start))
                continue
            record = self._cohort_record(cohort)
            if record is not None:
                records.append(record)
        return records

    def _joinable(
        self,
        cohorts: list[dict[str, Any]],
        reading: Reading,
        trade_type: str,
        sector: str | None,
        has_members: bool,
        has_amounts: bool,
    ) -> dict[str, Any] | None:
        if not cohorts:
            return None
        last = cohorts[-1]
        # near, or further on in the same period ("sepanjang tahun 2021 … mencapai US$ 941
        # juta" … "tidak kurang dari 35 pelaku ekspor mengirim produknya ke 10 negara")
        period = _period_value(reading.context_period) if reading.context_period else None
        close = reading.sentence.index - last["last"] <= 3 or (
            period is not None and period == last["period"]
        )
        same_kind = last["trade_type"] == trade_type and last["sector"] == sector
        fills_gap = (has_members and last["members"] is None and not has_amounts) or (
            has_amounts and not last["amounts"] and not has_members
        )
        both_missing = (
            has_members and has_amounts and last["members"] is None and not last["amounts"]
        )
        return last if close and same_kind and (fills_gap or both_missing) else None

    def _cohort_record(self, cohort: dict[str, Any]) -> dict[str, Any] | None:
        period = cohort["period"]
        if period is None:
            period = self.published.year
            cohort["period"] = period
            self.flag("cohorts", "?", f"no period stated: the year of publication {period} assumed")
        amounts = [self._amount_record(a) for a in cohort["amounts"]]
        members: Count | None = cohort["members"]
        words_id, words_en = _period_words(period)
        trade_type = cohort["trade_type"]
        base = "exporters" if trade_type == "export" else "domestic-sellers"
        if cohort["sector"]:
            base = f"{cohort['sector']}-{base}"
        quarter = str(period).split("-Q")[1] if "-Q" in str(period) else None
        key = slugify(f"q{quarter}-{base}" if quarter else base)
        place = self._region_names()
        verb_id = "yang mengekspor" if trade_type == "export" else "dengan penjualan domestik"
        verb_en = "that exported" if trade_type == "export" else "with domestic sales"
        label = {
            "id": " ".join(f"UKM {place[0]} {verb_id}, {words_id}".split()),
            "en": " ".join(f"{place[1]} SMEs {verb_en}, {words_en}".split()),
        }
        record: dict[str, Any] = {"key": key}
        record.update(self._period_field(period))
        record["label"] = label
        record["trade_type"] = trade_type
        if cohort["sector"]:
            record["sector"] = cohort["sector"]
        if members is not None:
            record["member_count"] = _count_value(members)
        if cohort["destinations"] is not None:
            record["destination_count"] = _count_value(cohort["destinations"])
        if amounts:
            record["amounts"] = amounts
        if cohort["reported_by"]:
            record["reported_by"] = cohort["reported_by"]
        record["evidence"] = list(dict.fromkeys(cohort["evidence"]))
        published = self._known_cohort(record)
        if published is not None:
            restated = {k: v for k, v in published.items() if k != "evidence"}
            restated["evidence"] = record["evidence"]
            self._restate_references(restated, record["evidence"])
            self.note(
                "cohorts",
                str(restated["key"]),
                "restated as another source published it (one cohort, two sources): "
                "check this article supports every field",
            )
            return restated
        if trade_type == "domestic-sale":
            self.flag("cohorts", key, "read as domestic sales (no export word): check")
        return record

    def _restate_references(self, cohort: dict[str, Any], evidence: list[str]) -> None:
        """A cohort restated from another source names its people, agencies and event by
        key; the reader wants each named in this file too: a person or agency by key, the
        event (which has no short form) copied as published, flagged."""
        for name in ("reported_by",):
            if cohort.get(name):
                self.use_person(str(cohort[name]), evidence[0], None)
        for name in ("certified_by", "supervised_by"):
            if cohort.get(name):
                cites = self.used_agencies.setdefault(str(cohort[name]), [])
                cites.extend(e for e in evidence if e not in cites)
        event = str(cohort.get("event") or "")
        if event and event not in self.restated_events and event in self.known.raw_events:
            restated = {k: v for k, v in self.known.raw_events[event].items() if k != "evidence"}
            restated["evidence"] = list(evidence)
            self.restated_events[event] = restated
            if restated.get("organizer"):
                cites = self.used_agencies.setdefault(str(restated["organizer"]), [])
                cites.extend(e for e in evidence if e not in cites)
            self.flag(
                "events",
                event,
                "restated from another source with the cohort that names it: "
                "the article may not state it",
            )

    def _region_names(self) -> tuple[str, str]:
        if not self.region:
            return "", ""
        record = self.reference.regions.get(self.region)
        short = next(iter(getattr(record, "aliases", ()) or ()), None) if record else None
        return (short or getattr(record, "name_id", "")), getattr(record, "name_en", "")

    def _known_cohort(self, record: dict[str, Any]) -> dict[str, Any] | None:
        """A published cohort this one restates: same period, and the same count and amounts
        wherever both state them (at least one stated)."""
        period = record.get("year", record.get("period"))
        members = _raw_count(record.get("member_count"))
        amounts = _raw_amounts(record.get("amounts"))
        for _source, cohort in self.known.raw_cohorts:
            if str(cohort.get("year", cohort.get("period"))) != str(period):
                continue
            if cohort.get("trade_type") != record.get("trade_type"):
                continue
            theirs_members = _raw_count(cohort.get("member_count"))
            theirs_amounts = _raw_amounts(cohort.get("amounts"))
            agree = []
            if members is not None and theirs_members is not None:
                agree.append(members == theirs_members)
            if amounts and theirs_amounts:
                agree.append(amounts <= theirs_amounts)
            if agree and all(agree):
                return cohort
        return None

    def _period_field(self, period: Any) -> dict[str, Any]:
        return {"year": period} if isinstance(period, int) else {"period": period}

    def _amount_record(self, amount: Amount) -> dict[str, Any]:
        assert amount.value is not None
        value, scale = stated_value(amount.value, amount.precision)
        record: dict[str, Any] = {"currency": amount.currency, "value": value}
        if scale:
            record["scale"] = scale
        if amount.qualifier == "equivalent":
            record["equivalent"] = True
        elif QUALIFIER_TERMS.get(amount.qualifier or ""):
            record["qualifier"] = QUALIFIER_TERMS[amount.qualifier or ""]
        return record

    # --- totals with a named trade partner
    def _partner_amounts(self, reading: Reading) -> list[tuple[Mention, Amount]]:
        if not _PARTNER_TRADE.search(reading.text):
            return []
        pairs: list[tuple[Mention, Amount]] = []
        for amount in reading.amounts:
            if amount.value is None:
                continue
            before = [p for p in reading.places if p.end <= amount.start and p.key != self.region]
            if not before:
                continue
            place = before[-1]
            between = reading.text[place.end : amount.start]
            if len(between.split()) <= 6 and not any(p.start > place.end for p in before):
                if self._listed_with_another(reading, place, before):
                    continue  # "ke Sulawesi Tengah dan Kalimantan Selatan … Rp 6,8 miliar"
                pairs.append((place, amount))
        return pairs

    def _listed_with_another(self, reading: Reading, place: Mention, before: list[Mention]) -> bool:
        """Whether the place ends a list of places ("A dan B"): an amount after it is the
        list's together, not the last one's."""
        earlier = [p for p in before if p.end <= place.start]
        if not earlier:
            return False
        gap = reading.text[earlier[-1].end : place.start]
        return bool(_PLACE_LIST_GAP.fullmatch(gap))

    def _group_amounts(self, reading: Reading) -> list[tuple[str, Amount]]:
        """Amounts stated after a list of partners together: (the list as written, amount)."""
        if not _PARTNER_TRADE.search(reading.text):
            return []
        groups = []
        for amount in reading.amounts:
            before = [p for p in reading.places if p.end <= amount.start and p.key != self.region]
            if amount.value is None or not before:
                continue
            place = before[-1]
            if len(reading.text[place.end : amount.start].split()) > 6:
                continue
            if self._listed_with_another(reading, place, before):
                first = place
                for other in reversed([p for p in before if p.end <= place.start]):
                    if not _PLACE_LIST_GAP.fullmatch(reading.text[other.end : first.start]):
                        break
                    first = other
                groups.append((reading.text[first.start : place.end], amount))
        return groups

    def build_totals(self, readings: list[Reading]) -> list[dict[str, Any]]:
        totals: list[dict[str, Any]] = []
        taken: set[str] = set()
        for reading in readings:
            for places, amount in self._group_amounts(reading):
                self.flag(
                    "totals",
                    "?",
                    f"{amount.text} is stated for '{places}' together: no total per partner "
                    "drafted (the text does not split it)",
                )
            for place, amount in self._partner_amounts(reading):
                domestic = place.kind in ("region", "regency")
                origin = self.region or "ID"
                key = _unique(slugify(f"{self._short(origin)}-{place.text}-trade"), taken)
                record: dict[str, Any] = {
                    "key": key,
                    "trade_type": "inter-regional" if domestic else "export",
                    "origin": origin,
                    "partner": place.key,
                    "amounts": [self._amount_record(amount)],
                    "evidence": [self.cite(reading)],
                }
                period = reading.context_period
                if period is not None and period.year is not None:
                    record = {"key": key, **self._period_field(_period_value(period)), **record}
                totals.append(record)
                self.flag(
                    "totals",
                    key,
                    f"trade with '{place.text}' of {amount.text}: no direction stated",
                )
        return totals

    def _short(self, region: str) -> str:
        record = self.reference.regions.get(region)
        return next(iter(getattr(record, "aliases", ()) or ()), region) if record else region

    # --- flows and products
    def build_flows(
        self, readings: list[Reading], cohorts: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        flows: list[dict[str, Any]] = []
        seen: set[str] = set()
        linked: set[tuple[int, str]] = set()
        for reading in readings:
            for link in reading.links:
                period_source = reading.context_period
                guess = ""
                if (period_source is None or period_source.year is None) and reading.dates:
                    # "melepas ekspor perdana … ke Tiongkok, Kamis (25/3/2021)": a shipment
                    # dated in its own sentence is of that month
                    day = reading.dates[0].date
                    period: Any = f"{day.year}-{day.month:02d}"
                    guess = f"no period in the text: the month of '{reading.dates[0].text}' assumed"
                elif period_source is None or period_source.year is None:
                    period = self.published.year
                    guess = f"no period in the text: the year of publication {period} assumed"
                else:
                    period = _period_value(period_source)
                guessed = bool(guess)
                exporter = self._exporter_for(cohorts, period)
                for name in link.unknown:
                    goods = ", ".join(g.text for g in link.commodities)
                    self.flag(
                        "flows",
                        "?",
                        f"'{name}' ({goods}) is no place the reference knows: no flow drafted; "
                        "add the place to reference/ or the flow by hand",
                    )
                for good in link.commodities:
                    linked.add((reading.sentence.index, good.key))
                    for place in link.places:
                        flow_key = f"{period}-{good.key}-{place.key}"
                        if flow_key in seen:
                            continue
                        seen.add(flow_key)
                        if period_source is not None and period_source.cue == "relative":
                            self.flag(
                                "flows",
                                flow_key,
                                f"period read from '{period_source.text}' counted from the "
                                "year of publication: check",
                            )
                        if flow_key in self.known.raw_flows:
                            restated = dict(self.known.raw_flows[flow_key])
                            restated["evidence"] = [self.cite(reading)]
                            flows.append(restated)
                            self.note(
                                "flows",
                                flow_key,
                                f"also published from {self.known.flows.get(flow_key, 'another source')}:"
                                " restated as published (one flow, two sources)",
                            )
                            continue
                        record: dict[str, Any] = self._period_field(period)
                        record["commodity"] = good.key
                        record["destination"] = place.key
                        if place.kind != "country":
                            record["destination_as_stated"] = _as_stated(reading.text, place)
                        if exporter:
                            record["exporter"] = exporter
                        record["evidence"] = [self.cite(reading)]
                        flows.append(record)
                        for reason in link.flags:
                            self.flag("flows", flow_key, reason)

                        if guessed:
                            self.flag("flows", flow_key, guess)
        products: list[dict[str, Any]] = []
        seen_products: set[str] = set()
        for reading in readings:
            if not _EXPORT.search(reading.text):
                continue
            for good in reading.commodities:
                if (reading.sentence.index, good.key) in linked or good.key in seen_products:
                    continue
                if any(good.key == f["commodity"] for f in flows):
                    continue
                seen_products.add(good.key)
                record = {"commodity": good.key}
                if self.region:
                    record["origin"] = self.region
                record["evidence"] = [self.cite(reading)]
                products.append(record)
        return flows, products

    def _exporter_for(self, cohorts: list[dict[str, Any]], period: Any) -> str | None:
        for cohort in cohorts:
            if cohort.get("trade_type") != "export" or cohort.get("sector"):
                continue
            if str(cohort.get("year", cohort.get("period"))) == str(period):
                return str(cohort["key"])
        return None

    # --- indicators: counts of businesses, other measures, targets
    def build_indicators(
        self, readings: list[Reading]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        business: list[dict[str, Any]] = []
        measures: list[dict[str, Any]] = []
        targets: list[dict[str, Any]] = []
        taken: set[str] = set()
        area = self.region
        short = slugify(self._short(area)) if area else "area"
        for reading in readings:
            text = reading.text
            stated = _stated_period(reading.periods)
            for count in reading.counts:
                if count.value is None or (reading.sentence.index, count.start) in self.used_counts:
                    continue
                if reading.is_target:
                    key = _unique(
                        f"{stated.year if stated else 'target'}-{slugify(count.noun)}", taken
                    )
                    record: dict[str, Any] = {"key": key}
                    if stated and stated.year:
                        record.update(self._period_field(_period_value(stated)))
                    label = (
                        f"Target {stated.year if stated else ''}: {text[count.start :].rstrip('.')}"
                    )
                    record["label"] = {"id": " ".join(label.split()), "en": " ".join(label.split())}
                    record["quantity"] = _quantity(count, _UNITS.get(count.noun, "business"))
                    record["evidence"] = [self.cite(reading)]
                    targets.append(record)
                    self.flag(
                        "targets", key, "label: give the English label (copied from Indonesian)"
                    )
                    continue
                if count.noun == "unit" and _GOODS_UNITS.match(text, count.end):
                    # "307.343 unit kerajinan": pieces of goods, which no curated unit holds
                    self.flag(
                        "measures",
                        "?",
                        f"'{text[count.start : count.end + 30].split(',')[0].strip()}…': "
                        "a quantity of goods, not drafted (no unit for it): add it by hand "
                        "if it matters",
                    )
                    continue
                if count.noun == "unit" and area is None:
                    self.flag(
                        "business_counts",
                        "?",
                        f"'{count.text}': no province or regency named, so no area: not drafted",
                    )
                    continue
                if count.noun == "unit":
                    after = text[count.end : count.end + 30].casefold()
                    size = next(
                        (
                            v
                            for k, v in _SIZE_CLASSES.items()
                            if re.match(rf"\s*usaha\s+{k}\b", after)
                        ),
                        "all",
                    )
                    before = text[max(0, count.start - 30) : count.start].casefold()
                    sector = next(
                        (
                            v
                            for k, v in sorted(_SECTOR_WORDS.items(), key=lambda kv: -len(kv[0]))
                            if re.search(rf"\b{k}\s+(?:sebanyak\s+)?$", before)
                        ),
                        None,
                    )
                    status = (
                        "active" if re.search(r"\baktif\b", text, re.I) and sector is None else None
                    )
                    name = sector or (size if size != "all" else ("aktif" if status else "all"))
                    key = _unique(f"{short}-umkm-{name}", taken)
                    record = {"key": key}
                    if area:
                        record["area"] = area
                    if stated and stated.year:
                        record.update(self._period_field(_period_value(stated)))
                    record["size_class"] = size
                    if sector:
                        record["sector"] = sector
                    if status:
                        record["status"] = status
                    record["count"] = _count_value(count)
                    record["evidence"] = [self.cite(reading)]
                    business.append(record)
                    continue
                unit = _UNITS.get(count.noun)
                if unit is None:
                    continue
                subject = _subject(text, count.start)
                key = _unique(f"{short}-{_slug_words(subject)}", taken)
                record = {"key": key, "label": {"id": subject, "en": subject}}
                if area:
                    record["area"] = area
                if stated and stated.year:
                    record.update(self._period_field(_period_value(stated)))
                record["quantity"] = _quantity(count, unit)
                record["evidence"] = [self.cite(reading)]
                measures.append(record)
                self.flag(
                    "measures", key, "label: check, and give it in English (copied from Indonesian)"
                )
            for percentage in reading.percentages:
                subject = _subject(text, percentage.start)
                key = _unique(f"{short}-{_slug_words(subject)}", taken)
                record = {"key": key}
                if _GROWTH.search(text):
                    record["kind"] = "growth-rate"
                record["label"] = {"id": subject, "en": subject}
                if area:
                    record["area"] = area
                if stated and stated.year and not reading.is_target:
                    record.update(self._period_field(_period_value(stated)))
                record["quantity"] = {
                    "value": percentage.text.split()[0].rstrip("%"),
                    "unit": "percent",
                }
                record["evidence"] = [self.cite(reading)]
                measures.append(record)
                self.flag(
                    "measures", key, "label: check, and give it in English (copied from Indonesian)"
                )
        return business, measures, targets

    # --- events: a dated send-off, fair or launch
    def build_events(self, readings: list[Reading]) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        for reading in readings:
            if not reading.dates or not _EVENT.search(reading.text) or reading.quotes:
                continue
            date = reading.dates[0].date
            release = bool(re.search(r"melepas|pelepasan", reading.text, re.I)) and bool(
                _EXPORT.search(reading.text)
            )
            place_id, place_en = self._region_names()
            when_id = f"{date.day} {MONTHS_ID[date.month - 1]} {date.year}"
            when_en = f"{date.day} {MONTHS_EN[date.month - 1]} {date.year}"
            if release:
                label = {
                    "id": " ".join(f"Pelepasan ekspor produk UKM {place_id}, {when_id}".split()),
                    "en": " ".join(
                        f"Send-off of {place_en} SME export shipments, {when_en}".split()
                    ),
                }
                key = f"{date.isoformat()}-pelepasan-ekspor"
            else:
                words = _subject(reading.text, reading.dates[0].start)
                label = {"id": words, "en": words}
                key = f"{date.isoformat()}-{_slug_words(words)}"
                self.flag(
                    "events", key, "label: check, and give it in English (copied from Indonesian)"
                )
            record: dict[str, Any] = {"key": key, "kind": "export-release" if release else "event"}
            record["date"] = date
            record["label"] = label
            organizers = self.agencies_in(reading)
            if organizers:
                record["organizer"] = organizers[0]
            if self.region:
                record["location"] = self.region
            record["evidence"] = [self.cite(reading)]
            events.append(record)
        return events

    # --- statements
    def build_statements(self, readings: list[Reading]) -> list[dict[str, Any]]:
        statements: list[dict[str, Any]] = []
        taken: set[str] = set()
        last_speaker: str | None = None
        last_named: str | None = None  # the person the previous sentence named
        for reading in readings:
            for quote in reading.quotes:
                evidence = self._quote_evidence(reading, quote.text)
                speaker = None
                attribution_people = find_people(quote.attribution, self.lexicon.is_place_word)
                if attribution_people:
                    speaker = self.person_key(attribution_people[0], None)
                    if speaker:
                        self.use_person(speaker, evidence, attribution_people[0])
                elif quote.speaker:
                    speaker = self.person_key(None, quote.speaker)
                    if speaker:
                        self.use_person(speaker, evidence, None)
                if speaker is None and quote.pronoun and last_speaker:
                    speaker = last_speaker
                    self.use_person(speaker, evidence, None)
                    pronoun_flag = True
                else:
                    pronoun_flag = False
                if speaker is None:
                    self.flag(
                        "statements", "?", f"quote with no speaker found: '{quote.text[:50]}…'"
                    )
                    continue
                last_speaker = speaker
                key = _unique(f"{speaker.split('-')[0]}-{_slug_words(quote.text)}", taken)
                record: dict[str, Any] = {
                    "key": key,
                    "speaker": speaker,
                    "mode": "direct",
                }
                if reading.dates:
                    record["date"] = reading.dates[0].date
                record["text"] = quote.text
                record["evidence"] = [evidence]
                statements.append(record)
                if pronoun_flag:
                    self.flag(
                        "statements", key, "speaker named only by '-nya': the last speaker assumed"
                    )
            pronoun = _PRONOUN_REPORT.match(reading.text)
            # "Ia" is the person named last, whether quoted or not ("Menurut Kepala Dinas …,
            # Tenteram …, kenaikan … persen. Ia berharap …")
            if last_named:
                last_speaker = last_named
            if pronoun and last_speaker and not reading.quotes and not reading.links:
                text = CREDIT_LINE.sub("", pronoun.group("text").strip()).rstrip(".").strip()
                figures = reading.amounts or reading.counts or reading.percentages
                if text and not figures:
                    key = _unique(f"{last_speaker.split('-')[0]}-{_slug_words(text)}", taken)
                    evidence = self.cite(reading)
                    self.use_person(last_speaker, evidence, None)
                    statements.append(
                        {
                            "key": key,
                            "speaker": last_speaker,
                            "mode": "reported",
                            "text": text,
                            "evidence": [evidence],
                        }
                    )
                    self.flag(
                        "statements",
                        key,
                        f"speaker named only by '{pronoun.group('pronoun')}': "
                        "the last speaker assumed",
                    )
            for said in self._reported(reading):
                speaker = self.person_key(said.speaker, None)
                if speaker is None:
                    continue
                evidence = self.cite(reading)
                self.use_person(speaker, evidence, said.speaker)
                key = _unique(f"{speaker.split('-')[0]}-{_slug_words(said.text)}", taken)
                statements.append(
                    {
                        "key": key,
                        "speaker": speaker,
                        "mode": "reported",
                        "text": said.text,
                        "evidence": [evidence],
                    }
                )
                last_speaker = speaker
            named = [self.person_key(p, None) for p in reading.people]
            last_named = next((k for k in reversed(named) if k), None)
            if last_named is None and pronoun is None and reading.quotes:
                last_named = last_speaker
        return statements

    def _reported(self, reading: Reading) -> list[Any]:
        """Reported speech that carries no figure (a figure is a fact of its own)."""
        if reading.quotes or any(mark in reading.text for mark in '"\u201c\u201d'):
            return []
        people = list(reading.people)
        start = re.match(r"^([A-Z][a-z]+)\s", reading.text)
        if start and not people:
            name, _guessed = self.reading.cast.resolve(start.group(1))
            if name:
                people = [PersonMention(start.group(1), None, 0, len(start.group(1)))]
        if reading.links:
            return []  # "X mengatakan udang diekspor ke Jepang" is a flow, not an opinion
        found = []
        figures = [f.text for f in (*reading.amounts, *reading.counts, *reading.percentages)]
        for said in find_reported(reading.text, people):
            if any(figure in said.text for figure in figures):
                continue  # "mengatakan dua belas pelaku usaha terlibat": a count, not a view
            found.append(said)
        return found

    def _quote_evidence(self, reading: Reading, quote: str) -> str:
        if quote in reading.text:
            return self.cite(reading)
        # a quotation over several sentences: cite them as one passage
        readings = self.reading.readings
        position = readings.index(reading)
        for back in range(1, 6):
            if position - back < 0:
                break
            passage = " ".join(r.text for r in readings[position - back : position + 1])
            if quote in passage:
                return self.cite_text(passage)
        return self.cite(reading)


def _counts_businesses(sentence: str, count: Count) -> bool:
    """Whether a count is of businesses: '15 UKM', '35 pelaku ekspor', and 'lima industri
    kecil menengah (IKM)' (not 'tiga industri', three industries)."""
    if count.noun in _BUSINESSES:
        return True
    return count.noun == "industri" and bool(_SMALL_INDUSTRY.match(sentence, count.end))


def _first_year(text: str) -> int | None:
    """The year of the first calendar date in the text (a release with no header)."""
    for paragraph in text.split("\n"):
        dates = find_dates(paragraph)
        if dates:
            return dates[0].date.year
    return None


def _person_slug(name: str) -> str:
    """A person's key: an apostrophe (Mas'ud, Ma'ruf) is dropped, not a word break."""
    return slugify(re.sub(r"['\u2019]", "", name))


def _slug_words(text: str) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", text.casefold()) if len(w) > 3]
    return "-".join(words[:3]) or "statement"


def _as_stated(sentence: str, place: Mention) -> str:
    """The words naming a region as written ('beberapa negara Eropa')."""
    before = sentence[: place.start]
    match = re.search(
        r"(?:(?:beberapa|sejumlah|berbagai|negara(?:-negara)?|kawasan|wilayah|benua)\s+)+$",
        before,
        re.I,
    )
    return (match.group() if match else "") + place.text


def _count_value(count: Count) -> Any:
    term = QUALIFIER_TERMS.get(count.qualifier or "")
    return {"value": count.value, "qualifier": term} if term else count.value


def _quantity(count: Count, unit: str | None) -> dict[str, Any]:
    """A count as a quantity: {value, scale, qualifier, unit}, the value as stated."""
    value, scale = stated_value(Decimal(count.value or 0), _count_precision(count.text))
    record: dict[str, Any] = {"value": int(value) if value.isdigit() else value}
    if scale:
        record["scale"] = scale
    term = QUALIFIER_TERMS.get(count.qualifier or "")
    if term:
        record["qualifier"] = term
    if unit:
        record["unit"] = unit
    return record


def _count_precision(text: str) -> Decimal:
    for word, exponent in (("ribu", 3), ("juta", 6), ("miliar", 9)):
        if re.search(rf"\b{word}\b", text, re.IGNORECASE):
            decimals = re.search(r",(\d+)", text)
            return Decimal(10) ** (exponent - (len(decimals.group(1)) if decimals else 0))
    return Decimal(1)


def _subject(sentence: str, end: int) -> str:
    """The words a figure is about: the sentence up to the verb before the figure."""
    head = sentence[:end]
    ends = [m.start() for m in _SUBJECT_END.finditer(head)]
    words = head[: ends[-1]] if ends else head
    return words.strip(' \u201c"\u201d,.').strip()


def source_key_for(title: str | None, published: dt.date, stem: str | None) -> str:
    """A stable source key: the file name when it starts with a date, else date + title."""
    if stem and re.match(r"^\d{4}-\d{2}-\d{2}-[a-z0-9-]+$", stem):
        return stem
    words = slugify(title or stem or "artikel").split("-")[:6]
    return f"{published.isoformat()}-{'-'.join(words)}"


def draft_article(
    article: Article,
    reference: Reference,
    known: Known | None = None,
    stem: str | None = None,
    text_file: str | None = None,
) -> Draft:
    """Draft the fact file of one article (pure: no files read or written)."""
    known = known or Known()
    published = article.date_published
    builder_key = "draft"
    builder = _Builder(article, reference, known, builder_key)
    published = builder.published
    key = source_key_for(article.title or builder._title_from_text(), published, stem)
    builder.key = key
    builder.text_file_name = text_file or f"{key}.txt"
    return builder.build()
