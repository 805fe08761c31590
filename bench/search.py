"""Site search and list latency through the app, with the full reference vocabularies.

    python bench/search.py [--requests 400] [--reference DIR] [--seed 1]

Builds the shipped facts into a temporary store, adds the reference vocabularies (every
country, province, regency, M49 region and HS 2022 concept) read from `DIR`'s CSV files
(`countries.csv`, `id-provinces.csv`, `id-regencies.csv`, `m49-regions.csv`,
`hs2022.csv`; by default /work/shared/reference/full when it exists), or else bench/
reconcile.py's seeded synthetic vocabularies of the same size; builds the browse index once
(timed, as the first request after a publish does), then sends `requests` GET /search
through the Flask app (HTML and JSON, 40 % names as typed, 20 % codes, 20 % prefixes, 20 %
typos) and a round of list pages. The baseline, measured in the same run, is /search with
an empty q (the route's own cost without any matching). Prints Markdown: entities, build
time, p50/p95 of search and lists, the ratio to the baseline and whether p95 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pyoxigraph  # noqa: E402

from kaltim_kg.config import load_settings  # noqa: E402
from kaltim_kg.link.kinds import build_kind_index  # noqa: E402
from kaltim_kg.link.listing import Lists  # noqa: E402
from kaltim_kg.store.publish import build  # noqa: E402
from kaltim_kg.web import create_app  # noqa: E402
from kaltim_kg.web.browse import EXTENSION, Browse  # noqa: E402

BASE = "https://w3id.org/kaltim-kg/"
KKG = "https://w3id.org/kaltim-kg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SHARED = Path("/work/shared/reference/full")
BOUND_MS = 50.0


def literal(text: str, lang: str = "") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def reference(directory: Path) -> tuple[str, list[str], list[str]]:
    """N-Triples of the vocabularies in `directory`'s CSVs, their names and their codes."""
    lines: list[str] = []
    names: list[str] = []
    codes: list[str] = []

    def add(iri: str, cls: str, labels: list[tuple[str, str]], notations: dict[str, str]) -> None:
        lines.append(f"<{iri}> <{TYPE}> <{cls}> .")
        for text, lang in labels:
            if text:
                for p in (RDFS_LABEL, SKOS + "prefLabel"):
                    lines.append(f"<{iri}> <{p}> {literal(text, lang)} .")
                names.append(text)
        for prop, code in notations.items():
            if code:
                lines.append(f"<{iri}> <{prop}> {literal(code)} .")
                codes.append(code)

    def link(iri: str, prop: str, target: str) -> None:
        lines.append(f"<{iri}> <{prop}> <{target}> .")

    for row in _rows(directory / "countries.csv"):
        iri = f"{BASE}id/country/{row['alpha2']}"
        add(
            iri,
            KKG + "Country",
            [(row["name_id"], "id"), (row["name_en"], "en")],
            {
                KKG + "isoAlpha2": row["alpha2"],
                KKG + "isoAlpha3": row["alpha3"],
                KKG + "isoNumeric": row["numeric"],
            },
        )
    provinces: dict[str, str] = {}
    for row in _rows(directory / "id-provinces.csv"):
        iri = provinces[row["code"]] = f"{BASE}id/region/{row['iso_3166_2']}"
        add(
            iri,
            KKG + "Region",
            [(row["name_id"], "id"), (row["name_en"], "en")],
            {KKG + "bpsCode": row["code"], KKG + "isoSubdivisionCode": row["iso_3166_2"]},
        )
    for row in _rows(directory / "id-regencies.csv"):
        iri = f"{BASE}id/regency/{row['code']}"
        add(iri, KKG + "Regency", [(row["name_id"], "id")], {KKG + "bpsCode": row["code"]})
        link(iri, KKG + "inProvince", provinces[row["province_code"]])
    for row in _rows(directory / "m49-regions.csv"):
        iri = f"{BASE}id/world-region/{row['code']}"
        add(iri, KKG + "WorldRegion", [(row["name_en"], "en")], {KKG + "unM49": row["code"]})
        if row["parent"]:
            link(iri, SKOS + "broader", f"{BASE}id/world-region/{row['parent']}")
    for row in _rows(directory / "hs2022.csv"):
        if not row["code"].isdigit():
            continue  # sections (Roman numerals) are no HS codes
        iri = f"{BASE}id/hs/{row['code']}"
        add(
            iri, SKOS + "Concept", [(row["description_en"], "en")], {SKOS + "notation": row["code"]}
        )
        if row["parent"].isdigit():
            link(iri, SKOS + "broader", f"{BASE}id/hs/{row['parent']}")
    return "\n".join(lines) + "\n", names, codes


