"""Reconciliation and table import: one matching engine for names and codes.

`build_index(store, base_uri)` reads the reference entities of a store generation once;
`reconcile(index, query)` ranks candidates for a name or code. The `/reconcile` route and
`kaltim-kg import` both use exactly these two.
"""

from kaltim_kg.link.index import Entity, EntityIndex, build_index
from kaltim_kg.link.matcher import Candidate, PropertyFilter, Query, reconcile
from kaltim_kg.link.types import ENTITY_TYPES, EntityType, UnknownType, resolve_types

__all__ = [
    "ENTITY_TYPES",
    "Candidate",
    "Entity",
    "EntityIndex",
    "EntityType",
    "PropertyFilter",
    "Query",
    "UnknownType",
    "build_index",
    "reconcile",
    "resolve_types",
]
