"""TopoJSON decoding and the Natural Earth projection behind the map of destinations."""

from __future__ import annotations

import math
import re

import pytest

from kaltim_kg.web.geography import (
    Frame,
    decode_arcs,
    natural_earth,
    path_data,
    polygons,
    ring_area,
    ring_points,
    shapes_of,
    split_at_antimeridian,
    world,
)

# Two unit squares sharing the edge x=1, quantised with scale 1 and translate (10, 20):
# arc 0 is the shared edge (1,0)→(1,1), arcs 1 and 2 the rest of each square.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [1, 1], "translate": [10, 20]},
    "arcs": [
        [[1, 0], [0, 1]],
        [[1, 1], [-1, 0], [0, -1], [1, 0]],
        [[1, 0], [1, 0], [0, 1], [-1, 0]],
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "id": "001", "properties": {"name": "West"}, "arcs": [[0, 1]]},
                {
                    "type": "MultiPolygon",
                    "id": "002",
                    "properties": {"name": "East"},
                    "arcs": [[[2, ~0]]],
                },
                {
                    "type": "Polygon",
                    "id": "010",
                    "properties": {"name": "Antarctica"},
                    "arcs": [[0, 1]],
                },
                {"type": "Polygon", "properties": {"name": "No code"}, "arcs": [[0, 1]]},
            ],
        }
    },
}


def test_arcs_are_undeltaed_and_unquantised():
    arcs = decode_arcs(TOPOLOGY)
    assert arcs[0] == [(11, 20), (11, 21)]
    assert arcs[1] == [(11, 21), (10, 21), (10, 20), (11, 20)]


def test_rings_join_arcs_and_walk_negative_indices_backwards():
    arcs = decode_arcs(TOPOLOGY)
    west = ring_points([0, 1], arcs)
    assert west == [(11, 20), (11, 21), (10, 21), (10, 20), (11, 20)]  # closed, no repeats
    east = ring_points([2, ~0], arcs)
    assert east == [(11, 20), (12, 20), (12, 21), (11, 21), (11, 20)]
    geometry = TOPOLOGY["objects"]["countries"]["geometries"][1]
    assert polygons(geometry, arcs) == [[east]]


def test_natural_earth_projection_known_points():
    assert natural_earth(0, 0) == (0.0, 0.0)
    x, _ = natural_earth(180, 0)
    assert x == pytest.approx(math.pi * 0.8707)  # the equator's length, per the formula
    _, y = natural_earth(0, 90)
    assert y == pytest.approx(1.4224, abs=1e-4)  # the pole line
    # Šavrič et al.: the whole world is 0.52 times as tall as wide
    assert 2 * y / (2 * x) == pytest.approx(0.52, abs=0.005)
    # symmetric in both axes
    assert natural_earth(-30, -40) == pytest.approx(tuple(-v for v in natural_earth(30, 40)))


def test_frame_puts_the_world_inside_the_picture():
    frame = Frame(960)
    assert frame.pixel(-180, 0)[0] == pytest.approx(0)
    assert frame.pixel(180, 0)[0] == pytest.approx(960)
    assert frame.pixel(0, 90)[1] == pytest.approx(0)
    assert frame.pixel(0, -60)[1] == pytest.approx(frame.height)
    assert frame.pixel(0, 0)[1] < frame.height


def test_path_data_is_closed_svg_rings():
    frame = Frame(960)
    arcs = decode_arcs(TOPOLOGY)
    data = path_data([ring_points([0, 1], arcs)], frame)
    assert re.fullmatch(r"M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+Z", data)


def test_shapes_skip_antarctica_and_geometries_without_a_code():
    shapes = shapes_of(TOPOLOGY, Frame(960))
    assert set(shapes) == {"001", "002"}
    assert shapes["001"].name == "West"
    area, (cx, cy) = ring_area(ring_points([0, 1], decode_arcs(TOPOLOGY)), Frame(960))
    assert shapes["001"].area == pytest.approx(area) and area > 0
    left, top = Frame(960).pixel(10, 21)
    right, bottom = Frame(960).pixel(11, 20)
    assert left < cx < right and top < cy < bottom


def test_bundled_world_has_every_un_member_sized_country():
    frame, shapes, small = world()
    assert frame.width == 960
    # 1:110m holds the big ones, ISO numeric codes as ids: Japan, India, Indonesia, Brazil
    assert {"392", "356", "360", "076"} <= set(shapes)
    assert "010" not in shapes  # Antarctica left out
    # what 1:110m leaves out comes from 1:50m: Singapore, Hong Kong, Bahrain, Malta
    assert {"702", "344", "048", "470"} <= set(small)
    assert not set(shapes) & set(small)
    japan = shapes["392"]
    x, y = japan.centre
    assert 780 < x < 860 and 100 < y < 180  # east Asia, northern hemisphere


def test_a_ring_along_the_antimeridian_is_cut_into_one_ring_per_side():
    # east of 170°E to the cut, and on from the cut to 170°W: the shape of Chukotka
    ring = [
        (170, 0),
        (180, 0),
        (-180, 0),
        (-170, 0),
        (-170, 10),
        (-180, 10),
        (180, 10),
        (170, 10),
        (170, 0),
    ]
    west, east = split_at_antimeridian(ring)
    assert all(lon <= -170 for lon, _ in west) and west[0] == west[-1]
    assert all(lon >= 170 for lon, _ in east) and east[0] == east[-1]
    plain = [(170, 0), (180, 0), (175, 5), (170, 0)]  # touches the cut, never crosses it
    assert split_at_antimeridian(plain) == [plain]


def test_no_bundled_shape_draws_a_line_across_the_map():
    _, shapes, small = world()
    for shape in [*shapes.values(), *small.values()]:
        for ring in shape.path.split("M")[1:]:
            xs = [float(p.split(",")[0]) for p in ring.rstrip("Z").split("L")]
            assert max(xs) - min(xs) < 480, shape.name  # no ring spans half the world
