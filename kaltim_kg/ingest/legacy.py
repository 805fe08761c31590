"""The draft in the first curated format, for a reader that knows no other: cohorts with
whole rupiah (`value_idr`), flows by year to a country with an exporter, people and agencies
declared in full in every file. What that format cannot say (quarters, dollar amounts,
regions as destinations, totals with a partner, products, counts by size class, measures,
targets, events) is left out of the records and listed in a comment for the reviewer.

Used only when the project's reader refuses the richer draft; it goes once the fact model
of the regional graph (issue 13) is on main everywhere.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kaltim_kg.facts.reference import Reference
from kaltim_kg.ingest.draft import Draft, Flag, Known
from kaltim_kg.ingest.numbers import parse_digits, scaled

_DROPPED_SECTIONS = ("events", "totals", "products", "business_counts", "measures", "targets")
_COHORT_FIELDS = (
    "key",
    "year",
    "label",
    "trade_type",
    "sector",
    "member_count",
    "value_idr",
    "certified_by",
    "supervised_by",
    "reported_by",
    "evidence",
)


def _rupiah(amount: dict[str, Any]) -> int | None:
    if amount.get("currency") != "IDR":
        return None
    number = scaled(parse_digits(str(amount["value"])), amount.get("scale"))
    value = number.value
    return int(value) if value == value.to_integral_value() else int(Decimal(value).quantize(1))


def _year(record: dict[str, Any]) -> int | None:
    if isinstance(record.get("year"), int):
        return record["year"]
    period = str(record.get("period", ""))
    return int(period[:4]) if period[:4].isdigit() else None


def to_first_format(draft: Draft, reference: Reference, known: Known) -> Draft:
    """The same draft in the first curated format, with what it cannot hold noted."""
    sections = {k: v for k, v in draft.sections.items()}
    left_out: list[str] = []
    flags = [f for f in draft.flags if f.section not in _DROPPED_SECTIONS]
    for name in _DROPPED_SECTIONS:
        for record in sections.pop(name, []) or []:
            left_out.append(f"{name[:-1] if name.endswith('s') else name}: {_describe(record)}")
    for name in ("agencies", "people"):
        full = []
        for record in sections.get(name, []) or []:
            if "name" in record:
                full.append(record)
                continue
            published = known.raw_records.get((name, str(record["key"])))
            if published is None:
                left_out.append(f"{name}: {record['key']} (declared nowhere in full)")
                continue
            restated = {k: v for k, v in published.items() if k != "evidence"}
            restated["evidence"] = record.get("evidence", [])
            full.append(restated)
        if full:
            sections[name] = full
        else:
            sections.pop(name, None)
    cohorts = []
    for record in sections.get("cohorts", []) or []:
        converted = dict(record)
        year = _year(record)
        if "period" in record:
            left_out.append(
                f"cohort {record['key']}: period {record['period']} kept as the year {year}"
            )
        if isinstance(record.get("value_idr"), int) and year is not None:
            cohorts.append({k: record[k] for k in _COHORT_FIELDS if k in record})
            continue
        amounts = record.get("amounts") or []
        rupiah = [a for a in amounts if _rupiah(a) is not None]
        first = next((a for a in rupiah if not a.get("equivalent")), rupiah[0] if rupiah else None)
        if year is None or first is None:
            left_out.append(f"cohort {record['key']}: no amount in rupiah ({_describe(record)})")
            continue
        converted["year"] = year
        converted["value_idr"] = _rupiah(first)
        for amount in amounts:
            if amount is not first:
                left_out.append(
                    f"cohort {record['key']}: amount {_describe(amount)} (one rupiah value only)"
                )
        members = record.get("member_count")
        if isinstance(members, dict):
            converted["member_count"] = members["value"]
            left_out.append(
                f"cohort {record['key']}: member count qualifier {members.get('qualifier')}"
            )
        if "destination_count" in record:
            left_out.append(
                f"cohort {record['key']}: {record['destination_count']} destination countries"
            )
        cohorts.append({k: converted[k] for k in _COHORT_FIELDS if k in converted})
    exporters = {c["key"] for c in cohorts}
    if cohorts:
        sections["cohorts"] = cohorts
    else:
        sections.pop("cohorts", None)
    flows = []
    for record in sections.get("flows", []) or []:
        year = _year(record)
        country = reference.find_country(str(record["destination"]))
        reason = None
        if country is None:
            reason = f"destination {record.get('destination_as_stated', record['destination'])} is not a country"
        elif record["commodity"] not in reference.commodities:
            reason = f"commodity {record['commodity']} is not in the reference yet"
        elif record.get("exporter") not in exporters:
            reason = "no exporting cohort stated"
        if reason or year is None:
            left_out.append(f"flow {record['commodity']} → {record['destination']}: {reason}")
            continue
        flows.append(
            {
                "year": year,
                "commodity": record["commodity"],
                "destination": record["destination"],
                "exporter": record["exporter"],
                "evidence": record["evidence"],
            }
        )
    if flows:
        sections["flows"] = flows
    else:
        sections.pop("flows", None)
    _declare_what_is_named(sections, known, left_out)
    cited = _cited(sections)
    sections["sentences"] = {k: v for k, v in sections["sentences"].items() if k in cited}
    for reason in left_out:
        flags.append(Flag("?", "?", f"not expressible in the current format, left out: {reason}"))
    return Draft(draft.source_key, sections, flags, draft.text_file)


_POINTERS = {
    "part_of": "agencies",
    "head_of": "agencies",
    "certified_by": "agencies",
    "supervised_by": "agencies",
    "reported_by": "people",
    "speaker": "people",
    "exporter": "cohorts",
}


def _declare_what_is_named(sections: dict[str, Any], known: Known, left_out: list[str]) -> None:
    """In the first format a file declares every agency and person it points at: restate
    the published ones named (with the evidence of the record that names them), drop a
    pointer to one declared nowhere."""
    changed = True
    while changed:
        changed = False
        declared = {
            name: {str(r.get("key")) for r in sections.get(name, []) or []}
            for name in ("agencies", "people", "cohorts")
        }
        for name, records in list(sections.items()):
            if name in ("source", "sentences") or not isinstance(records, list):
                continue
            for record in records:
                for pointer, section in _POINTERS.items():
                    key = record.get(pointer)
                    if not key or str(key) in declared[section] or section == "cohorts":
                        continue
                    published = known.raw_records.get((section, str(key)))
                    if published is None:
                        del record[pointer]
                        left_out.append(f"{name}: {pointer} {key} (declared nowhere in full)")
                    else:
                        restated = {k: v for k, v in published.items() if k != "evidence"}
                        restated["evidence"] = list(record.get("evidence", []) or [])
                        sections.setdefault(section, []).append(restated)
                        declared[section].add(str(key))
                    changed = True


def _describe(record: dict[str, Any]) -> str:
    return ", ".join(
        f"{k}={v}"
        for k, v in record.items()
        if k not in ("evidence", "label") and not isinstance(v, list)
    )


def _cited(sections: dict[str, Any]) -> set[str]:
    keys: set[str] = set()
    for name, records in sections.items():
        if name in ("source", "sentences") or not isinstance(records, list):
            continue
        for record in records:
            keys.update(record.get("evidence", []) or [])
    return keys
