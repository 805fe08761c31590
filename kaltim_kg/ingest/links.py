"""Find trade links in one sentence: which goods went to which places.

Indonesian press releases say it in a few ways, all handled by one reading: goods, then a
cue, then a list of places.

    olahan kayu dengan negara tujuan Singapura, Jepang dan Korea Selatan
    minyak jelantah dikirim ke Belanda dan Malaysia     (diekspor, diberangkatkan, dijual …)
    ekspor ikan segar, kepiting, dan udang juga dilakukan ke Malaysia dan Tiongkok
    rumput laut ke Korea Selatan                        (bare "ke" right after the goods)
    fatty palm acid diminati buyer dari China
    minyak jelantah diekspor ke beberapa negara Eropa   (a world region)
    … dikirim ke Negeri Matahari Terbit tersebut        (anaphora: flagged for review)

The goods of a link are the commodities between the previous link (or the start of the
sentence) and the cue; the places are the list right after the cue, which ends at the
first word that is neither a place nor a list separator. Nothing else is inferred: goods
with no cue and no places are mentions, not links, and "ke 10 negara" names no place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kaltim_kg.ingest.actors import OFFICE_WORDS
from kaltim_kg.ingest.gazetteer import Mention

# Verbs of sending; "di-" passive and "me-" active forms, optional "-kan".
_SEND_VERBS = (
    r"(?:di|ter|meng?|mem|men)?(?:ekspor|kirim|kapal|berangkat|pasar|jual|pasok|"
    r"distribusi|lepas|salur|impor)(?:kan|i)?"
)
_SEND = (
    rf"\b{_SEND_VERBS}(?:\s+(?:juga|pula|telah|sudah|mulai|terus|kembali|lagi|langsung))*"
    r"(?:\s+(?:hingga|sampai))?\s+ke\b"
)
_DONE = r"\b(?:dilakukan|dilaksanakan|terjadi|tembus|menembus|merambah|masuk)(?:\s+(?:hingga|sampai))?\s+(?:ke\b|pasar\b)"
_DESTINATION = (
    r"\b(?:dengan|ke)\s+(?:\w+\s+){0,2}?(?:negara|pasar)\s+tujuan(?:\s+ekspor(?:nya)?)?"
    r"(?:\s+(?:ke|yaitu|yakni|antara\s+lain|seperti|di\s+antaranya|meliputi))?\s*:?"
    r"|\btujuan\s+ekspor(?:nya)?\s+(?:ke\s+)?(?:adalah\s+)?"
    # "CPO … masih didominasi tujuan India dan Tiongkok", "dengan tujuan utama Jepang"
    r"|\b(?:didominasi|dengan|berupa)\s+tujuan(?:\s+utama)?(?:\s+ekspor(?:nya)?)?(?:\s+ke)?(?=\s)"
)
_FROM = (
    r"\b(?:diminati|dibeli|dipesan|diburu|disukai)(?:\s+(?:oleh|banyak))?\s+"
    r"(?:para\s+)?(?:buyer|pembeli|importir|konsumen|pasar|pengusaha|perusahaan)"
    r"(?:\s+\w+)?\s+(?:dari|asal|di)\b"
)
_BARE_TO = r"\s+ke\b"

CUES = (
    ("destination", re.compile(_DESTINATION, re.IGNORECASE)),
    ("send", re.compile(_SEND, re.IGNORECASE)),
    ("done", re.compile(_DONE, re.IGNORECASE)),
    ("buyer-from", re.compile(_FROM, re.IGNORECASE)),
    ("bare-to", re.compile(_BARE_TO, re.IGNORECASE)),
)

_SEPARATOR = re.compile(
    r"\s*(?:,\s*(?:dan|serta)?|\s(?:dan|serta|&|maupun|atau)|/)\s*", re.IGNORECASE
)
_FILLER = re.compile(
    r"\s*(?:(?:ke|beberapa|sejumlah|berbagai|banyak|negara(?:-negara)?|kawasan|wilayah|benua|"
    r"pasar|luar\s+negeri\s+seperti|seperti|antara\s+lain|yaitu|yakni|di|provinsi|kota|"
    r"kabupaten|daratan)\s+)*",
    re.IGNORECASE,
)
_ANAPHOR = re.compile(
    r"\s*(?:(?i:negeri|negara|wilayah|kawasan)(?:\s+[A-Z]\w*){0,4}|sana)\s+(?:tersebut|itu|ini)\b"
    r"|\s*(?i:negeri|negara)\s+(?:yang\s+sama)\b"
    r"|\s*sana\b",
)
# Words between goods and a bare "ke" that still belong to the goods ("rumput laut kering ke").
# … and a stated quantity ("sarang burung walet sebanyak 1,5 ton ke Tiongkok").
_GOODS_TAIL = re.compile(
    r"^(?:\s+[\w-]+){0,2}(?:\s+(?:sebanyak|seberat|sejumlah)\s+[\d.,]+(?:\s+[\w-]+){1,2})?$"
)
_EXPORT_WORD = re.compile(r"\bekspor|\bdiekspor|\bpengiriman|\bdikirim", re.IGNORECASE)


_GOODS_GAP = re.compile(
    r"^\s*(?:,\s*(?:dan|serta)?|dan|serta|&|maupun|atau|/)?\s*(?:\(|\)|produk|hasil|berupa|juga)*\s*$",
    re.IGNORECASE,
)
_MAX_WORDS_TO_CUE = 8
# Words for "abroad" a title capitalises: no place, known or not.
_ABROAD = frozenset(["mancanegara", "manca negara", "luar negeri", "internasional", "dunia"])
# A proper name in a list of destinations: capitalised words ("Hong Kong", "Brunei
# Darussalam"), not a weekday or month opening a dateline.
_PROPER_NAME = re.compile(
    r"(?!(?:Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu)\b)[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){0,3}"
)


def _goods_before(sentence: str, commodities: list[Mention], start: int, cue: int) -> list[Mention]:
    """The list of goods that ends nearest before the cue: mentions joined by separators
    ("ikan segar, kepiting, dan udang"), at most a few words before the cue."""
    before = [c for c in commodities if start <= c.start and c.end <= cue]
    if not before:
        return []
    if len(sentence[before[-1].end : cue].split()) > _MAX_WORDS_TO_CUE:
        return []
    goods = [before[-1]]
    for mention in reversed(before[:-1]):
        gap = sentence[mention.end : goods[0].start]
        if not gap.strip() and mention.key != goods[0].key:
            continue  # "hasil laut gurita": a category before the item names the item
        if mention.end > goods[0].start or _GOODS_GAP.match(gap) or _inside_brackets(gap):
            goods.insert(0, mention)
        else:
            break
    unique: dict[tuple[str, str], Mention] = {}
    for mention in goods:  # "fatty palm acid (asam lemak bebas)": one commodity, named twice
        unique.setdefault((mention.kind, mention.key), mention)
    return list(unique.values())


def _inside_brackets(gap: str) -> bool:
    return gap.strip() in ("(", ")", ") (", ")(")


@dataclass(frozen=True)
class TradeLink:
    commodities: tuple[Mention, ...]
    places: tuple[Mention, ...]
    cue: str  # which pattern: destination, send, done, buyer-from, bare-to
    text: str  # the words of the link, for the reviewer
    flags: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()  # listed names the reference does not know


@dataclass(frozen=True)
class _Cue:
    kind: str
    start: int
    end: int


def _cues(sentence: str) -> list[_Cue]:
    found: list[_Cue] = []
    for kind, pattern in CUES:
        for match in pattern.finditer(sentence):
            if any(c.start < match.end() and match.start() < c.end for c in found):
                continue
            found.append(_Cue(kind, match.start(), match.end()))
    return sorted(found, key=lambda c: c.start)


def _place_list(
    sentence: str, start: int, places: list[Mention]
) -> tuple[list[Mention], int, bool, list[str]]:
    """The places listed from `start`: (places, end, anaphoric, unknown names). A proper
    name the reference does not know ("Hong Kong", "Vietnam" before the reference has
    them) is kept aside for the reviewer, and the list goes on past it."""
    by_start = {p.start: p for p in places}
    listed: list[Mention] = []
    unknown: list[str] = []
    position = start
    anaphor = _ANAPHOR.match(sentence, position)
    if anaphor and anaphor.group().strip():
        return [], anaphor.end(), True, []
    filler = _FILLER.match(sentence, position)
    position = filler.end() if filler else position
    while True:
        while position < len(sentence) and sentence[position] == " ":
            position += 1
        place = by_start.get(position)
        if place is not None:
            listed.append(place)
            position = place.end
        else:
            name = _PROPER_NAME.match(sentence, position)
            if name is None or any(position < p.end and p.start < name.end() for p in places):
                break
            if name.group().casefold() in _ABROAD:
                break  # "ke Mancanegara": abroad, no place
            if name.group().split()[0] in OFFICE_WORDS:
                break  # "… ke Jepang dan Gubernur Isran Noor …": the next clause, no place
            unknown.append(name.group())
            position = name.end()
        separator = _SEPARATOR.match(sentence, position)
        if not separator or not separator.group().strip(" "):
            break
        after = separator.end()
        filler = _FILLER.match(sentence, after)
        after = filler.end() if filler else after
        if after not in by_start and not _PROPER_NAME.match(sentence, after):
            break
        position = after
    return listed, position, False, unknown


def find_links(
    sentence: str,
    commodities: list[Mention],
    places: list[Mention],
    previous_places: tuple[Mention, ...] = (),
) -> list[TradeLink]:
    """Trade links of one sentence. `previous_places` are the places of the last link
    before this sentence, which an anaphor ("negara tersebut") may point back to."""
    links: list[TradeLink] = []
    window_start = 0
    last_places = previous_places
    for cue in _cues(sentence):
        if cue.start < window_start:
            continue
        goods = _goods_before(sentence, commodities, window_start, cue.start)
        if not goods:
            continue
        if cue.kind == "bare-to":
            between = sentence[goods[-1].end : cue.start]
            if not _GOODS_TAIL.match(between) or not _EXPORT_WORD.search(sentence + " ekspor"):
                continue
        listed, end, anaphoric, unknown = _place_list(sentence, cue.end, places)
        flags: list[str] = []
        if anaphoric:
            if len(last_places) != 1:
                continue
            listed = list(last_places)
            flags.append(
                f"destination '{sentence[cue.end : end].strip()}' read as "
                f"'{last_places[0].text}' from an earlier sentence: check"
            )
        if not listed and not unknown:
            continue
        for place in listed:
            if place.ambiguous:
                flags.append(f"'{place.text}' can name more than one place: check")
        links.append(
            TradeLink(
                tuple(goods),
                tuple(listed),
                cue.kind,
                sentence[goods[0].start : end].strip(),
                tuple(flags),
                tuple(unknown),
            )
        )
        if listed:
            last_places = tuple(listed)
        window_start = end
    return links
