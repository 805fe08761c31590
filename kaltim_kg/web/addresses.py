"""Where data IRIs and server URLs meet: the one mapping between `/id/...` and `{base}id/...`.

The data is minted under `Settings.base_uri` (by default https://w3id.org/kaltim-kg/), while
this server may run anywhere (http://127.0.0.1:8080/). A request path `/id/{kind}/{key}`
names the data IRI `{base_uri}id/{kind}/{key}`, and pages link data IRIs back to local paths
so that browsing works on any host.
"""

from __future__ import annotations

from kaltim_kg.namespaces import KKG, ONTOLOGY_IRI


def data_iri(base_uri: str, kind: str, key: str) -> str:
    """The data IRI a request for `/id/{kind}/{key}` stands for."""
    return f"{base_uri}id/{kind}/{key}"


def local_path(base_uri: str, iri: str) -> str | None:
    """The path on this server that describes `iri`, or None when it is not ours."""
    if iri.startswith(f"{base_uri}id/"):
        thing, _, fragment = iri.partition("#")
        path = "/" + thing[len(base_uri) :]
        return f"{path}#{fragment}" if fragment else path
    if iri == f"{base_uri}dataset" or iri.startswith(f"{base_uri}graph/"):
        return "/" + iri[len(base_uri) :]
    if iri == str(ONTOLOGY_IRI) or iri.startswith(str(KKG)):
        return "/ontology" + ("#" + iri[len(str(KKG)) :] if iri.startswith(str(KKG)) else "")
    return None
