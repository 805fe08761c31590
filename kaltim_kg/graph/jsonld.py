"""The published JSON-LD @context and compaction of expanded JSON-LD against it.

The context is nothing but the project's prefixes, so compaction is a pure string rewrite
of IRIs into `prefix:local` compact IRIs: deterministic, streaming-friendly and lossless
(every prefix IRI ends in `/` or `#`, so JSON-LD 1.1 treats each as a prefix).
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Iterable
from typing import IO, Any

from kaltim_kg.namespaces import PREFIXES

CONTEXT_PATH = "/context.jsonld"


def context() -> dict[str, Any]:
    """The @context document served at /context.jsonld and embedded in JSON-LD output."""
    return {"@context": dict(sorted(PREFIXES.items()))}


def _prefixes_longest_first() -> list[tuple[str, str]]:
    return sorted(((iri, name) for name, iri in PREFIXES.items()), key=lambda p: -len(p[0]))


_ORDERED = _prefixes_longest_first()


@functools.lru_cache(maxsize=1 << 16)  # predicates, classes and shared objects recur
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


def write_document(nodes: Iterable[Any], out: IO[bytes]) -> None:
    """Write expanded node objects as one compacted document, node by node (flat memory)."""
    header = json.dumps(context(), ensure_ascii=False)[:-1]  # the context, object left open
    out.write(f'{header}, "@graph": [\n'.encode())
    for index, node in enumerate(nodes):
        line = json.dumps(_compact_node(node), ensure_ascii=False, sort_keys=True)
        out.write(((",\n" if index else "") + line).encode("utf-8"))
    out.write(b"\n]}\n")


def compact(expanded: bytes) -> bytes:
    """Rewrite expanded JSON-LD (as pyoxigraph writes it) into a document with our context."""
    nodes = json.loads(expanded or b"[]")
    if isinstance(nodes, dict):
        nodes = nodes.get("@graph", [nodes])
    buffer = io.BytesIO()
    write_document(nodes, buffer)
    return buffer.getvalue()
