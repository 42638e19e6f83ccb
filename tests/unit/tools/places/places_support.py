"""Small hand-made catalogues and road graphs shared by the place tests."""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from codriver.regions import RoadGraph
from codriver.tools.geo import EARTH_RADIUS_M, LatLon
from codriver.tools.places import PlaceEntry

HELSINKI = ZoneInfo("Europe/Helsinki")
ORIGIN = LatLon(60.0, 25.0)
# Tuesday 3 December 2024, noon in Helsinki.
TUESDAY_NOON = datetime(2024, 12, 3, 12, tzinfo=HELSINKI)


def offset(east_m: float, north_m: float) -> LatLon:
    """The point ``east_m`` east and ``north_m`` north of :data:`ORIGIN`."""
    lat = ORIGIN.lat + math.degrees(north_m / EARTH_RADIUS_M)
    lon = ORIGIN.lon + math.degrees(east_m / (EARTH_RADIUS_M * math.cos(math.radians(ORIGIN.lat))))
    return LatLon(lat, lon)


def entry(
    poi: int,
    name: str | None,
    category: str,
    at: LatLon,
    *,
    cuisine: tuple[str, ...] = (),
    diets: dict[str, str] | None = None,
    price_level: int | None = None,
    fee: bool | None = None,
    wheelchair: str | None = None,
    opening_hours: str | None = None,
) -> PlaceEntry:
    """A catalogue entry ``osm:node/<poi>`` at ``at``."""
    return PlaceEntry(
        poi_id=f"osm:node/{poi}",
        name=name,
        category=category,
        subcategory=None,
        lat=at.lat,
        lon=at.lon,
        cuisine=cuisine,
        diets=diets or {},
        price_level=price_level,
        fee=fee,
        wheelchair=wheelchair,
        opening_hours=opening_hours,
    )


# A street of five nodes 100 m apart from west to east (10 s per edge), and a side street
# going north from node 2: node 5 (100 m, 20 s) and node 6 (200 m further, 20 s).
STREET = [offset(100 * i, 0) for i in range(5)] + [offset(200, 100), offset(200, 300)]
STREET_EDGES = [(0, 1, 100.0, 10.0), (1, 2, 100.0, 10.0), (2, 3, 100.0, 10.0), (3, 4, 100.0, 10.0)]
SIDE_EDGES = [(2, 5, 100.0, 20.0), (5, 6, 200.0, 20.0)]


def street_graph() -> RoadGraph:
    edges = [*STREET_EDGES, *SIDE_EDGES]
    both = edges + [(v, u, m, s) for u, v, m, s in edges]
    return RoadGraph(
        node_osmid=np.arange(100, 100 + len(STREET), dtype=np.int64),
        lon=np.array([p.lon for p in STREET]),
        lat=np.array([p.lat for p in STREET]),
        edge_u=np.array([e[0] for e in both], dtype=np.int64),
        edge_v=np.array([e[1] for e in both], dtype=np.int64),
        length_m=np.array([e[2] for e in both]),
        travel_time_s=np.array([e[3] for e in both]),
        speed_kph=np.array([e[2] / e[3] * 3.6 for e in both]),
        way_id=np.arange(len(both), dtype=np.int64),
        highway=np.array(["residential"] * len(both)),
        name=np.array(["Testikatu"] * len(both)),
    )
