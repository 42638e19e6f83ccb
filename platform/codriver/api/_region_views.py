"""What the web app shows of a region: its roads for an offline map, and alternatives to a stop.

Both come from the region's own data (the drive graph and the place catalogue), so the
map works without a tile server and every alternative is a catalogue place with facts
that can be checked.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Literal

from codriver.api._ports import Alternative, RegionMap, RoadLayer
from codriver.errors import InputError
from codriver.planning import Itinerary, ItineraryStop, RegionTools
from codriver.regions import RoadGraph
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.geocoding import fold
from codriver.tools.places import PlaceQuery, PlaceResult

__all__ = ["region_map", "road_layers", "stop_alternatives"]

_MAJOR = {"motorway", "trunk", "primary"}
_MINOR = {"secondary", "tertiary"}
_REPLACEABLE = {"visit", "meal"}
_EXTRA_DETOUR_S = 15 * 60  # alternatives may cost this much more driving than the stop they replace
_POOL = 60


def _road_class(highway: str) -> Literal["major", "minor", "local"]:
    base = highway.removesuffix("_link")
    if base in _MAJOR:
        return "major"
    if base in _MINOR:
        return "minor"
    return "local"


def road_layers(graph: RoadGraph) -> list[RoadLayer]:
    """The graph's roads as polylines per class: each two-way road once, a way's segments chained."""
    segments: dict[tuple[int, Literal["major", "minor", "local"]], set[tuple[int, int]]] = defaultdict(set)
    for u, v, way, highway in zip(
        graph.edge_u.tolist(), graph.edge_v.tolist(), graph.way_id.tolist(), graph.highway.tolist(), strict=True
    ):
        segments[(way, _road_class(str(highway)))].add((min(u, v), max(u, v)))
    lon, lat = graph.lon.tolist(), graph.lat.tolist()
    layers: dict[Literal["major", "minor", "local"], list[list[float]]] = {"major": [], "minor": [], "local": []}
    for (_, cls), pairs in sorted(segments.items()):
        for chain in _chains(pairs):
            flat: list[float] = []
            for node in chain:
                flat.extend((round(lon[node], 5), round(lat[node], 5)))
            layers[cls].append(flat)
    return [RoadLayer(cls=cls, lines=lines) for cls, lines in layers.items() if lines]


def _chains(pairs: set[tuple[int, int]]) -> list[list[int]]:
    """Undirected segments joined into as few node paths as a greedy walk finds."""
    neighbours: dict[int, list[int]] = defaultdict(list)
    for a, b in sorted(pairs):
        neighbours[a].append(b)
        neighbours[b].append(a)
    unused = set(pairs)
    chains: list[list[int]] = []
    # start at dead ends and junctions first so chains run end to end
    starts = sorted(neighbours, key=lambda n: (len(neighbours[n]) == 2, n))
    for start in starts:
        for nxt in neighbours[start]:
            if (min(start, nxt), max(start, nxt)) not in unused:
                continue
            chain = [start]
            here, step = start, nxt
            while (min(here, step), max(here, step)) in unused:
                unused.discard((min(here, step), max(here, step)))
                chain.append(step)
                here = step
                step = next((n for n in neighbours[here] if (min(here, n), max(here, n)) in unused), here)
            chains.append(chain)
    return chains


def region_map(tools: RegionTools) -> RegionMap:
    """The region's roads for an offline map."""
    region = tools.region
    return RegionMap(
        name=region.name,
        bounds=(region.min_lon, region.min_lat, region.max_lon, region.max_lat),
        roads=road_layers(tools.graph_router.graph),
        attribution=region.attribution,
    )


def _clock(at: datetime | None, tools: RegionTools) -> str:
    return at.astimezone(tools.zone).strftime("%H:%M") if at is not None else "?"


