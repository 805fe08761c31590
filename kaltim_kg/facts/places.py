"""Where trade went: a country, a UN M49 world region or an Indonesian province, by code or name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kaltim_kg.facts.fields import FieldReader
from kaltim_kg.facts.yaml_lines import LineDict

PLACE_KINDS = ("country", "world-region", "region")
_M49 = re.compile(r"^\d{3}$")
_SUBDIVISION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


@dataclass(frozen=True, order=True)
class Place:
    """A place a record points at: its kind (an IRI kind) and its code (the IRI key)."""

    kind: str  # country | world-region | region
    code: str  # ISO 3166-1 alpha-2, UN M49 (3 digits) or ISO 3166-2


class PlaceReading(FieldReader):
    """Resolves place codes and names against the reference tables."""

    def find_place(self, text: str, kinds: tuple[str, ...] = PLACE_KINDS) -> Place | None:
        """A code (`PK`, `150`, `ID-BA`) or a name or alias the reference knows."""
        wanted = text.strip()
        world_regions = getattr(self.reference, "world_regions", {})
        if "world-region" in kinds and _M49.match(wanted):
            return Place("world-region", wanted) if wanted in world_regions else None
        if "region" in kinds and _SUBDIVISION.match(wanted):
            return Place("region", wanted) if wanted in self.reference.regions else None
        if "country" in kinds:
            country = self.reference.find_country(wanted)
            if country is not None:
                return Place("country", country.code)
        folded = wanted.casefold()
        if "region" in kinds:
            for region in self.reference.regions.values():
                names = (region.name_en, region.name_id, *region.aliases)
                if folded in (n.casefold() for n in names):
                    return Place("region", region.code)
        if "world-region" in kinds:
            for code, region in world_regions.items():
                names = (region.name_en, region.name_id, *region.aliases)
                if folded in (n.casefold() for n in names if n):
                    return Place("world-region", code)
        return None

    def place(
        self, node: LineDict, key: str, what: str, kinds: tuple[str, ...] = PLACE_KINDS
    ) -> Place | None:
        raw = node.get(key)
        if raw is None:
            return None
        found = self.find_place(str(raw), kinds)
        if found is None:
            words = {"country": "country", "world-region": "world region", "region": "province"}
            if "country" in kinds:  # a code or name that is none of the kinds asked for
                others = " or ".join(words[k] for k in kinds if k != "country")
                reason = f"unknown country {raw!r}" + (f" (nor a {others})" if others else "")
            else:
                reason = f"unknown {' or '.join(words[k] for k in kinds)} {raw!r}"
            self.error(node.line_of(key), f"{what}: {reason}")
        return found
