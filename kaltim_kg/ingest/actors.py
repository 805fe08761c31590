"""Find people with their roles, and what they said, in Indonesian press text.

People appear as a role then a name ("Kepala Dinas …, HM Yadi Robyan Noor", "Gubernur
Kaltim Isran Noor"), later by part of the name or a nickname ("kata Roby"). Quotations are
the words inside quotation marks, their speaker named after the closing mark by a speech
verb ("kata Roby", "sebut Gubernur Kaltim Isran Noor", "paparnya" for the last speaker).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kaltim_kg.facts.months import MONTHS_ID
from kaltim_kg.ingest.sentences import ABBREVIATIONS

HONORIFICS = (
    "H",
    "HM",
    "Hj",
    "Hj.",
    "H.",
    "Dr",
    "Dr.",
    "Ir",
    "Ir.",
    "Drs",
    "Drs.",
    "Prof",
    "Prof.",
    "KH",
)
ROLE_HEADS = (
    "Wakil Gubernur",
    "Gubernur",
    "Wagub",
    "Wakil Bupati",
    "Bupati",
    "Wakil Wali Kota",
    "Wakil Walikota",
    "Wali Kota",
    "Walikota",
    "Sekretaris Daerah",
    "Sekretaris Provinsi",
    "Sekretaris",
    "Sekda",
    "Kepala",
    "Kadis",
    "Kabid",
    "Kasi",
    "Plt",
    "Plh",
    "Pj",
    "Asisten",
    "Direktur Jenderal",
    "Direktur",
    "Dirjen",
    "Wakil Menteri",
    "Menteri",
    "Presiden",
    "Wakil Ketua",
    "Ketua",
    "Camat",
    "Lurah",
    "Koordinator",
    "Duta Besar",
    "Konsul Jenderal",
    "Atase",
)
# Capitalised words that belong to the name of an office, not of a person.
OFFICE_WORDS = frozenset(
    [
        "Dinas",
        "Badan",
        "Biro",
        "Bagian",
        "Bidang",
        "Seksi",
        "Kantor",
        "Balai",
        "Unit",
        "Lembaga",
        "Kementerian",
        "Direktorat",
        "Jenderal",
        "Sekretariat",
        "Pemerintah",
        "Pemerintahan",
        "Provinsi",
        "Kabupaten",
        "Kota",
        "Daerah",
        "Pusat",
        "Republik",
        "Perindustrian",
        "Perdagangan",
        "Koperasi",
        "Usaha",
        "Mikro",
        "Kecil",
        "Menengah",
        "UKM",
        "UMKM",
        "IKM",
        "Industri",
        "Kreatif",
        "Ekonomi",
        "Perekonomian",
        "Pertanian",
        "Perkebunan",
        "Kelautan",
        "Perikanan",
        "Kehutanan",
        "Pariwisata",
        "Penanaman",
        "Modal",
        "Pelayanan",
        "Terpadu",
        "Satu",
        "Pintu",
        "Luar",
        "Negeri",
        "Dalam",
        "Ekspor",
        "Impor",
        "Humas",
        "Hubungan",
        "Masyarakat",
        "Komunikasi",
        "Informatika",
        "Kominfo",
        "Diskominfo",
        "Statistik",
        "Bank",
        "Perwakilan",
        "Bea",
        "Cukai",
        "Karantina",
        "Energi",
        "Sumber",
        "Daya",
        "Mineral",
        "Lingkungan",
        "Hidup",
        "Sosial",
        "Tenaga",
        "Kerja",
        "Transmigrasi",
        "Pangan",
        "Pendidikan",
        "Kesehatan",
        "Perhubungan",
        "Keuangan",
        "Pendapatan",
        "Pembangunan",
        "Perencanaan",
        "Bappeda",
        "Disperindagkop",
        "Dinas",
        "Pemprov",
        "Pemkab",
        "Pemkot",
        "Setda",
        "Setprov",
        "Indonesia",
        "Nasional",
        "Kalimantan",
        "Timur",
        "Barat",
        "Selatan",
        "Utara",
        "Tengah",
        "Wilayah",
        "Regional",
        "Cabang",
        "Kerja",
        "Sama",
        "Kerjasama",
        "Gubernur",
        "Bupati",
        "Wali",
        "Walikota",
        "Urusan",
        "Administrasi",
        "Asisten",
    ]
)
# Short forms of an administrative unit written with a dot inside a role ("Kepala Dinas
# Perdagangan Kab. Kutai Kartanegara"): part of the office, never a name.
OFFICE_ABBREVIATIONS = frozenset(["Kab", "Kec", "Kel", "Prov", "Kab/Kota", "Pemkab", "Kemen"])
# Day and month names open a dateline after a name ("kata Gubernur Isran Noor, Rabu (…)"),
# never a second name.
_CALENDAR_WORDS = frozenset(
    [
        "Senin",
        "Selasa",
        "Rabu",
        "Kamis",
        "Jumat",
        "Jum'at",
        "Sabtu",
        "Minggu",
        *MONTHS_ID,
    ]
)
SPEECH_VERBS = (
    "kata",
    "ujar",
    "ucap",
    "sebut",
    "tutur",
    "jelas",
    "tegas",
    "papar",
    "ungkap",
    "imbuh",
    "tambah",
    "beber",
    "terang",
    "lanjut",
    "pungkas",
    "bangga",
    "ajak",
    "harap",
    "pesan",
    "kata dia",
    "tandas",
    "klaim",
    "akui",
    "yakin",
    "sambung",
    "urai",
    "seru",
)
REPORTING_VERBS = (
    "mengatakan",
    "menyatakan",
    "mengungkapkan",
    "menegaskan",
    "menuturkan",
    "menambahkan",
    "menjelaskan",
    "menyebutkan",
    "menyebut",
    "menilai",
    "mengaku",
    "memastikan",
    "mengingatkan",
    "menekankan",
    "menerangkan",
    "menyampaikan",
    "berpesan",
    "mengimbau",
    "meminta",
    "berharap",
    "mengajak",
)

_HONORIFIC = "|".join(re.escape(h) for h in sorted(HONORIFICS, key=len, reverse=True))
_ROLE_HEAD = "|".join(re.escape(r) for r in ROLE_HEADS)
_ROLE_START = re.compile(rf"\b(?:{_ROLE_HEAD})\b")
_TOKEN = re.compile(r"\(?[\w&'-]+(?:\.\w+)*\)?|[,&.;:!?]")
_NAME_WORD = re.compile(r"[A-Z][a-z'-]+|[A-Z]{1,3}(?=\s[A-Z])")
_OPEN_QUOTE = '“"'
_CLOSE_QUOTE = '”"'
_SPEECH = "|".join(sorted(SPEECH_VERBS, key=len, reverse=True))
_ATTRIBUTION = re.compile(
    rf"^\s*(?:demikian\s+)?(?P<verb>{_SPEECH})(?P<nya>nya)?\b(?P<rest>[^.;]*)", re.IGNORECASE
)


@dataclass(frozen=True)
class PersonMention:
    name: str  # as written, with any honorific: "HM Yadi Robyan Noor"
    role: str | None  # as written: "Gubernur Kaltim"
    start: int
    end: int

    @property
    def bare_name(self) -> str:
        """The name without honorifics: 'Yadi Robyan Noor'."""
        return strip_honorifics(self.name)


@dataclass(frozen=True)
class Quote:
    text: str  # the words inside the quotation marks, verbatim
    speaker: str | None  # a name or nickname as written after the speech verb; None: unknown
    pronoun: bool  # attributed by "-nya" (katanya, paparnya): the last speaker
    attribution: str  # the words after the closing mark, for the reviewer


@dataclass(frozen=True)
class Reported:
    speaker: PersonMention
    verb: str
    text: str


def strip_honorifics(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0] in HONORIFICS:
        words = words[1:]
    return " ".join(words)


def _is_office_word(word: str, is_place: Callable[[str], bool]) -> bool:
    bare = word.strip("()")
    return (
        bare in OFFICE_WORDS
        or bare.lower() in ("dan", "&", "serta", "provinsi", "kabupaten", "kota")
        or is_place(bare)
        or (word.startswith("(") or word.endswith(")"))
        or (bare.isupper() and len(bare) > 3)
    )


def find_people(
    sentence: str, is_place: Callable[[str], bool] = lambda w: False
) -> list[PersonMention]:
    """People named with a role: the role words, then the name (optionally after a comma
    and an honorific), ending at the first lower-case word or punctuation."""
    found: list[PersonMention] = []
    for match in _ROLE_START.finditer(sentence):
        if found and match.start() < found[-1].end:
            continue
        tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(sentence, match.end())]
        index = 0
        role_end = match.end()
        # the office: capitalised office words, places, acronyms, "dan", bracketed short forms
        while index < len(tokens):
            word = tokens[index][0]
            if word == ",":
                nxt = tokens[index + 1][0] if index + 1 < len(tokens) else ""
                if nxt[:1].isupper() and _is_office_word(nxt, is_place):
                    index += 1
                    continue
                break
            nxt = tokens[index + 1][0] if index + 1 < len(tokens) else ""
            if word in OFFICE_ABBREVIATIONS and nxt == ".":
                role_end = tokens[index + 1][2]
                index += 2
                continue
            if word in HONORIFICS or not _is_office_word(word, is_place):
                break
            if word[:1].islower() and word not in ("dan", "&", "serta"):
                break
            role_end = tokens[index][2]
            index += 1
        if index < len(tokens) and tokens[index][0] == ",":
            index += 1
        name_words, index = _name_at(tokens, index)
        plain = [w for w in name_words if w[0] not in HONORIFICS]
        # "Wali Kota Balikpapan, H. Rahmad Mas'ud, mengatakan": what looked like a name was
        # the rest of the office (a place the reference may not know), and the name is the
        # apposition after the comma
        if plain and index + 1 < len(tokens) and tokens[index][0] == ",":
            second, after = _name_at(tokens, index + 1)
            second_plain = [w for w in second if w[0] not in HONORIFICS]
            follows = tokens[after][0] if after < len(tokens) else "."
            if (
                second_plain
                and second_plain[0][0] not in _CALENDAR_WORDS
                and (follows in (",", ".") or follows[:1].islower())
            ):
                role_end = name_words[-1][2]
                name_words, plain, index = second, second_plain, after
        if not plain:
            continue
        name = sentence[name_words[0][1] : name_words[-1][2]]
        role = sentence[match.start() : role_end].strip(" ,")
        found.append(PersonMention(name, role, match.start(), name_words[-1][2]))
    return found


def _name_at(
    tokens: list[tuple[str, int, int]], index: int
) -> tuple[list[tuple[str, int, int]], int]:
    """The name words from `index`: honorifics first (with their dot: "Hj.", "Ir."), then
    capitalised words that are not office words; and the index after them."""
    words: list[tuple[str, int, int]] = []
    while index < len(tokens):
        word = tokens[index][0]
        if word in HONORIFICS and all(w[0] in HONORIFICS for w in words):
            words.append(tokens[index])
            if index + 1 < len(tokens) and tokens[index + 1][0] == ".":
                index += 1  # "Hj." is one honorific
        elif re.fullmatch(r"[A-Z][a-z'-]+", word) and word not in OFFICE_WORDS:
            dotted = index + 1 < len(tokens) and tokens[index + 1][0] == "."
            if dotted and word.casefold() in ABBREVIATIONS:
                break  # "Peraturan Menteri Perdagangan No. 77": a number, not a name
            words.append(tokens[index])
        else:
            break
        index += 1
    return words, index


def curly_quotes(paragraph: str) -> str:
    """The paragraph with straight double quotes paired as opening and closing marks
    (“ and ”), one character for one, so positions stay the same."""
    if '"' not in paragraph:
        return paragraph
    characters = list(paragraph)
    opening = True
    for index, character in enumerate(characters):
        if character == '"':
            characters[index] = "\u201c" if opening else "\u201d"
            opening = not opening
        elif character in "\u201c\u201d":
            opening = character == "\u201d"
    return "".join(characters)


def find_quotes(paragraph: str) -> list[Quote]:
    """Direct quotations of a paragraph with the speaker named after the closing mark.

    Straight quotes ("…") are read as curly ones. A closing mark with no opening one
    before it (a common slip in press texts) quotes from the start of the paragraph.
    """
    paragraph = curly_quotes(paragraph)
    quotes: list[Quote] = []
    position = 0
    while True:
        close = _find_close(paragraph, position)
        if close is None:
            return quotes
        opening = _find_open(paragraph, position, close)
        start = opening + 1 if opening is not None else position
        text = paragraph[start:close].strip().rstrip(",").strip()
        attribution = paragraph[close + 1 :]
        match = _ATTRIBUTION.match(attribution)
        speaker: str | None = None
        pronoun = False
        if match:
            pronoun = bool(match.group("nya"))
            speaker = _speaker_words(match.group("rest")) if not pronoun else None
            if speaker is None and not pronoun and match.group("verb").casefold() == "kata dia":
                pronoun = True
        if text:
            quotes.append(
                Quote(
                    text, speaker, pronoun, (match.group() if match else attribution[:60]).strip()
                )
            )
        position = close + 1


def _find_close(paragraph: str, position: int) -> int | None:
    index = paragraph.find("”", position)
    return None if index < 0 else index


def _find_open(paragraph: str, position: int, close: int) -> int | None:
    index = paragraph.rfind("“", position, close)
    return None if index < 0 else index


def _speaker_words(rest: str) -> str | None:
    """The speaker after a speech verb: 'Roby', 'Gubernur Kaltim Isran Noor' → the name part
    (the role is found by find_people)."""
    words = re.findall(r"[\w'-]+|[,(]", rest)
    name: list[str] = []
    for word in words:
        if re.fullmatch(r"[A-Z][\w'-]*", word):
            name.append(word)
        elif name or word in (",", "("):
            break
        else:
            break
    if not name:
        return None
    return " ".join(name)


# A credit line closing a release's last sentence: "… di luar negeri.(Adv/Diskominfo Kaltim)".
CREDIT_LINE = re.compile(r"\.\s*\([^()]*\)$")


def find_reported(sentence: str, people: list[PersonMention]) -> list[Reported]:
    """Reported speech: a named person, a reporting verb, what they said ('berpesan, agar …')."""
    found: list[Reported] = []
    verbs = "|".join(REPORTING_VERBS)
    for person in people:
        match = re.match(
            rf"\s*,?\s*(?P<verb>{verbs})\b\s*(?:bahwa\s+|,\s*)?(?P<text>.+)", sentence[person.end :]
        )
        if not match:
            continue
        text = CREDIT_LINE.sub("", match.group("text").strip()).rstrip(".").strip()
        found.append(Reported(person, match.group("verb"), text))
    return found


@dataclass
class Cast:
    """The people an article names, to resolve later short references ('Isran', 'Roby')."""

    people: dict[str, PersonMention] = field(default_factory=dict)  # bare name → first mention

    def add(self, person: PersonMention) -> str:
        bare = person.bare_name
        for known in self.people:
            if bare == known or (len(bare.split()) < len(known.split()) and bare in known):
                return known
            if len(known.split()) < len(bare.split()) and known in bare:
                self.people[bare] = self.people.pop(known)
                return bare
        self.people[bare] = person
        return bare

    def resolve(self, words: str) -> tuple[str | None, bool]:
        """(bare name, guessed): who a short reference names; guessed when it is a
        nickname read from the start of a name word ('Roby' for 'Robyan')."""
        words = strip_honorifics(words)
        for known in self.people:
            if words == known or f" {words} " in f" {known} ":
                return known, False
        if " " not in words and len(words) >= 3:
            matches = [k for k in self.people if any(part.startswith(words) for part in k.split())]
            if len(matches) == 1:
                return matches[0], True
        return None, False
