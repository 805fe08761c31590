"""The kinds of entity the engine reconciles, and how a store says an entity is one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rdflib.namespace import SKOS

from kaltim_kg.errors import KaltimKGError
from kaltim_kg.namespaces import KKG, normalise_base


class UnknownType(KaltimKGError):
    """A query names a type this service does not reconcile against."""


@dataclass(frozen=True)
class EntityType:
    """One reconcilable kind: its id (a class IRI, or the HS scheme's), names, and the
    SPARQL pattern binding `?e` to its members in a store built under `base`."""

    key: str  # short name also accepted as a type id ("Country", "hs")
    name_en: str
    name_id: str
    class_iri: str
    iri_prefix: str = ""  # members' IRIs start with `{base}` + this, when not "" (HS concepts)
    aliases: tuple[str, ...] = ()

    def type_id(self, base: str) -> str:
        """The id clients see: the class IRI, or for HS the namespace `{base}id/hs/` of its
        concepts (the HS 2022 scheme itself is `{base}id/hs-edition/HS2022`)."""
        return normalise_base(base) + self.iri_prefix if self.iri_prefix else self.class_iri

    def pattern(self, base: str) -> str:
        """A SPARQL group graph pattern that binds ?e to the members."""
        pattern = f"?e a <{self.class_iri}> ."
        if self.iri_prefix:
            prefix = normalise_base(base) + self.iri_prefix
            pattern += f' FILTER(STRSTARTS(STR(?e), "{prefix}"))'
        return pattern

    @property
    def name(self) -> str:
        return f"{self.name_en} ({self.name_id})"

    def names(self, base: str) -> set[str]:
        """Every spelling a client may use for this type, case-folded."""
        spellings = {
            self.key,
            self.name_en,
            self.name_id,
            self.type_id(base),
            self.class_iri,
            *self.aliases,
        }
        if self.class_iri.startswith(str(KKG)):
            spellings.add("kkg:" + self.class_iri.removeprefix(str(KKG)))
        return {s.casefold() for s in spellings}


ENTITY_TYPES: tuple[EntityType, ...] = (
    EntityType("Country", "Country", "Negara", str(KKG.Country)),
    EntityType(
        "WorldRegion", "World region", "Kawasan dunia", str(KKG.WorldRegion), aliases=("M49",)
    ),
    EntityType(
        "Province", "Province", "Provinsi", str(KKG.Region), aliases=("Region", "kkg:Region")
    ),
    EntityType(
        "Regency", "Regency or city", "Kabupaten/kota", str(KKG.Regency), aliases=("Kabupaten",)
    ),
    EntityType(
        "HS",
        "HS 2022 code",
        "Kode HS 2022",
        str(SKOS.Concept),
        iri_prefix="id/hs/",
        # and the class the full HS vocabulary types its concepts with, by IRI or name
        aliases=(
            "HSCode",
            "HS code",
            "Harmonized System",
            "HSConcept",
            "HS concept",
            "kkg:HSConcept",
            str(KKG.HSConcept),
        ),
    ),
    EntityType("Commodity", "Commodity", "Komoditas", str(KKG.Commodity)),
)


def resolve_types(
    names: Iterable[str], base: str, types: Sequence[EntityType] = ENTITY_TYPES
) -> tuple[EntityType, ...]:
    """The entity types a query names, by id or short name; UnknownType for any other."""
    found: list[EntityType] = []
    for name in names:
        wanted = name.strip().casefold()
        match = next((t for t in types if wanted in t.names(base)), None)
        if match is None:
            known = ", ".join(t.key for t in types)
            raise UnknownType(f"unknown type {name[:100]!r}; this service knows {known}")
        if match not in found:
            found.append(match)
    return tuple(found)
