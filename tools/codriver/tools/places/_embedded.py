"""The embedded place catalogue: a region's places held in memory (``codriver.regions.load_places`` reads them).

Search near a point uses the KD-tree of :mod:`._index`; search along a route keeps the
places within a corridor around the fastest path and computes the exact detour of
inserting each one with :meth:`GraphRouter.insertion_detours` (two Dijkstra runs per
leg, whatever the number of candidates).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np

from codriver.errors import InputError, PlaceNotFound, ToolUnavailable
from codriver.tools.geo import EARTH_RADIUS_M, LatLon
from codriver.tools.opening_hours import PlaceHours, hours_for, region_zone
from codriver.tools.places._index import FloatArray, IntArray, PlaceEntry, PlaceIndex
from codriver.tools.places._models import PlaceQuery, PlaceResult
from codriver.tools.routing import GraphRouter

__all__ = ["EmbeddedPlaces", "corridor_distances", "default_corridor_m"]

_MIN_CORRIDOR_M = 500.0
_MAX_SAMPLE_STEP_M = 250.0
_MIN_SAMPLE_STEP_M = 5.0

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


def default_corridor_m(max_detour_s: float, top_speed_mps: float) -> float:
    """Corridor half-width (metres) for a detour budget: half of it driven at top speed.

    A heuristic prefilter, at least 500 m: the detour of every kept place is then
    computed exactly.
    """
    return max(_MIN_CORRIDOR_M, max_detour_s * top_speed_mps / 2)


def _densify(xy: FloatArray, step_m: float) -> FloatArray:
    """Points along a polyline at most ``step_m`` apart, its vertices included."""
    if len(xy) < 2:
        return xy
    seg = xy[1:] - xy[:-1]
    pieces = np.maximum(1, np.ceil(np.hypot(seg[:, 0], seg[:, 1]) / step_m)).astype(np.int64)
    owner = np.repeat(np.arange(len(seg)), pieces)
    k = np.arange(int(pieces.sum())) - np.repeat(np.cumsum(pieces) - pieces, pieces) + 1
    inner = xy[owner] + seg[owner] * (k / pieces[owner])[:, None]
    return np.vstack((xy[:1], inner))


def corridor_distances(path_xy: FloatArray, points_xy: FloatArray, corridor_m: float) -> FloatArray:
    """Metres from each point to a path (sampled every few metres); inf beyond ``corridor_m``."""
    from scipy.spatial import cKDTree  # noqa: PLC0415  (scipy's import is cached; keeps the top light)

    if len(points_xy) == 0:
        return np.zeros(0)
    step = min(_MAX_SAMPLE_STEP_M, max(_MIN_SAMPLE_STEP_M, corridor_m / 4))
    tree = cKDTree(_densify(path_xy, step))
    distances, _ = tree.query(points_xy, distance_upper_bound=corridor_m)
    return np.asarray(distances, dtype=float)


def _haversine_many(lat: FloatArray, lon: FloatArray, point: LatLon) -> FloatArray:
    lat1, lon1 = math.radians(point.lat), math.radians(point.lon)
    lat2, lon2 = np.radians(lat), np.radians(lon)
    h = np.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h))), dtype=float)


class EmbeddedPlaces:
    """Search over one region's catalogue, in memory; along routes with a :class:`GraphRouter`."""

    provider = "embedded"

    def __init__(
        self,
        entries: Sequence[PlaceEntry],
        *,
        region: str,
        timezone: str,
        router: GraphRouter | None = None,
        clock: Clock = _now,
    ) -> None:
        self.region = region
        self.timezone = timezone
        self.router = router
        self.clock = clock
        self.index = PlaceIndex(entries)
        self._snapped: tuple[IntArray, FloatArray] | None = None
        self._hours: list[PlaceHours | None] = [None] * len(self.index)

    def __len__(self) -> int:
        return len(self.index)

    # -- results ----------------------------------------------------------------------------
    def _hours_of(self, row: int) -> PlaceHours:
        hours = self._hours[row]
        if hours is None:
            entry = self.index.entries[row]
            hours = hours_for(entry.opening_hours, lat=entry.lat, lon=entry.lon, timezone=self.timezone)
            self._hours[row] = hours
        return hours

    def _result(
        self,
        row: int,
        at: datetime,
        *,
        distance_m: float | None = None,
        detour_s: float | None = None,
        leg: int | None = None,
        access_m: float | None = None,
        arrive_at: datetime | None = None,
    ) -> PlaceResult:
        entry = self.index.entries[row]
        return PlaceResult(
            poi_id=entry.poi_id,
            name=entry.name,
            category=entry.category,
            subcategory=entry.subcategory,
            cuisine=list(entry.cuisine),
            diets=dict(entry.diets),
            lat=entry.lat,
            lon=entry.lon,
            price_level=entry.price_level,
            fee=entry.fee,
            wheelchair=entry.wheelchair,
            opening_hours=entry.opening_hours,
            hours=self._hours_of(row).status(at),
            distance_m=distance_m,
            detour_s=detour_s,
            leg=leg,
            access_m=access_m,
            arrive_at=arrive_at,
        )

    def _passes_hours(self, row: int, query: PlaceQuery) -> bool:
        if query.open_at is None:
            return True
        state, _ = self._hours_of(row).state_at(query.open_at)
        return state == "open" or (state == "unknown" and query.include_unknown_hours)

    def _collect(self, rows: Iterable[int], query: PlaceQuery, make: Callable[[int], PlaceResult]) -> list[PlaceResult]:
        results: list[PlaceResult] = []
        for row in rows:
            if self._passes_hours(row, query):
                results.append(make(row))
                if len(results) >= query.limit:
                    break
        return results

    # -- search -----------------------------------------------------------------------------
    def search_sync(self, query: PlaceQuery) -> list[PlaceResult]:
        """Places matching ``query``: by distance from ``query.near``, else by name.

        Opening hours are reported at ``query.open_at`` (or now); with ``open_at`` only
        places open then are kept (and unknown ones with ``include_unknown_hours``).
        """
        at = query.open_at or self.clock()
        mask = self.index.mask(query)
        if query.near is None:
            rows = self.index.by_name[mask[self.index.by_name]]
            return self._collect((int(r) for r in rows), query, lambda r: self._result(r, at))
        if query.radius_m is not None:
            # The plane is accurate to well under 1 %; widen, then cut on the true distance.
            centre = self.index.project([query.near.lat], [query.near.lon])[0]
            rows = self.index.within(centre, query.radius_m * 1.01 + 1.0)
            rows = rows[mask[rows]]
        else:
            rows = np.flatnonzero(mask)
        distances = _haversine_many(self.index.lat[rows], self.index.lon[rows], query.near)
        if query.radius_m is not None:
            keep = distances <= query.radius_m
            rows, distances = rows[keep], distances[keep]
        order = np.lexsort((rows, distances))
        by_row = dict(zip(rows.tolist(), distances.tolist(), strict=True))
        return self._collect(
            (int(rows[i]) for i in order), query, lambda r: self._result(r, at, distance_m=round(by_row[r], 1))
        )

    def get_sync(self, poi_id: str, *, at: datetime | None = None) -> PlaceResult:
        """The place with this catalogue ID, hours reported at ``at`` (default now)."""
        row = self.index.position.get(poi_id)
        if row is None:
            msg = f"no place {poi_id!r} in region {self.region!r}; use an ID from a search result"
            raise PlaceNotFound(msg, field="poi_id")
        return self._result(row, at or self.clock())

    # -- along a route ----------------------------------------------------------------------
    def _router(self) -> GraphRouter:
        if self.router is None:
            msg = f"searching along a route needs the road graph of region {self.region!r}"
            raise ToolUnavailable(msg)
        return self.router

    def _snaps(self, router: GraphRouter) -> tuple[IntArray, FloatArray]:
        """Nearest road node of every place (-1 when too far from any road) and metres to it."""
        if self._snapped is not None:
            return self._snapped
        points = [LatLon(e.lat, e.lon) for e in self.index.entries]
        nodes = np.full(len(points), -1, dtype=np.int64)
        access = np.full(len(points), np.inf)
        try:
            found, snaps = router.snap_nodes(points)
            nodes[:] = found
            access[:] = [s.distance_m for s in snaps]
        except InputError:  # some place lies beyond the snapping limit: snap one by one
            for i, point in enumerate(points):
                try:
                    one, snap = router.snap_nodes([point])
                except InputError:
                    continue
                nodes[i], access[i] = one[0], snap[0].distance_m
        self._snapped = (nodes, access)
        return self._snapped

    def _path_xy(self, router: GraphRouter, stops: IntArray) -> FloatArray:
        path: list[int] = []
        for a, b in itertools.pairwise(stops):
            path.extend(router.path_nodes(int(a), int(b)))
        return self.index.project(router.graph.lat[path], router.graph.lon[path])

    def along_route_sync(
        self,
        origin: LatLon,
        destination: LatLon,
        waypoints: Sequence[LatLon] = (),
        query: PlaceQuery | None = None,
        *,
        max_detour_s: float,
        depart_at: datetime | None = None,
        corridor_m: float | None = None,
    ) -> list[PlaceResult]:
        """Places worth a stop on the drive origin -> waypoints -> destination, by detour.

        Keeps the places within ``corridor_m`` of the fastest path (default from
        :func:`default_corridor_m`) whose exact detour is at most ``max_detour_s``
        seconds, sorted by detour, then leg, then distance from the route. With ``depart_at``,
        each result carries its estimated ``arrive_at`` and its hours are reported for
        that moment (unless ``query.open_at`` is given, which also filters).
        """
        query = query or PlaceQuery()
        if not max_detour_s >= 0:
            msg = f"max_detour_s must be zero or more seconds, got {max_detour_s}"
            raise InputError(msg, field="max_detour_s")
        if corridor_m is not None and not corridor_m > 0:
            msg = f"corridor_m must be positive metres, got {corridor_m}"
            raise InputError(msg, field="corridor_m")
        if depart_at is not None and (depart_at.tzinfo is None or depart_at.utcoffset() is None):
            msg = f"depart_at={depart_at.isoformat()} has no UTC offset: give an aware time"
            raise InputError(msg, field="depart_at")
        router = self._router()
        stops, _ = router.snap_nodes([origin, *waypoints, destination])
        nodes, access = self._snaps(router)
        rows = np.flatnonzero(self.index.mask(query) & (nodes >= 0))
        if query.near is not None and query.radius_m is not None:  # also near a point: within the radius
            near = _haversine_many(self.index.lat[rows], self.index.lon[rows], query.near)
            rows = rows[near <= query.radius_m]
        if corridor_m is None:
            top_speed = float(router.graph.speed_kph.max()) / 3.6 if router.graph.edge_count else 0.0
            corridor_m = default_corridor_m(max_detour_s, top_speed)
        off_route = corridor_distances(self._path_xy(router, stops), self.index.xy[rows], corridor_m)
        inside = np.isfinite(off_route)
        rows, off_route = rows[inside], off_route[inside]
        if len(rows) == 0:
            return []
        detours, legs = router.insertion_detours(stops, nodes[rows])
        keep = np.isfinite(detours) & (detours <= max_detour_s)
        rows, off_route, detours, legs = rows[keep], off_route[keep], detours[keep], legs[keep]
        seconds = self._seconds_to(router, stops, nodes[rows], legs) if depart_at is not None else None
        order = np.lexsort((rows, off_route, legs, detours))
        position = {row: i for i, row in enumerate(rows.tolist())}
        detour_l, leg_l, off_l = detours.tolist(), legs.tolist(), off_route.tolist()
        start, zone, now = depart_at.astimezone(UTC) if depart_at else None, region_zone(self.timezone), self.clock()

        def make(row: int) -> PlaceResult:
            i = position[row]
            arrive = None
            if start is not None and seconds is not None:
                # Elapsed time is added in UTC (wall-clock arithmetic is wrong across DST).
                arrive = (start + timedelta(seconds=float(seconds[i]))).astimezone(zone)
            return self._result(
                row,
                query.open_at or arrive or now,
                detour_s=round(detour_l[i], 1),
                leg=leg_l[i],
                distance_m=round(off_l[i], 1),
                access_m=round(float(access[row]), 1),
                arrive_at=arrive,
            )

        return self._collect((int(rows[i]) for i in order), query, make)

    @staticmethod
    def _seconds_to(router: GraphRouter, stops: IntArray, candidates: IntArray, legs: IntArray) -> FloatArray:
        """Seconds from the start to each candidate: the earlier legs, then from its leg's start."""
        forward = router.times_from(stops[:-1])
        leg_s = np.array([forward[i, stops[i + 1]] for i in range(len(stops) - 1)])
        before = np.concatenate(([0.0], np.cumsum(leg_s)))[legs]
        return np.asarray(before + forward[legs, candidates], dtype=float)

    # -- the async protocol -----------------------------------------------------------------
    async def search(self, query: PlaceQuery) -> list[PlaceResult]:
        return self.search_sync(query)

    async def along_route(
        self,
        origin: LatLon,
        destination: LatLon,
        waypoints: Sequence[LatLon] = (),
        query: PlaceQuery | None = None,
        *,
        max_detour_s: float,
        depart_at: datetime | None = None,
    ) -> list[PlaceResult]:
        return self.along_route_sync(
            origin, destination, waypoints, query, max_detour_s=max_detour_s, depart_at=depart_at
        )

    async def get(self, poi_id: str, *, at: datetime | None = None) -> PlaceResult:
        return self.get_sync(poi_id, at=at)
