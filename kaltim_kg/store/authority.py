"""A loaded file cannot borrow an article's authority: what it quotes must be in the article.

Loaded data may say `prov:wasDerivedFrom` one of the curated sources, or attach
`kkg:evidence` to facts derived from them. Either is a claim that the article says so, and it
holds only if the evidence is a sentence verbatim in that article's text. Evidence on facts
the loaded data derives from sources of its own (a statistics table, a generated file) is
that data's claim, not the articles', and is left to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyoxigraph

from kaltim_kg.namespaces import KKG, PROV

_DERIVED = f"""
SELECT ?s ?src ?e WHERE {{
  VALUES ?g {{ {{graphs}} }}
  GRAPH ?g {{ ?s <{PROV.wasDerivedFrom}> ?src }}
  OPTIONAL {{ GRAPH ?g {{ ?s <{KKG.evidence}> ?e }} }}
}}
"""
_EVIDENCE = f"""
SELECT ?s ?e ?src WHERE {{
  VALUES ?g {{ {{graphs}} }}
  GRAPH ?g {{ ?s <{KKG.evidence}> ?e }}
  OPTIONAL {{ ?s <{PROV.wasDerivedFrom}> ?src }}
}}
"""
MAX_LISTED = 20


def _flat(text: str) -> str:
    return " ".join(text.split())


def borrowed_authority(
    store: pyoxigraph.Store, graphs: Sequence[str], texts: Mapping[str, str]
) -> list[str]:
    """One line per claim in `graphs` on a curated source (IRI → its text) it does not quote."""
    if not graphs:
        return []
    values = " ".join(f"<{g}>" for g in graphs)
    flat = {iri: _flat(text) for iri, text in texts.items()}
    problems: set[str] = set()
    quoted: dict[tuple[str, str], bool] = {}
    for row in store.query(_DERIVED.replace("{graphs}", values), use_default_graph_as_union=True):
        subject, source, evidence = row["s"].value, row["src"].value, row["e"]
        if source not in flat:
            continue
        key = (subject, source)
        verbatim = evidence is not None and _flat(evidence.value) in flat[source]
        quoted[key] = quoted.get(key, False) or verbatim
    for (subject, source), ok in quoted.items():
        if not ok:
            problems.add(
                f"<{subject}> says prov:wasDerivedFrom <{source}> but quotes no sentence of it "
                "verbatim (kkg:evidence)"
            )
    cited: dict[tuple[str, str], set[str]] = {}
    for row in store.query(_EVIDENCE.replace("{graphs}", values), use_default_graph_as_union=True):
        key = (row["s"].value, row["e"].value)
        cited.setdefault(key, set())
        if row["src"] is not None:
            cited[key].add(row["src"].value)
    for (subject, evidence), sources in cited.items():
        curated = {s for s in sources if s in flat}
        if sources - curated:
            continue  # derived from a source of the loaded data's own: its own claim
        if not any(_flat(evidence) in flat[s] for s in curated):
            shown = evidence if len(evidence) <= 80 else evidence[:77] + "..."
            problems.add(
                f"<{subject}> kkg:evidence {shown!r} is not verbatim in any curated source it "
                "is derived from"
            )
    listed = sorted(problems)
    if len(listed) > MAX_LISTED:
        listed = [*listed[:MAX_LISTED], f"... and {len(listed) - MAX_LISTED} more"]
    return listed
