"""Read an article sentence by sentence: every mention the finders see, with the context
(the reporting period in force, the last destinations, the people named so far) that a
later sentence may lean on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kaltim_kg.ingest.actors import (
    Cast,
    PersonMention,
    Quote,
    curly_quotes,
    find_people,
    find_quotes,
)
from kaltim_kg.ingest.gazetteer import Mention, find_commodities
from kaltim_kg.ingest.lexicon import Lexicon
from kaltim_kg.ingest.links import TradeLink, find_links
from kaltim_kg.ingest.periods import DateMention, Period, find_dates, find_periods
from kaltim_kg.ingest.quantities import (
    Amount,
    Count,
    Percentage,
    find_amounts,
    find_counts,
    find_percentages,
)
from kaltim_kg.ingest.sentences import Sentence, paragraphs, split_paragraph

_TARGET = re.compile(
    r"\btarget(?:kan|nya)?\b|\b(?:di|me)nargetkan\b|\bditargetkan\b|\bsasaran\b", re.IGNORECASE
)
# A dateline at a paragraph start: "SAMARINDA -", "Bisnis.com, BALIKPAPAN -", "Samarinda- "
# (any dash).
_DATELINE = re.compile(r"^(?:[\w.]+,\s*)?[A-Z][A-Za-z]+(?:\s[A-Z][A-Za-z]+)?\s?[\u2013\u2014-]\s")


@dataclass
class Reading:
    """One sentence and everything found in it."""

    sentence: Sentence
    commodities: list[Mention]
    places: list[Mention]
    links: list[TradeLink]
    amounts: list[Amount]
    counts: list[Count]
    percentages: list[Percentage]
    dates: list[DateMention]
    periods: list[Period]
    people: list[PersonMention]
    context_period: Period | None  # the period in force here (this sentence's or earlier)
    is_target: bool
    quotes: list[Quote] = field(default_factory=list)  # quotes whose closing mark is here

    @property
    def text(self) -> str:
        return self.sentence.text


@dataclass
class ArticleReading:
    readings: list[Reading]
    cast: Cast


def _stated_period(periods: list[Period]) -> Period | None:
    """The most specific period a sentence states (a quarter or month beats a year)."""
    if not periods:
        return None
    return sorted(periods, key=lambda p: (p.first_month is None, p.start))[0]


def read_text(text: str, lexicon: Lexicon, article_year: int | None = None) -> ArticleReading:
    """Run every finder over every sentence, carrying context forward; `article_year` (of
    publication) dates "tahun lalu" and "tahun ini"."""
    readings: list[Reading] = []
    cast = Cast()
    context: Period | None = None
    last_places: tuple[Mention, ...] = ()
    index = 0
    opening = True
    for number, paragraph in enumerate(paragraphs(text)):
        # the headline (once or twice, as pasted) repeats the body's facts in title case:
        # facts are cited to the body's sentences
        opening = opening and is_headline(paragraph)
        if opening:
            continue
        quotes = find_quotes(paragraph)
        pieces = split_paragraph(paragraph)
        quote_homes = _quote_sentences(paragraph, pieces, quotes)
        for position, piece in enumerate(pieces):
            sentence = Sentence(piece, number, index)
            index += 1
            body_start = 0
            if position == 0:
                dateline = _DATELINE.match(piece)
                body_start = dateline.end() if dateline else 0
            places = [p for p in lexicon.places.find(piece) if p.start >= body_start]
            goods = find_commodities(lexicon.commodities, piece)
            amounts = find_amounts(piece)
            is_target = bool(_TARGET.search(piece))
            periods = find_periods(piece, context.year if context else None, article_year)
            stated = _stated_period(periods)
            if stated is not None and not is_target and stated.cue not in ("hingga", "sampai"):
                context = stated if stated.cue != "relative" else context
            # "tahun lalu" dates its own sentence only: the article goes back to its period
            here = stated if stated is not None and stated.cue == "relative" else context
            links = find_links(piece, goods, places, last_places)
            if links:
                last_places = links[-1].places
            people = find_people(piece, lexicon.is_place_word)
            for person in people:
                cast.add(person)
            readings.append(
                Reading(
                    sentence=sentence,
                    commodities=goods,
                    places=places,
                    links=links,
                    amounts=amounts,
                    counts=find_counts(piece, amounts),
                    percentages=find_percentages(piece),
                    dates=find_dates(piece),
                    periods=periods,
                    people=people,
                    context_period=here if not is_target else context,
                    is_target=is_target,
                    quotes=[
                        q for q, home in zip(quotes, quote_homes, strict=True) if home == position
                    ],
                )
            )
    return ArticleReading(readings, cast)


_HEADLINE_END = re.compile(r"[.!?\u201d\"]\s*$")


def is_headline(paragraph: str) -> bool:
    """A title line: short, no closing punctuation, most words capitalised."""
    words = re.findall(r"[^\W\d_][\w'-]*", paragraph)
    if not words or len(paragraph) > 200 or _HEADLINE_END.search(paragraph):
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= 0.6


def _quote_sentences(paragraph: str, pieces: list[str], quotes: list[Quote]) -> list[int]:
    """For each quote, the index of the sentence its closing mark (and attribution) is in."""
    paragraph = curly_quotes(paragraph)
    homes: list[int] = []
    starts: list[int] = []
    cursor = 0
    for piece in pieces:
        found = paragraph.find(piece, cursor)
        starts.append(found)
        cursor = found + len(piece)
    for quote in quotes:
        at = paragraph.find(quote.text)
        close = paragraph.find("\u201d", at + len(quote.text)) if at >= 0 else -1
        home = 0
        for number, start in enumerate(starts):
            if start <= close:
                home = number
        homes.append(home)
    return homes
