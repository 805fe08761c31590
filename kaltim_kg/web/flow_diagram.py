"""A server-rendered Sankey-style diagram of export flows: commodity → destination country.

The sources give no value per flow, so sizes here count, they never measure: every
commodity-country pair is one line of the same width, and a node's height is the number of
pairs through it. The diagram says so on itself, and the page gives the counts as a table. At most 150 pairs are drawn (the
busiest), so a store with millions of flows still gets a readable picture. Layout only: the
SVG markup lives in the template.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kaltim_kg.web.addresses import local_path
from kaltim_kg.web.labels import Labeller

UNIT = 16  # pixels per flow
GAP = 10  # pixels between nodes
LEFT_X, RIGHT_X, WIDTH, NODE_WIDTH, TOP = 215, 580, 760, 10, 44  # room for the note on top


@dataclass(frozen=True)
class Node:
    label: str
    href: str | None
    x: int
    y: int
    height: int
    pairs: int  # commodity-destination pairs through this node: what its height shows

    @property
    def label_y(self) -> float:
        return self.y + self.height / 2 + 4


@dataclass(frozen=True)
class Link:
    path: str
    title: str
    href: str | None
    width: int


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    commodities: list[Node]
    countries: list[Node]
    links: list[Link]


def _stack(
    keys: list[str], degree: Counter[str], x: int, labeller: Labeller, base: str
) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    y = TOP
    for key in keys:
        height = degree[key] * UNIT
        nodes[key] = Node(labeller.name(key), local_path(base, key), x, y, height, degree[key])
        y += height + GAP
    return nodes


Pair = tuple[str | None, str, str]  # (the flow, if it is the only one; commodity; country)


def flow_diagram(pairs: list[Pair], labeller: Labeller, base_uri: str) -> Diagram:
    rows = list(pairs)
    by_commodity = Counter(c for _, c, _ in rows)
    by_country = Counter(d for _, _, d in rows)
    commodity_order = sorted(by_commodity, key=lambda k: (-by_commodity[k], labeller.name(k)))
    country_order = sorted(by_country, key=lambda k: (-by_country[k], labeller.name(k)))
    left = _stack(commodity_order, by_commodity, LEFT_X - NODE_WIDTH, labeller, base_uri)
    right = _stack(country_order, by_country, RIGHT_X, labeller, base_uri)
    # Links leave each commodity in country order and enter each country in commodity order.
    rows.sort(key=lambda r: (commodity_order.index(r[1]), country_order.index(r[2])))
    out_slot: Counter[str] = Counter()
    in_slot: Counter[str] = Counter()
    in_order = sorted(rows, key=lambda r: (country_order.index(r[2]), commodity_order.index(r[1])))
    in_y = {}
    for _, commodity, country in in_order:
        in_y[commodity, country] = right[country].y + in_slot[country] * UNIT + UNIT / 2
        in_slot[country] += 1
    links = []
    middle = (LEFT_X + RIGHT_X) / 2
    for flow, commodity, country in rows:
        y0 = left[commodity].y + out_slot[commodity] * UNIT + UNIT / 2
        out_slot[commodity] += 1
        y1 = in_y[commodity, country]
        path = f"M{LEFT_X},{y0:.1f} C{middle:.1f},{y0:.1f} {middle:.1f},{y1:.1f} {RIGHT_X},{y1:.1f}"
        title = f"{left[commodity].label} → {right[country].label}"
        href = local_path(base_uri, flow) if flow else right[country].href
        links.append(Link(path, title, href, UNIT - 3))
    height = max([n.y + n.height for n in [*left.values(), *right.values()]] or [TOP]) + TOP
    return Diagram(WIDTH, height, list(left.values()), list(right.values()), links)
