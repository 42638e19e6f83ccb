"""Synthetic OSM extracts for tests, written with pyosmium."""

from __future__ import annotations

from pathlib import Path

# A small town written with pyosmium: a 5 x 5 grid of two-way residential streets about
# 110 m apart, one one-way street, a way clipped at the extract border (it points at a
# node that is not in the file), and a handful of places and chargers.
TOWN_LON, TOWN_LAT, STEP = 24.90, 60.20, 0.001


def town_node(i: int, j: int) -> int:
    return 1000 + i * 10 + j


def write_extract(path: Path, *, roads: bool = True, places: bool = True, clipped: bool = True) -> Path:
    """Write a synthetic ``.osm.pbf`` and return its path."""
    import osmium
    import osmium.osm.mutable as mutable

    nodes: list[tuple[int, float, float, dict[str, str]]] = []
    ways: list[tuple[int, list[int], dict[str, str]]] = []
    for i in range(5):
        for j in range(5):
            nodes.append((town_node(i, j), TOWN_LON + 2 * STEP * j, TOWN_LAT + STEP * i, {}))
    if roads:
        for i in range(5):
            tags = {"highway": "residential", "name": f"Row {i} Street", "maxspeed": "30"}
            if i == 4:
                tags = {"highway": "tertiary", "name": "One Way", "oneway": "yes"}
            ways.append((100 + i, [town_node(i, j) for j in range(5)], tags))
        for j in range(5):
            ways.append((200 + j, [town_node(i, j) for i in range(5)], {"highway": "residential", "name": f"Col {j}"}))
        if clipped:
            ways.append((300, [town_node(0, 0), 999_999], {"highway": "primary", "name": "Clipped Road"}))
    else:
        ways.append((400, [town_node(0, 0), town_node(0, 1)], {"highway": "footway"}))
    if places:
        base = TOWN_LON + STEP, TOWN_LAT + STEP / 2
        specs = [
            (
                5001,
                {
                    "amenity": "restaurant",
                    "name": "Vegaani Keittiö",
                    "cuisine": "vegan;Thai",
                    "diet:vegan": "only",
                    "opening_hours": "Mo-Su 11:00-22:00",
                    "wheelchair": "yes",
                },
            ),
            (5002, {"amenity": "cafe", "name": "Kahvila Kulma", "opening_hours": "Mo-Fr 08:00-17:00; PH off"}),
            (5003, {"amenity": "restaurant"}),  # unnamed: not listed
            (5004, {"amenity": "bench"}),  # not a place we list
            (5005, {"amenity": "toilets", "fee": "no"}),
            (
                5006,
                {
                    "amenity": "charging_station",
                    "name": "Town Charger",
                    "operator": "K-Lataus",
                    "socket:type2_combo": "2",
                    "socket:type2_combo:output": "150 kW",
                    "socket:type2": "2",
                    "socket:type2:output": "22 kW",
                    "capacity": "4",
                    "fee": "yes",
                },
            ),
            (5007, {"amenity": "charging_station"}),  # no socket data: compatibility unknown
            (
                5008,
                {
                    "tourism": "museum",
                    "name": "Town Museum",
                    "opening_hours": "Tu-Su 10:00-18:00",
                    "fee": "yes",
                    "charge": "12 EUR",
                },
            ),
            (5009, {"amenity": "cafe", "name": "Broken Hours", "opening_hours": "sometimes, maybe"}),
        ]
        for k, (osm_id, tags) in enumerate(specs):
            nodes.append((osm_id, base[0] + STEP * (k % 4), base[1] + STEP * (k // 4), tags))
    writer = osmium.SimpleWriter(str(path), overwrite=True)
    try:
        for osm_id, lon, lat, tags in nodes:
            writer.add_node(mutable.Node(id=osm_id, location=(lon, lat), tags=tags, version=1))
        for osm_id, refs, tags in ways:
            writer.add_way(mutable.Way(id=osm_id, nodes=refs, tags=tags, version=1))
    finally:
        writer.close()
    return path
