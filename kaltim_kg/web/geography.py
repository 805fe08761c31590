"""Country shapes from TopoJSON to SVG path data, on the Natural Earth projection.

The shapes are world-atlas's Natural Earth files bundled in `geodata/` (see its README); they
are decoded here in plain Python, so the map needs no JavaScript and fetches nothing.
TopoJSON stores shared borders once, as delta-encoded integer arcs; a ring is a list of arc
indices, where `~i` (that is, `-i - 1`) means arc `i` walked backwards.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

GEODATA = Path(__file__).resolve().parent / "geodata"
MAP_FILE = GEODATA / "countries-110m.json"  # the map's shapes
SMALL_FILE = GEODATA / "countries-50m.json"  # only for countries too small for 1:110m
ANTARCTICA = "010"  # no trade goes there; leaving it out gives the inhabited world more room

Point = tuple[float, float]
Ring = list[Point]


@dataclass(frozen=True)
class Shape:
    """One country's outline: ISO 3166-1 numeric code, Natural Earth's name, SVG path data."""

    numeric: str
    name: str
    path: str
    centre: Point  # where a dot goes when the shape is too small to see
    area: float  # in square pixels of the projected map


def decode_arc(arc: list[list[float]], transform: dict | None) -> list[Point]:
    """One arc as absolute longitude/latitude points (undo the quantisation and deltas)."""
    if transform is None:
        return [(float(p[0]), float(p[1])) for p in arc]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    x = y = 0
    points = []
    for dx, dy, *_ in arc:
        x += dx
        y += dy
        points.append((x * sx + tx, y * sy + ty))
    return points


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Every arc of a topology, decoded."""
    return [decode_arc(arc, topology.get("transform")) for arc in topology["arcs"]]


class LazyArcs:
    """Arcs decoded when a ring first needs them: the 1:50m file is read for a few countries."""

    def __init__(self, topology: dict) -> None:
        self._raw = topology["arcs"]
        self._transform = topology.get("transform")
        self._decoded: dict[int, list[Point]] = {}

    def __getitem__(self, index: int) -> list[Point]:
        if index not in self._decoded:
            self._decoded[index] = decode_arc(self._raw[index], self._transform)
        return self._decoded[index]


def ring_points(indices: Sequence[int], arcs: list[list[Point]] | LazyArcs) -> Ring:
    """Join a ring's arcs into one closed list of points (shared ends kept once)."""
    ring: Ring = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc[1:] if ring else arc)
    return ring


def polygons(geometry: dict, arcs: list[list[Point]] | LazyArcs) -> list[list[Ring]]:
    """A Polygon or MultiPolygon geometry as polygons of rings (outer ring first)."""
    if geometry["type"] == "Polygon":
        parts = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        parts = geometry["arcs"]
    else:
        return []
    return [[ring_points(ring, arcs) for ring in polygon] for polygon in parts]


def split_at_antimeridian(ring: Ring) -> list[Ring]:
    """Cut a ring that runs along the 180° meridian (Russia, Fiji) into one ring per side.

    Natural Earth cuts shapes at ±180°, but a ring may step from -180 straight to +180 along
    the cut; drawn as is, that step is a line right across the map.
    """
    jumps = [i for i in range(1, len(ring)) if abs(ring[i][0] - ring[i - 1][0]) > 180]
    if not jumps:
        return [ring]
    start = jumps[0]
    rotated = ring[start:] + ring[1:start]  # begins right after a jump; the closing point dropped
    pieces: list[Ring] = [[rotated[0]]]
    for previous, point in pairwise(rotated):
        if abs(point[0] - previous[0]) > 180:
            pieces.append([])
        pieces[-1].append(point)
    return [piece + piece[:1] for piece in pieces if len(piece) >= 3]


def natural_earth(longitude: float, latitude: float) -> Point:
    """The Natural Earth I projection (Šavrič, Jenny, Patterson 2011), unit sphere, y north."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (
        0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4))
    )
    y = phi * (
        1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4))
    )
    return x, y


# The projection's extent on the unit sphere: x at the equator's ends, y at the poles.
X_EXTENT = natural_earth(180, 0)[0]
Y_NORTH = natural_earth(0, 90)[1]
Y_SOUTH = natural_earth(0, -60)[1]  # Antarctica is left out, so the map stops at 60° S


@dataclass(frozen=True)
class Frame:
    """Fits the projected world into a `width` pixels wide SVG."""

    width: float

    @property
    def scale(self) -> float:
        return self.width / (2 * X_EXTENT)

    @property
    def height(self) -> float:
        return (Y_NORTH - Y_SOUTH) * self.scale

    def pixel(self, longitude: float, latitude: float) -> Point:
        x, y = natural_earth(longitude, latitude)
        return (x + X_EXTENT) * self.scale, (Y_NORTH - y) * self.scale


def path_data(rings: Iterable[Ring], frame: Frame) -> str:
    """SVG path data for rings, in pixels to 0.1, with repeated points dropped."""
    parts = []
    for ring in rings:
        previous = None
        words = []
        for longitude, latitude in ring:
            x, y = frame.pixel(longitude, latitude)
            point = f"{x:.1f},{y:.1f}"
            if point != previous:
                words.append(point)
                previous = point
        if len(words) >= 3:
            parts.append("M" + "L".join(words) + "Z")
    return "".join(parts)


def ring_area(ring: Ring, frame: Frame) -> tuple[float, Point]:
    """The projected ring's area (shoelace formula) and its centroid."""
    projected = [frame.pixel(*p) for p in ring]
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(projected, projected[1:] + projected[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        xs, ys = zip(*projected, strict=True)
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


def shapes_of(topology: dict, frame: Frame, skip: frozenset[str] = frozenset()) -> dict[str, Shape]:
    """Each country of a world-atlas topology with an ISO numeric id, but Antarctica and `skip`."""
    arcs = LazyArcs(topology)
    shapes = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = geometry.get("id")
        if not numeric or numeric == ANTARCTICA or numeric in skip:
            continue
        parts = polygons(geometry, arcs)
        rings = [
            piece for polygon in parts for ring in polygon for piece in split_at_antimeridian(ring)
        ]
        outer = [
            piece for polygon in parts if polygon for piece in split_at_antimeridian(polygon[0])
        ]
        measured = [ring_area(ring, frame) for ring in outer]
        area, centre = max(measured, default=(0.0, (0.0, 0.0)))
        name = geometry.get("properties", {}).get("name", numeric)
        shapes[numeric] = Shape(numeric, name, path_data(rings, frame), centre, area)
    return shapes


@cache
def world(width: float = 960) -> tuple[Frame, dict[str, Shape], dict[str, Shape]]:
    """The bundled map's shapes, and the small countries only the 1:50m file has."""
    frame = Frame(width)
    shapes = shapes_of(json.loads(MAP_FILE.read_text(encoding="utf-8")), frame)
    small = shapes_of(json.loads(SMALL_FILE.read_text(encoding="utf-8")), frame, frozenset(shapes))
    return frame, shapes, small
