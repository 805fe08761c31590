"""Reconciliation speed: a batch of 1,000 names against an index the size of the full
reference vocabularies, beside a plain-dictionary baseline measured in the same run.

    python bench/reconcile.py [--queries 1000] [--rounds 5] [--seed 1]

Builds a seeded synthetic store shaped like the published vocabularies (about 250
countries, 38 provinces, 514 regencies, 6,900 HS concepts, their labels, aliases and codes),
indexes it once (timed), then answers the same `queries` batch (JSON text in, JSON text
out, as `/reconcile` does) `rounds` times: 55 % exact names written as officers do (case,
"Kab.", diacritics), 15 % codes, 20 % typos (fuzzy path), 10 % names that match nothing.
The baseline looks the same names up in one dict of lower-cased labels (no folding, no
codes, no fuzzy matching): the cost of a lookup that does nothing clever.
Prints Markdown: index build time, batch p50/max, ratio to the baseline, and whether the
issue's bound (a 1,000-name batch under 2 s) holds.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import string
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph  # noqa: E402

from kaltim_kg.config import resource_dir  # noqa: E402
from kaltim_kg.link import build_index  # noqa: E402
from kaltim_kg.link.protocol import answer_batch  # noqa: E402

BASE = "https://w3id.org/kaltim-kg/"
KKG = "https://w3id.org/kaltim-kg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
BOUND_SECONDS = 2.0
SYLLABLES = [a + b for a in "bdgjklmnprstw" for b in "aiueo"]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def literal(text: str, lang: str = "") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def synthetic(rng: random.Random) -> tuple[str, list[tuple[str, str]], list[str]]:
    """N-Triples of the entities, (name as stored, kind) pairs, and their codes."""
    lines: list[str] = []
    names: list[tuple[str, str]] = []
    codes: list[str] = []

    def entity(
        iri: str, cls: str, labels: list[tuple[str, str]], notations: dict[str, str]
    ) -> None:
        lines.append(f"<{iri}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{cls}> .")
        for text, lang in labels:
            for p in ("http://www.w3.org/2000/01/rdf-schema#label", SKOS + "prefLabel"):
                lines.append(f"<{iri}> <{p}> {literal(text, lang)} .")
        for prop, code in notations.items():
            lines.append(f"<{iri}> <{prop}> {literal(code)} .")
            codes.append(code)

    for n in range(250):
        a2 = "".join(rng.choice(string.ascii_uppercase) for _ in range(2)) + str(n)
        name = f"{word(rng)} {word(rng)}" if n % 3 else word(rng)
        alias = word(rng)
        entity(
            f"{BASE}id/country/C{n}",
            KKG + "Country",
            [(name, "id"), (name + "ia", "en")],
            {KKG + "isoAlpha2": a2, KKG + "isoNumeric": f"{n:03d}"},
        )
        lines.append(f"<{BASE}id/country/C{n}> <{SKOS}altLabel> {literal(alias, 'id')} .")
        names += [(name, "Country"), (alias, "Country")]
    for n in range(38):
        name = f"{word(rng)} {rng.choice(['Timur', 'Barat', 'Utara', 'Selatan', 'Tengah'])}"
        entity(
            f"{BASE}id/region/ID-P{n}",
            KKG + "Region",
            [(name, "id")],
            {KKG + "bpsCode": str(11 + n)},
        )
        names.append((name, "Province"))
    for n in range(514):
        kind = "Kota" if n % 5 == 0 else "Kabupaten"
        name = f"{word(rng)} {word(rng)}" if n % 2 else word(rng)
        entity(
            f"{BASE}id/regency/{1101 + n}",
            KKG + "Regency",
            [(f"{kind} {name}", "id")],
            {KKG + "bpsCode": str(1101 + n)},
        )
        names.append((f"{'Kab.' if kind == 'Kabupaten' else 'Kota'} {name}", "Regency"))
    for n in range(6900):
        digits = f"{n % 97 + 1:02d}{n % 89:02d}{n % 7:02d}"[: rng.choice([2, 4, 6])]
        text = " ".join(word(rng).lower() for _ in range(rng.randint(3, 12)))
        entity(
            f"{BASE}id/hs/{digits}-{n}",
            SKOS + "Concept",
            [(text.capitalize(), "en")],
            {SKOS + "notation": digits},
        )
    return "\n".join(lines) + "\n", names, codes


def typo(rng: random.Random, text: str) -> str:
    at = rng.randrange(1, len(text))
    return (
        text[:at] + text[at + 1 :]
        if rng.random() < 0.5
        else text[:at] + rng.choice("aeiou") + text[at:]
    )


def batch(rng: random.Random, names: list[tuple[str, str]], codes: list[str], size: int) -> dict:
    queries = {}
    for n in range(size):
        roll = rng.random()
        name, kind = rng.choice(names)
        if roll < 0.55:
            text = rng.choice([name, name.upper(), name.lower()])
        elif roll < 0.70:
            text, kind = rng.choice(codes), None
        elif roll < 0.90:
            text = typo(rng, name)
        else:
            text = f"{word(rng)} {word(rng)} {word(rng)}"
        query = {"query": text}
        if kind and rng.random() < 0.7:
            query["type"] = kind
        queries[f"q{n}"] = query
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    data, names, codes = synthetic(rng)
    store = pyoxigraph.Store()
    ontology = (resource_dir("ontology") / "kaltim.ttl").read_bytes()
    store.load(
        ontology,
        format=pyoxigraph.RdfFormat.TURTLE,
        to_graph=pyoxigraph.NamedNode(BASE + "graph/ontology"),
    )
    store.load(
        data.encode(),
        format=pyoxigraph.RdfFormat.N_TRIPLES,
        to_graph=pyoxigraph.NamedNode(BASE + "graph/countries"),
    )
    started = time.perf_counter()
    index = build_index(store, BASE)
    built = time.perf_counter() - started
    text = json.dumps(batch(rng, names, codes, args.queries))
    baseline_names = {name.lower(): name for name, _ in names}
    ours, base = [], []
    for _ in range(args.rounds):
        started = time.perf_counter()
        answer = json.dumps(answer_batch(index, text))
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        found = {k: baseline_names.get(q["query"].lower()) for k, q in json.loads(text).items()}
        json.dumps(found)
        base.append(time.perf_counter() - started)
    results = json.loads(answer)
    matched = sum(any(c["match"] for c in r["result"]) for r in results.values())
    p50, worst, base50 = statistics.median(ours), max(ours), statistics.median(base)
    print(
        f"| entities | index build | batch | p50 | max | baseline p50 | ratio | matched | under {BOUND_SECONDS:g} s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {len(index)} | {built:.2f} s | {args.queries} | {p50 * 1000:.0f} ms | {worst * 1000:.0f} ms "
        f"| {base50 * 1000:.1f} ms | {p50 / base50:.0f}x | {matched} | {'yes' if worst < BOUND_SECONDS else 'NO'} |"
    )


if __name__ == "__main__":
    main()
