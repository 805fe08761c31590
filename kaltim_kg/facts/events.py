"""What happened on a day: an export send-off ceremony and the like."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kaltim_kg.facts.fields import Text, Where
from kaltim_kg.facts.places import Place, PlaceReading
from kaltim_kg.facts.yaml_lines import LineDict
from kaltim_kg.namespaces import slugify

EVENT_KINDS = ("export-release", "event")


@dataclass(frozen=True)
class Event:
    key: str
    kind: str
    date: dt.date
    label: Text
    organizer: str | None
    location: Place | None
    evidence: tuple[str, ...]
    where: Where


class EventReading(PlaceReading):
    """Reads events."""

    def read_event(self, node: LineDict, sentences: dict[str, str]) -> Event | None:
        required = ("key", "kind", "date", "label")
        if not self.fields(node, "event", required, ("organizer", "location", "evidence")):
            return None
        what = f"event {node['key']!r}"
        kind = self.choice(node, "kind", EVENT_KINDS, what)
        date = node.get("date")
        if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
            self.error(node.line_of("date"), f"{what}: date must be YYYY-MM-DD")
            date = None
        label = self.text(node, "label", what)
        location = self.place(node, "location", what)
        evidence = self.evidence(node, sentences, what)
        if None in (kind, date, label):
            return None
        return Event(
            slugify(str(node["key"])),
            kind,  # type: ignore[arg-type]
            date,  # type: ignore[arg-type]
            label,  # type: ignore[arg-type]
            self.string(node, "organizer"),
            location,
            evidence,
            self.where(node),
        )
