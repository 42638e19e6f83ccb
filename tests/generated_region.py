"""Generated regions: a made-up road network with places, written as a real ``.osm.pbf``.

NOT OpenStreetMap data. Every way and every place carries ``source=codriver:generated``,
the file header's ``generator`` says so, and the default file name starts with
``generated-``. Used by tests (small regions in a tmp dir) and by the benchmarks (10 k …
1 M drive nodes); it imports with ``codriver region import`` like any extract.

The layout, deterministic for a given ``seed``:

- towns on a grid about 20 km apart (at least 9 across, so a region is at least 160 km
  wide), each a square grid of streets about 120 m apart: ``residential`` (30 km/h) and
  ``secondary`` main streets (50 km/h), all with ``maxspeed``;
- a ``motorway`` (two one-way carriageways, 120 km/h, a node about every km) between
  neighbouring towns of a row, and a ``primary`` road (80 km/h, a node every 500 m)
  between neighbouring towns of a column;
- per town: restaurants with cuisines, cafés, a museum, parks (all with ``opening_hours``),
  a town square (``place=square``, "<Town> Square", findable by name), and a charging
  station with ``socket:type2``/``socket:type2_combo`` and their outputs;
- a motorway service area with a fast charger beside each carriageway, half-way between
  the towns of every motorway link;
- with ``stays=True``, per town: a hotel (3 stars) beside the town's charger, a guest house
  at a far corner with no charger near, and a motel whose charger records no sockets
  (``unverified``); none of these draws from the random generator, so towns, roads and the
  other places are the same with or without them.

The size parameter is the number of drive nodes wanted; the result is within a few per
cent of it (:attr:`Layout.drive_nodes` says how many the file holds).

As a script: ``python tests/generated_region.py OUT.osm.pbf --nodes 50000 --seed 1``
(``benchmarks/generate_region.py`` is the same entry point).
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

GENERATED = {"source": "codriver:generated"}
TOWN_SPACING_M = 20_000.0
STREET_M = 120.0
LAT0, LON0 = 61.0, 24.0  # south-west town; tzfpy gives Europe/Helsinki here
_M_PER_DEG = 111_320.0
_MIN_COLS, _MIN_ROWS = 9, 2
_MOTORWAY_NODE_M = 1_000.0
_PRIMARY_NODE_M = 500.0
_SYLLABLES = (
    "aa", "ber", "dal", "en", "fors", "gard", "hol", "is", "jo", "kar", "lin", "mo", "nor", "ol",
    "pel", "ran", "sel", "tor", "ul", "vik", "ber", "sund", "holm", "by", "ka", "lax", "mi", "rö",
)  # fmt: skip
_CUISINES = ("italian;pizza", "finnish", "thai", "indian", "japanese;sushi", "burger", "chinese", "mexican", "greek")
_RESTAURANT_HOURS = (
    "Mo-Su 11:00-22:00",
    "Mo-Fr 10:30-15:00,17:00-22:00; Sa,Su 12:00-22:00",
    "Tu-Su 11:00-21:00",
    "Mo-Sa 11:00-23:00; Su 12:00-20:00",
)
_CAFE_HOURS = ("Mo-Fr 07:30-18:00; Sa,Su 09:00-17:00", "Mo-Su 08:00-20:00", "Mo-Sa 09:00-16:00")
_MUSEUM_HOURS = ("Tu-Su 10:00-18:00", "Mo-Su 10:00-17:00", "We-Su 11:00-19:00")


@dataclass
class Layout:
    """What was written: counts, and the towns (name, square position) for tests and benchmarks."""

    drive_nodes: int = 0
    ways: int = 0
    places: int = 0
    chargers: int = 0
    stays: int = 0
    towns: list[tuple[str, float, float]] = field(default_factory=list)  # (name, lat, lon) of each square
    cols: int = 0
    rows: int = 0

    def town(self, row: int, col: int) -> tuple[str, float, float]:
        """The town at grid position (row, col), south-west first."""
        return self.towns[row * self.cols + col]


class _Writer:
    def __init__(self) -> None:
        self.lat: list[float] = []
        self.lon: list[float] = []
        self.ways: list[tuple[list[int], dict[str, str]]] = []
        self.pois: list[tuple[float, float, dict[str, str]]] = []

    def node(self, lat: float, lon: float) -> int:
        self.lat.append(lat)
        self.lon.append(lon)
        return len(self.lat)  # OSM IDs from 1

    def way(self, refs: list[int], tags: dict[str, str]) -> None:
        self.ways.append((refs, {**tags, **GENERATED}))

    def poi(self, lat: float, lon: float, tags: dict[str, str]) -> None:
        self.pois.append((lat, lon, {**tags, **GENERATED}))


def _town_names(count: int, rng: np.random.Generator) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        parts = rng.choice(len(_SYLLABLES), size=int(rng.integers(2, 4)))
        name = "".join(_SYLLABLES[int(k)] for k in parts).capitalize()
        if name not in seen and len(name) >= 4:
            seen.add(name)
            names.append(name)
    return names


def _deg(lat: float) -> tuple[float, float]:
    """Degrees of latitude and longitude per metre at ``lat``."""
    return 1 / _M_PER_DEG, 1 / (_M_PER_DEG * math.cos(math.radians(lat)))


def _shape(drive_nodes: int) -> tuple[int, int, int]:
    """(cols, rows, town side in streets) for about ``drive_nodes`` nodes."""
    towns = max(_MIN_COLS * _MIN_ROWS, round(drive_nodes / 2500))
    cols = max(_MIN_COLS, math.ceil(math.sqrt(towns)))
    rows = max(_MIN_ROWS, math.ceil(towns / cols))
    side = 4
    for _ in range(3):  # the roads between towns take nodes too; they depend on the town size
        width = (side - 1) * STREET_M
        between = rows * (cols - 1) * 2 * (TOWN_SPACING_M - width) / _MOTORWAY_NODE_M
        between += (rows - 1) * cols * (TOWN_SPACING_M - width) / _PRIMARY_NODE_M
        side = max(4, math.floor(math.sqrt(max(16.0, drive_nodes - between) / (rows * cols))))
    return cols, rows, side


def generate(path: Path, *, drive_nodes: int = 10_000, seed: int = 1, stays: bool = False) -> Layout:
    """Write a generated region of about ``drive_nodes`` drive nodes to ``path`` (.osm.pbf); see the module."""
    import osmium  # a dev dependency
    import osmium.osm.mutable as mutable

    rng = np.random.default_rng(seed)
    cols, rows, side = _shape(drive_nodes)
    names = _town_names(cols * rows, rng)
    out = _Writer()
    layout = Layout(cols=cols, rows=rows)
    grids: list[np.ndarray] = []
    for r in range(rows):
        for c in range(cols):
            name = names[r * cols + c]
            dlat, _ = _deg(LAT0)
            jitter = rng.uniform(-1500, 1500, size=2)
            lat_c = LAT0 + (r * TOWN_SPACING_M + jitter[0]) * dlat
            lon_c = LON0 + (c * TOWN_SPACING_M + jitter[1]) * _deg(lat_c)[1]
            grids.append(_town(out, rng, name=name, centre=(lat_c, lon_c), side=side, layout=layout))
            if stays:
                _stays(out, grids[-1], name=name, layout=layout)
    for r in range(rows):
        for c in range(cols - 1):
            west, east = grids[r * cols + c], grids[r * cols + c + 1]
            ends = (names[r * cols + c], names[r * cols + c + 1])
            _motorway(out, west[side // 2, side - 1], east[side // 2, 0], ref=f"E{r + 1}", towns=ends, layout=layout)
    for r in range(rows - 1):
        for c in range(cols):
            south, north = grids[r * cols + c], grids[(r + 1) * cols + c]
            refs = _line(out, south[side - 1, side // 2], north[0, side // 2], _PRIMARY_NODE_M)
            out.way(refs, {"highway": "primary", "maxspeed": "80", "ref": f"{100 + c}", "name": f"Road {100 + c}"})
    layout.drive_nodes = len(out.lat)
    layout.ways = len(out.ways)
    layout.places = len(out.pois)
    header = osmium.io.Header()
    header.set("generator", f"codriver generated region (seed {seed}; NOT OpenStreetMap data)")
    writer = osmium.SimpleWriter(str(path), header=header, overwrite=True)
    try:
        for i, (lat, lon) in enumerate(zip(out.lat, out.lon, strict=True), start=1):
            writer.add_node(mutable.Node(id=i, location=(lon, lat), version=1))
        for k, (lat, lon, tags) in enumerate(out.pois, start=len(out.lat) + 1):
            writer.add_node(mutable.Node(id=k, location=(lon, lat), tags=tags, version=1))
        for k, (refs, tags) in enumerate(out.ways, start=1):
            writer.add_way(mutable.Way(id=k, nodes=refs, tags=tags, version=1))
    finally:
        writer.close()
    return layout


def _line(out: _Writer, a: int, b: int, step_m: float, offset_m: float = 0.0) -> list[int]:
    """Node IDs from node ``a`` to node ``b`` with new nodes every ``step_m`` (shifted ``offset_m`` to the left)."""
    lat_a, lon_a, lat_b, lon_b = out.lat[a - 1], out.lon[a - 1], out.lat[b - 1], out.lon[b - 1]
    dlat, dlon = _deg(lat_a)
    north, east = (lat_b - lat_a) / dlat, (lon_b - lon_a) / dlon
    length = math.hypot(north, east)
    count = max(1, round(length / step_m))
    left = (east / length * offset_m, -north / length * offset_m)  # (north, east) of the left side
    refs = [a]
    for k in range(1, count):
        f = k / count
        refs.append(out.node(lat_a + (north * f + left[0]) * dlat, lon_a + (east * f + left[1]) * dlon))
    refs.append(b)
    return refs


def _motorway(out: _Writer, west: int, east: int, *, ref: str, towns: tuple[str, str], layout: Layout) -> None:
    tags = {"highway": "motorway", "oneway": "yes", "maxspeed": "120", "ref": ref, "name": f"Motorway {ref}"}
    eastbound = _line(out, west, east, _MOTORWAY_NODE_M, offset_m=-15.0)  # drive on the right
    westbound = _line(out, east, west, _MOTORWAY_NODE_M, offset_m=-15.0)
    out.way(eastbound, tags)
    out.way(westbound, tags)
    for side, refs in (("eastbound", eastbound), ("westbound", westbound)):
        mid = refs[len(refs) // 2] - 1
        dlat, _ = _deg(out.lat[mid])
        shift = -40.0 if side == "eastbound" else 40.0  # beside its own carriageway
        _charger(
            out,
            out.lat[mid] + shift * dlat,
            out.lon[mid],
            name=f"{ref} Services {towns[0]}-{towns[1]} {side}",
            dc_kw=150,
            layout=layout,
        )


def _charger(out: _Writer, lat: float, lon: float, *, name: str, dc_kw: int, layout: Layout) -> None:
    tags = {
        "amenity": "charging_station",
        "name": name,
        "operator": "Generated Charging",
        "network": "GenCharge",
        "socket:type2": "2",
        "socket:type2:output": "22 kW",
        "capacity": "4",
        "fee": "yes",
        "opening_hours": "24/7",
    }
    if dc_kw:
        tags |= {"socket:type2_combo": "2", "socket:type2_combo:output": f"{dc_kw} kW"}
    tags["charging_station:output"] = f"{max(dc_kw, 22)} kW"
    out.poi(lat, lon, tags)
    layout.chargers += 1


def _town(
    out: _Writer, rng: np.random.Generator, *, name: str, centre: tuple[float, float], side: int, layout: Layout
) -> np.ndarray:
    """Streets of one town; returns its grid of node IDs (row 0 south, column 0 west)."""
    lat_c, lon_c = centre
    dlat, dlon = _deg(lat_c)
    half = (side - 1) / 2
    grid = np.zeros((side, side), dtype=np.int64)
    for i in range(side):
        for j in range(side):
            grid[i, j] = out.node(lat_c + (i - half) * STREET_M * dlat, lon_c + (j - half) * STREET_M * dlon)
    mid = side // 2
    for i in range(side):
        main = i == mid
        tags = {"highway": "secondary" if main else "residential", "maxspeed": "50" if main else "30"}
        out.way([int(n) for n in grid[i]], {**tags, "name": f"{name} {'Main Street' if main else f'Street {i + 1}'}"})
    for j in range(side):
        main = j == mid
        tags = {"highway": "secondary" if main else "residential", "maxspeed": "50" if main else "30"}
        out.way(
            [int(n) for n in grid[:, j]], {**tags, "name": f"{name} {'High Street' if main else f'Avenue {j + 1}'}"}
        )

    def spot() -> tuple[float, float]:
        """A point 20 m off a random street corner of the town."""
        i, j = (int(x) for x in rng.integers(0, side, size=2))
        node = int(grid[i, j]) - 1
        return out.lat[node] + 20.0 * dlat, out.lon[node] + 20.0 * dlon

    square_lat, square_lon = out.lat[int(grid[mid, mid]) - 1] + 25 * dlat, out.lon[int(grid[mid, mid]) - 1]
    out.poi(square_lat, square_lon, {"place": "square", "name": f"{name} Square"})
    layout.towns.append((name, square_lat, square_lon))
    for k in range(max(3, side // 5)):
        cuisine = _CUISINES[int(rng.integers(len(_CUISINES)))]
        tags = {
            "amenity": "restaurant",
            "name": f"{name} {cuisine.split(';')[0].capitalize()} Kitchen {k + 1}",
            "cuisine": cuisine,
            "opening_hours": _RESTAURANT_HOURS[int(rng.integers(len(_RESTAURANT_HOURS)))],
        }
        if rng.random() < 0.4:
            tags["diet:vegetarian"] = "yes"
        out.poi(*spot(), tags)
    for k in range(max(2, side // 8)):
        hours = _CAFE_HOURS[int(rng.integers(len(_CAFE_HOURS)))]
        out.poi(*spot(), {"amenity": "cafe", "name": f"{name} Café {k + 1}", "opening_hours": hours})
    for k in range(1 + side // 30):
        hours = _MUSEUM_HOURS[int(rng.integers(len(_MUSEUM_HOURS)))]
        tags = {"tourism": "museum", "name": f"{name} Museum" + (f" {k + 1}" if k else ""), "opening_hours": hours}
        out.poi(*spot(), {**tags, "fee": "yes", "charge": "12 EUR"})
    for k in range(1 + side // 20):
        tags = {"leisure": "park", "name": f"{name} Park" + (f" {k + 1}" if k else "")}
        out.poi(*spot(), tags if rng.random() < 0.5 else {**tags, "opening_hours": "24/7"})
    # the town's charger, by the main street
    node = int(grid[mid, min(side - 1, mid + 1)]) - 1
    _charger(out, out.lat[node] - 20 * dlat, out.lon[node], name=f"{name} Charging", dc_kw=50, layout=layout)
    return grid


def _stays(out: _Writer, grid: np.ndarray, *, name: str, layout: Layout) -> None:
    """A hotel beside the town's charger, a guest house far from it, a motel with an unverified charger."""
    side = grid.shape[0]
    mid = side // 2

    def at(i: int, j: int, north_m: float) -> tuple[float, float]:
        node = int(grid[i, j]) - 1
        return out.lat[node] + north_m * _deg(out.lat[node])[0], out.lon[node]

    hotel = {"tourism": "hotel", "name": f"{name} Hotel", "stars": "3", "rooms": "40"}
    out.poi(*at(mid, min(side - 1, mid + 1), 30.0), hotel)  # the town charger is 20 m south of this corner
    out.poi(*at(0, 0, 20.0), {"tourism": "guest_house", "name": f"{name} Guest House"})
    out.poi(*at(side - 1, 0, 20.0), {"tourism": "motel", "name": f"{name} Motel", "opening_hours": "24/7"})
    unknown = {"amenity": "charging_station", "name": f"{name} Motel Charging", "capacity": "2"}  # no socket tags
    out.poi(*at(side - 1, 0, -20.0), unknown)
    layout.chargers += 1
    layout.stays += 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a generated region (NOT OpenStreetMap data) as .osm.pbf.")
    parser.add_argument("out", type=Path, nargs="?", help="output file (default: generated-<nodes>.osm.pbf)")
    parser.add_argument("--nodes", type=int, default=10_000, help="drive nodes wanted (about)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    out = args.out or Path(f"generated-{args.nodes}.osm.pbf")
    layout = generate(out, drive_nodes=args.nodes, seed=args.seed)
    print(
        f"{out}: {layout.drive_nodes} drive nodes, {layout.ways} ways, {layout.places} places "
        f"({layout.chargers} chargers), {layout.cols}x{layout.rows} towns 20 km apart; generated, not OSM data"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