def _explain(place: PlaceResult, stop: ItineraryStop, extra_s: float, tools: RegionTools) -> str:
    """One sentence of catalogue facts: kind, food, fees, hours at arrival, driving compared with the stop."""
    parts = [place.category.replace("_", " ").capitalize()]
    if place.cuisine:
        parts[0] += f" ({', '.join(place.cuisine[:3])})"
    served = [diet for diet, value in sorted(place.diets.items()) if value in {"yes", "only"}]
    if served:
        parts.append("serves " + ", ".join(served))
    if place.fee is False:
        parts.append("free entry")
    elif place.fee is True:
        parts.append("entry fee")
    hours = place.hours
    when = _clock(stop.arrive_at, tools)
    if hours.state == "open":
        until = f" until {_clock(hours.open_until, tools)}" if hours.open_until else ""
        parts.append(f"open at {when}{until}")
    elif hours.source == "missing":
        parts.append("opening hours not recorded")
    else:
        parts.append(f"hours at {when} unclear ({place.opening_hours})")
    minutes = round(extra_s / 60)
    if minutes > 0:
        parts.append(f"{minutes} min more driving than {stop.name}")
    elif minutes < 0:
        parts.append(f"{-minutes} min less driving than {stop.name}")
    else:
        parts.append(f"about the same driving as {stop.name}")
    return "; ".join(parts) + "."


_SAME_SPOT_M = 30.0


def _distinct(options: list[PlaceResult], stops: list[ItineraryStop]) -> list[PlaceResult]:
    """``options`` without near-duplicates: one name once, nothing within a few metres of a stop or a kept option."""
    names = {fold(s.name) for s in stops}
    spots = [LatLon(s.lat, s.lon) for s in stops]
    kept: list[PlaceResult] = []
    for place in options:
        here = LatLon(place.lat, place.lon)
        if fold(place.name or "") in names or any(haversine_m(here, p) < _SAME_SPOT_M for p in spots):
            continue
        kept.append(place)
        names.add(fold(place.name or ""))
        spots.append(here)
    return kept


def stop_alternatives(tools: RegionTools, itinerary: Itinerary, index: int, *, limit: int) -> list[Alternative]:
    """Catalogue places that could take ``stops[index]``'s slot, least extra driving first.

    Places of the same kind only (the stop's category; a meal's also serving the party's
    diets), open (or of unknown hours) at the planned arrival; never a place already in
    the plan or one the request avoids, and no near-duplicates (a place of the same name,
    or within a few metres, of a stop or of an alternative already listed). Empty when
    there is none: the caller says so rather than offering another kind.
    """
    stops = itinerary.stops
    if not 0 < index < len(stops) - 1:
        msg = f"stop {index} is the start or the end of the trip (inner stops are 1..{len(stops) - 2})"
        raise InputError(msg, field="index")
    stop = stops[index]
    if stop.kind not in _REPLACEABLE or stop.poi_id is None:
        msg = f"stop {index} is a {stop.kind} stop: the charging planner places those; change the vehicle instead"
        raise InputError(msg, field="index")
    request = itinerary.request
    avoid_categories = set(request.constraints.avoid_categories) if request else set()
    diets = list(request.diet) if request and stop.kind == "meal" else []
    categories = [c for c in [stop.category or ""] if c and c not in avoid_categories]
    if not categories:
        return []
    taken = {s.poi_id for s in stops if s.poi_id} | {s.charger for s in stops if s.charger}
    taken |= set(request.constraints.avoid_places) if request else set()
    prev, nxt = stops[index - 1], stops[index + 1]
    a, b = LatLon(prev.lat, prev.lon), LatLon(nxt.lat, nxt.lon)
    direct = tools.graph_router.route_sync(a, b).duration_s
    legs = {leg.from_index: leg.duration_s for leg in itinerary.legs}
    if index - 1 in legs and index in legs:
        current = legs[index - 1] + legs[index] - direct
    else:
        current = tools.graph_router.route_sync(a, b, waypoints=[LatLon(stop.lat, stop.lon)]).duration_s - direct
    query = PlaceQuery(
        categories=categories, diets=diets, open_at=stop.arrive_at, include_unknown_hours=True, limit=_POOL
    )
    found = tools.places.along_route_sync(
        a, b, query=query, max_detour_s=max(current, 0.0) + _EXTRA_DETOUR_S, depart_at=prev.depart_at
    )
    options = [p for p in found if p.poi_id not in taken and p.name and p.detour_s is not None]
    options.sort(key=lambda p: (p.hours.state != "open", p.detour_s or 0.0, p.poi_id))
    options = _distinct(options, [s for s in stops if s.kind not in {"start", "end"}])
    return [
        Alternative(
            poi_id=p.poi_id,
            name=p.name,
            category=p.category,
            lat=p.lat,
            lon=p.lon,
            detour_min=round(((p.detour_s or 0.0) - current) / 60, 1),
            hours=p.hours.state,
            explanation=_explain(p, stop, (p.detour_s or 0.0) - current, tools),
        )
        for p in options[:limit]
    ]
