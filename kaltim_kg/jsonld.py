"""The published JSON-LD @context and compaction of expanded JSON-LD against it.

The context is nothing but the project's prefixes, so compaction is a pure string rewrite
of IRIs into `prefix:local` compact IRIs: deterministic, streaming-friendly and lossless
(every prefix IRI ends in `/` or `#`, so JSON-LD 1.1 treats each as a prefix).
"""

from __future__ import annotations

import json
from typing import Any

from kaltim_kg.namespaces import PREFIXES

CONTEXT_PATH = "/context.jsonld"


def context() -> dict[str, Any]:
    """The @context document served at /context.jsonld and embedded in JSON-LD output."""
    return {"@context": dict(sorted(PREFIXES.items()))}


def _prefixes_longest_first() -> list[tuple[str, str]]:
    return sorted(((iri, name) for name, iri in PREFIXES.items()), key=lambda p: -len(p[0]))


_ORDERED = _prefixes_longest_first()


def compact_iri(iri: str) -> str:
    """`https://w3id.org/kaltim-kg/ontology#evidence` → `kkg:evidence` (else unchanged)."""
    for namespace, name in _ORDERED:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace) :]
            if not local.startswith("//"):
                return f"{name}:{local}"
    return iri


def _compact_node(value: Any) -> Any:
    if isinstance(value, list):
        return [_compact_node(item) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in ("@id", "@type") and isinstance(item, str):
            out[key] = compact_iri(item) if not item.startswith("_:") else item
        elif key.startswith("@"):
            out[key] = _compact_node(item)
        else:
            out[compact_iri(key)] = _compact_node(item)
    return out


def compact(expanded: bytes) -> bytes:
    """Rewrite expanded JSON-LD (as pyoxigraph writes it) into a document with our context."""
    nodes = json.loads(expanded or b"[]")
    if isinstance(nodes, dict):
        nodes = nodes.get("@graph", [nodes])
    document = {**context(), "@graph": _compact_node(nodes)}
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False).encode("utf-8")