def synthetic(seed: int) -> tuple[str, list[str], list[str]]:
    from reconcile import synthetic as reconcile_synthetic

    data, names, codes = reconcile_synthetic(random.Random(seed))
    return data, [name for name, _ in names], codes


def typo(rng: random.Random, text: str) -> str:
    at = rng.randrange(1, len(text))
    return text[:at] + text[at + 1 :] if rng.random() < 0.5 else text[:at] + "e" + text[at:]


def queries(rng: random.Random, names: list[str], codes: list[str], count: int) -> list[str]:
    found = []
    short = [n for n in names if len(n) <= 40]
    for _ in range(count):
        roll = rng.random()
        if roll < 0.4:
            text = rng.choice(short)
        elif roll < 0.6:
            text = rng.choice(codes)
        elif roll < 0.8:
            text = rng.choice(short)[: rng.randint(3, 6)]
        else:
            text = typo(rng, rng.choice([n for n in short if len(n) > 4]))
        params = {"q": text}
        if rng.random() < 0.5:
            params["format"] = "json"
        found.append("/search?" + urlencode(params))
    return found


def timed(client, paths: list[str]) -> list[float]:
    times = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path, headers={"Accept": "text/html"})
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code} {response.get_data(as_text=True)}")
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--reference", type=Path, default=SHARED if SHARED.is_dir() else None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.reference:
        data, names, codes = reference(args.reference)
        shape = f"the reference CSVs in {args.reference}"
    else:
        data, names, codes = synthetic(args.seed)
        shape = "bench/reconcile.py's synthetic vocabularies"
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(env={}, store_dir=Path(tmp) / "store")
        built = build(settings)
        store = pyoxigraph.Store()
        store.bulk_extend(built.generation.open().quads_for_pattern(None, None, None, None))
        store.load(
            data.encode(),
            format=pyoxigraph.RdfFormat.N_TRIPLES,
            to_graph=pyoxigraph.NamedNode(BASE + "graph/reference-bench"),
        )
        started = time.perf_counter()
        kinds = build_kind_index(store, BASE)
        build_seconds = time.perf_counter() - started
        app = create_app(settings, {"TESTING": True})
        client = app.test_client()
        app.extensions[EXTENSION].put(Browse(built.generation.id, kinds, Lists(kinds)))
        paths = queries(rng, names, codes, args.requests)
        timed(client, paths[:20])  # warm the folding caches and the templates
        baseline = timed(client, ["/search?q="] * args.requests)
        searches = timed(client, paths)
        list_paths = [
            f"/id/{kind}/?{query}"
            for kind in kinds.kinds()
            for query in ("", "format=json", "sort=-code", "page=1&size=100")
        ] + ["/id/hs/?broader=03", "/id/hs/?broader=0306", "/id/regency/?province=ID-KI"]
        timed(client, list_paths)  # the first list of each kind finds its columns
        lists = timed(client, list_paths * 3)
    print(f"Over {shape}.\n")
    print(
        "| entities | index build | searches | search p50 | search p95 | baseline p50 "
        f"| ratio (p50) | list p50 | list p95 | p95 ≤ {BOUND_MS:g} ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {len(kinds.index)} | {build_seconds:.2f} s | {len(searches)} "
        f"| {statistics.median(searches):.1f} ms | {p95(searches):.1f} ms "
        f"| {statistics.median(baseline):.1f} ms "
        f"| {statistics.median(searches) / statistics.median(baseline):.1f}x "
        f"| {statistics.median(lists):.1f} ms | {p95(lists):.1f} ms "
        f"| {'yes' if p95(searches) <= BOUND_MS else 'NO'} |"
    )


if __name__ == "__main__":
    main()
