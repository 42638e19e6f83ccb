"""Checks of planned itineraries that share no code with the planner or its verifier.

The verifier recomputes with the engine's own router, hours, prices and energy, so "passes
the verifier" says the document is consistent, not that the world agrees. These checks
use other sources:

- opening hours: opening_hours.js (npm, run by node; ``tests/reference``) at every stop's
  arrival, every 15 minutes of the stay and just before it ends;
- leg times: a geodesic lower bound (geopy's ellipsoidal distance at the region's highest
  posted speed limit) and a second router, networkx Dijkstra over the raw OSM drive
  network read by pyrosm (its own speeds: ``maxspeed``, else 30 km/h on residential and
  unclassified roads, 40 km/h on others), snapped by brute force;
- place IDs: every ``poi_id`` against a fresh pyosmium read of the source extract (the
  element exists, carries the same name, and lies within 300 m of the stop).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import numpy as np

from codriver.planning import Itinerary
from codriver.planning._region_world import RegionTools

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import hours_reference  # tests/ holds the reference runner

_STEP = timedelta(minutes=15)
_NEAR_M = 300.0
_DEFAULT_KMH = {"residential": 30.0, "unclassified": 30.0, "living_street": 20.0, "service": 20.0}
_OTHER_KMH = 40.0


@dataclass
class Figures:
    """Counts of each independent check."""

    hour_stops: int = 0
    hour_samples: int = 0
    hours_not_open: list[str] = field(default_factory=list)
    hours_skipped: str | None = None
    legs: int = 0
    below_geodesic: list[str] = field(default_factory=list)
    router_ratios: list[float] = field(default_factory=list)
    router_unreachable: int = 0
    ids: int = 0
    ids_missing: list[str] = field(default_factory=list)
    ids_renamed: list[str] = field(default_factory=list)
    ids_moved: list[str] = field(default_factory=list)


def _stops(itineraries: Sequence[Itinerary]) -> list[tuple[Itinerary, int]]:
    return [(it, i) for it in itineraries for i, s in enumerate(it.stops) if s.poi_id and 0 < i < len(it.stops) - 1]


def check_hours(itineraries: Sequence[Itinerary], tools: RegionTools, figures: Figures) -> None:
    why = hours_reference.unavailable()
    if why is not None:
        figures.hours_skipped = why
        return
    asks: dict[str, list[tuple[str, int]]] = {}
    samples = []
    for it, i in _stops(itineraries):
        stop = it.stops[i]
        entry = tools.entry(stop.poi_id or "")
        if entry is None or not entry.opening_hours or stop.kind not in {"visit", "meal"}:
            continue
        if not tools.hours(entry).parsed or stop.arrive_at is None or stop.depart_at is None:
            continue  # the plan says "check before going" for these: it promises nothing
        figures.hour_stops += 1
        t = stop.arrive_at
        moments = []
        while t < stop.depart_at:
            moments.append(t)
            t += _STEP
        moments.append(stop.depart_at - timedelta(minutes=1))
        for moment in moments:
            asks.setdefault(entry.opening_hours.strip(), []).append(
                (f"{stop.name} at {moment.isoformat()}", len(samples))
            )
            samples.append(moment)
    figures.hour_samples = len(samples)
    for raw, where in asks.items():
        times = [samples[k] for _, k in where]
        region = tools.region
        lat, lon = (region.min_lat + region.max_lat) / 2, (region.min_lon + region.max_lon) / 2
        states = hours_reference.reference_states([raw], times, lat=lat, lon=lon, timezone=region.timezone)[raw]
        for (label, _), code in zip(where, states or "r" * len(where), strict=True):
            if code != "o":
                figures.hours_not_open.append(f"{label}: opening_hours.js says {code} for {raw!r}")


def _raw_network(pbf: Path) -> tuple[object, np.ndarray, np.ndarray, np.ndarray, float]:
    """(networkx DiGraph in seconds, node ids, lats, lons, highest posted speed in m/s)."""
    import networkx as nx
    import pyrosm

    nodes, edges = pyrosm.OSM(str(pbf)).get_network(network_type="driving", nodes=True)
    graph = nx.DiGraph()
    top_kmh = 0.0
    for u, v, length, maxspeed, oneway, highway in zip(
        edges["u"], edges["v"], edges["length"], edges["maxspeed"], edges["oneway"], edges["highway"], strict=True
    ):
        try:
            kmh = float(str(maxspeed).split(";")[0])
        except ValueError:
            kmh = math.nan
        if not math.isfinite(kmh) or kmh <= 0:  # no usable maxspeed tag (pyrosm gives NaN)
            kmh = _DEFAULT_KMH.get(str(highway), _OTHER_KMH)
        top_kmh = max(top_kmh, kmh)
        seconds = float(length) / (kmh / 3.6)
        forward = str(oneway) != "-1"
        backward = str(oneway) not in {"yes", "true", "1"}
        for a, b, ok in ((u, v, forward), (v, u, backward)):
            if ok and (not graph.has_edge(a, b) or graph[a][b]["s"] > seconds):
                graph.add_edge(a, b, s=seconds)
    core = max(nx.strongly_connected_components(graph), key=len)
    graph = graph.subgraph(core).copy()
    keep = nodes[nodes["id"].isin(core)]
    return graph, keep["id"].to_numpy(), keep["lat"].to_numpy(), keep["lon"].to_numpy(), top_kmh / 3.6


def check_legs(itineraries: Sequence[Itinerary], pbf: Path, figures: Figures) -> None:
    import networkx as nx
    from geopy.distance import geodesic

    graph, ids, lats, lons, top_m_s = _raw_network(pbf)
    cos = math.cos(math.radians(float(lats.mean())))

    def nearest(lat: float, lon: float) -> int:
        d2 = (lats - lat) ** 2 + ((lons - lon) * cos) ** 2
        return int(ids[int(np.argmin(d2))])

    for it in itineraries:
        for leg in it.legs:
            a, b = it.stops[leg.from_index], it.stops[leg.from_index + 1]
            figures.legs += 1
            bound = geodesic((a.lat, a.lon), (b.lat, b.lon)).m / top_m_s
            if leg.duration_s + leg.walk_s < bound - 1:
                figures.below_geodesic.append(f"{a.name} -> {b.name}: {leg.duration_s:.0f} s < {bound:.0f} s")
            u, v = nearest(a.lat, a.lon), nearest(b.lat, b.lon)
            if u == v:
                continue
            try:
                theirs = nx.dijkstra_path_length(graph, u, v, weight="s")
            except nx.NetworkXNoPath:
                figures.router_unreachable += 1
                continue
            if theirs > 30 and leg.duration_s > 0:  # short hops are all rounding
                figures.router_ratios.append(leg.duration_s / theirs)


def check_ids(itineraries: Sequence[Itinerary], pbf: Path, figures: Figures) -> None:
    import osmium
    from geopy.distance import geodesic

    wanted = {}
    for it, i in _stops(itineraries):
        stop = it.stops[i]
        for ref in (stop.poi_id, stop.charger_id):
            if ref and ref.startswith("osm:"):
                wanted[ref] = stop
    figures.ids = len(wanted)
    found: dict[str, tuple[str | None, tuple[float, float] | None]] = {}
    kinds = {"n": "node", "w": "way", "r": "relation"}
    for obj in osmium.FileProcessor(str(pbf)).with_locations():
        key = f"osm:{kinds[obj.type_str()]}/{obj.id}"
        if key not in wanted:
            continue
        where = None
        if obj.is_node():
            where = (obj.location.lat, obj.location.lon)
        elif obj.is_way():
            points = [(n.location.lat, n.location.lon) for n in obj.nodes if n.location.valid()]
            if points:
                where = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
        found[key] = (obj.tags.get("name"), where)
    for ref, stop in sorted(wanted.items()):
        if ref not in found:
            figures.ids_missing.append(ref)
            continue
        name, where = found[ref]
        if name and ref == stop.poi_id and name != stop.name:
            figures.ids_renamed.append(f"{ref}: {stop.name!r} vs {name!r}")
        if where and ref == stop.poi_id and geodesic(where, (stop.lat, stop.lon)).m > _NEAR_M:
            figures.ids_moved.append(ref)


def report(figures: Figures) -> None:
    print("   independent checks (no code shared with the planner or the verifier):")
    if figures.hours_skipped:
        print(f"   - opening hours vs opening_hours.js: skipped ({figures.hours_skipped})")
    else:
        bad = len(figures.hours_not_open)
        print(
            f"   - opening hours vs opening_hours.js: {figures.hour_stops} stops with known hours, "
            f"{figures.hour_samples} moments, {bad} not open per the reference"
        )
        for line in figures.hours_not_open[:10]:
            print(f"       {line}")
    ratios = sorted(figures.router_ratios)
    print(f"   - legs: {figures.legs}; below the geodesic lower bound: {len(figures.below_geodesic)}")
    for line in figures.below_geodesic[:5]:
        print(f"       {line}")
    if ratios:
        within = sum(0.67 <= r <= 1.5 for r in ratios) / len(ratios)
        print(
            f"   - leg time / networkx on the raw OSM network: median {ratios[len(ratios) // 2]:.2f}, "
            f"within 0.67-1.5: {within:.0%} of {len(ratios)} legs; unreachable there: {figures.router_unreachable}"
        )
    print(
        f"   - place IDs vs a fresh read of the extract: {figures.ids} IDs, missing {len(figures.ids_missing)}, "
        f"other name {len(figures.ids_renamed)}, more than {_NEAR_M:.0f} m away {len(figures.ids_moved)}"
    )
    for line in (figures.ids_missing + figures.ids_renamed + figures.ids_moved)[:5]:
        print(f"       {line}")
