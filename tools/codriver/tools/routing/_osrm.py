"""Routing through an OSRM server's HTTP API (``/nearest``, ``/table``, ``/route``; v1, car profile).

OSRM answers every failure that is not a transport problem with HTTP 400 and a JSON body
``{"code": "NoRoute", "message": "..."}``; the codes that mean "these points cannot be
routed" become :class:`InputError`, every other code :class:`ToolBadResponse`.

Every request goes through the router's own event loop (:class:`BackgroundLoop`), so the
planning engine's blocking calls and async callers share one client and its connections.
A table larger than the server's ``--max-table-size`` (100 coordinates by default) is
asked in blocks.
"""

from __future__ import annotations

import asyncio
import math
from collections import OrderedDict
from collections.abc import Coroutine, Sequence
from datetime import datetime
from typing import Any, TypeVar

import httpx
import numpy as np

from codriver.errors import InputError, ToolBadResponse
from codriver.tools._http import RetryPolicy, request_json
from codriver.tools._loop import BackgroundLoop
from codriver.tools.config import ExternalConfig
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.routing._models import Leg, Matrix, Route, Snap, Table, arrival

__all__ = ["OsrmRouter"]

_PROVIDER = "osrm"
# Codes that say the points themselves cannot be routed, not that the server failed.
_INPUT_CODES = {
    "NoRoute": "no road route connects these points",
    "NoSegment": "a point is too far from any road the server knows",
    "NoTable": "no road route connects some of these points",
}
# Where a waypoint splits the full route geometry: a vertex this close (m) is the waypoint.
_SPLIT_TOLERANCE_M = 1.0
_MAX_SNAP_M = 5_000.0  # as the embedded router: farther from any road is outside the served area
_MAX_TABLE_SIZE = 100  # osrm-routed's default --max-table-size
_CONCURRENCY = 8
_SNAP_CACHE = 100_000  # snaps remembered (a plan snaps each of its places; the next plan asks again)
T = TypeVar("T")


class OsrmRouter:
    """The :class:`~codriver.tools.routing.Router` protocol over an OSRM server.

    ``base_url`` is the server root (``http://osrm:5000``); ``profile`` is the profile in
    the URL path (``driving`` on a standard car deployment). A point farther than
    ``max_snap_m`` metres from the road OSRM snaps it to is refused, as the embedded router
    does; ``max_table_size`` is the server's ``--max-table-size``. The router uses
    ``client`` from its own event loop only: give it a client of its own.
    """

    provider = _PROVIDER

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        *,
        policy: RetryPolicy | None = None,
        profile: str = "driving",
        max_snap_m: float = _MAX_SNAP_M,
        max_table_size: int = _MAX_TABLE_SIZE,
    ) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.policy = policy or RetryPolicy()
        self.profile = profile
        self.max_snap_m = max_snap_m
        self.max_table_size = max(2, max_table_size)
        self._loop = BackgroundLoop("osrm-router")
        self._snaps: OrderedDict[LatLon, Snap | None] = OrderedDict()  # on the loop's thread only

    def close(self) -> None:
        """Close the client and stop the router's event loop."""
        self._loop.run(self.client.aclose())
        self._loop.close()

    def _block(self, coro: Coroutine[Any, Any, T]) -> T:
        return self._loop.run(coro)

    # -- the Router protocol (blocking, for the planning engine) ----------------------------
    def snap(self, points: Sequence[LatLon]) -> list[Snap | None]:
        """Where OSRM joins each point to a road (``/nearest``); None past ``max_snap_m`` or off every road.

        Answers are remembered (the last 100 000 points) while the router lives.
        """
        return self._block(self._snap_all(points))

    def table(self, sources: Sequence[LatLon], destinations: Sequence[LatLon], *, distances: bool = True) -> Table:
        """Seconds and metres from every source to every destination (``/table``); inf where unroutable."""
        return self._block(self._table(sources, destinations, distances=distances))

    def path(self, origin: LatLon, destination: LatLon) -> list[list[float]]:
        """``[lon, lat]`` coordinates of OSRM's fastest drive (``/route``, full GeoJSON overview)."""
        return self._block(self._path(origin, destination))

    @classmethod
    def from_settings(cls, client: httpx.AsyncClient, external: ExternalConfig) -> OsrmRouter:
        """A router on ``external.osrm_url`` with its timeout and retries; refuses when unset."""
        if not external.osrm_url:
            msg = "no OSRM server configured: set CODRIVER_EXTERNAL__OSRM_URL (e.g. http://localhost:5000)"
            raise InputError(msg, field="external.osrm_url")
        policy = RetryPolicy(retries=external.http_retries, timeout_s=external.http_timeout_s)
        return cls(client, external.osrm_url, policy=policy)

    async def route(
        self,
        origin: LatLon,
        destination: LatLon,
        waypoints: Sequence[LatLon] = (),
        depart_at: datetime | None = None,
    ) -> Route:
        """The fastest drive through the points in order (metres, seconds, GeoJSON per leg).

        ``arrive_at`` is ``depart_at`` plus the total duration, in the same time zone; the
        server's whole answer is kept in ``raw``.
        """
        return await self._loop.run_async(self._route(origin, destination, waypoints, depart_at))

    async def matrix(self, points: Sequence[LatLon]) -> Matrix:
        """Travel times (s) and distances (m) between every pair of points; None where unroutable."""
        return await self._loop.run_async(self._matrix(points))

    # -- requests, on the router's loop ---------------------------------------------------
    async def _route(
        self, origin: LatLon, destination: LatLon, waypoints: Sequence[LatLon], depart_at: datetime | None
    ) -> Route:
        points = [origin, *waypoints, destination]
        params = {"overview": "full", "geometries": "geojson", "steps": "false"}
        body = await self._get("route", points, params)
        try:
            self._refuse_far(body["waypoints"], points)
            return _parse_route(body, points, depart_at)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            msg = f"OSRM answered a route without the expected fields ({type(exc).__name__}: {exc})"
            raise ToolBadResponse(msg) from exc

    async def _matrix(self, points: Sequence[LatLon]) -> Matrix:
        if not points:
            return Matrix(provider=self.provider, durations_s=[], distances_m=[], snaps=[])
        body = await self._get("table", points, {"annotations": "duration,distance"})
        try:
            return _parse_table(body, points)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            msg = f"OSRM answered a table without the expected fields ({type(exc).__name__}: {exc})"
            raise ToolBadResponse(msg) from exc

    async def _gather(self, coros: list[Coroutine[Any, Any, T]]) -> list[T]:
        """The results in order, at most :data:`_CONCURRENCY` requests at a time."""
        gate = asyncio.Semaphore(_CONCURRENCY)

        async def one(coro: Coroutine[Any, Any, T]) -> T:
            async with gate:
                return await coro

        return list(await asyncio.gather(*(one(c) for c in coros)))

    async def _snap_all(self, points: Sequence[LatLon]) -> list[Snap | None]:
        known = {p: self._snaps[p] for p in points if p in self._snaps}
        for point in known:
            self._snaps.move_to_end(point)
        todo = [p for p in dict.fromkeys(points) if p not in known]
        for point, snap in zip(todo, await self._gather([self._nearest(p) for p in todo]), strict=True):
            known[point] = self._snaps[point] = snap
        while len(self._snaps) > _SNAP_CACHE:
            self._snaps.popitem(last=False)
        return [known[p] for p in points]

    async def _nearest(self, point: LatLon) -> Snap | None:
        try:
            body = await self._get("nearest", [point], {"number": "1"})
            snap = _snap(body["waypoints"][0], point)
        except InputError:  # NoSegment: no road near enough for the server
            return None
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            msg = f"OSRM answered nearest without the expected fields ({type(exc).__name__}: {exc})"
            raise ToolBadResponse(msg) from exc
        return snap if snap.distance_m <= self.max_snap_m else None

    async def _table(self, sources: Sequence[LatLon], destinations: Sequence[LatLon], *, distances: bool) -> Table:
        seconds = np.full((len(sources), len(destinations)), np.inf)
        metres = np.full((len(sources), len(destinations)), np.inf) if distances else None
        if not sources or not destinations:
            return Table(seconds, metres)
        rows, cols = _blocks(len(sources), len(destinations), self.max_table_size)
        blocks = [(r, c) for r in rows for c in cols]
        answers = await self._gather(
            [self._table_block([sources[i] for i in r], [destinations[j] for j in c], distances) for r, c in blocks]
        )
        for (r, c), (t, d) in zip(blocks, answers, strict=True):
            seconds[np.ix_(r, c)] = t
            if metres is not None and d is not None:
                metres[np.ix_(r, c)] = d
        return Table(seconds, metres)

    async def _table_block(
        self, sources: list[LatLon], destinations: list[LatLon], distances: bool
    ) -> tuple[np.ndarray, np.ndarray | None]:
        k = len(sources)
        params = {
            "sources": ";".join(str(i) for i in range(k)),
            "destinations": ";".join(str(k + j) for j in range(len(destinations))),
            "annotations": "duration,distance" if distances else "duration",
        }
        body = await self._get("table", [*sources, *destinations], params)
        try:
            return _parse_block(body, sources, destinations, self.max_snap_m, distances=distances)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            msg = f"OSRM answered a table without the expected fields ({type(exc).__name__}: {exc})"
            raise ToolBadResponse(msg) from exc

    async def _path(self, origin: LatLon, destination: LatLon) -> list[list[float]]:
        points = [origin, destination]
        body = await self._get("route", points, {"overview": "full", "geometries": "geojson"})
        try:
            self._refuse_far(body["waypoints"], points)
            coords = [[float(x), float(y)] for x, y in body["routes"][0]["geometry"]["coordinates"]]
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            msg = f"OSRM answered a route without the expected fields ({type(exc).__name__}: {exc})"
            raise ToolBadResponse(msg) from exc
        if not coords:
            msg = "OSRM answered a route geometry without coordinates"
            raise ToolBadResponse(msg)
        return coords if len(coords) > 1 else coords * 2

    def _refuse_far(self, waypoints: list[dict[str, Any]], points: Sequence[LatLon]) -> None:
        """Raise :class:`InputError` when OSRM snapped a point farther than ``max_snap_m`` (as the graph router)."""
        for waypoint, point in zip(waypoints, points, strict=True):
            distance = _snap(waypoint, point).distance_m
            if distance > self.max_snap_m:
                msg = (
                    f"point {point.lat:.5f},{point.lon:.5f} is {distance / 1000:.1f} km from the nearest road "
                    f"OSRM serves (limit {self.max_snap_m / 1000:.1f} km): is it inside the served area?"
                )
                raise InputError(msg, field="point")

    async def _get(self, service: str, points: Sequence[LatLon], params: dict[str, str]) -> dict[str, Any]:
        coordinates = ";".join(f"{p.lon:.6f},{p.lat:.6f}" for p in points)
        url = f"{self.base_url}/{service}/v1/{self.profile}/{coordinates}"
        # OSRM explains refusals (NoRoute, InvalidQuery, ...) in a JSON body with HTTP 400.
        body = await request_json(
            self.client, "GET", url, provider="OSRM", policy=self.policy, params=params, accept_status={400}
        )
        if not isinstance(body, dict):
            msg = f"OSRM answered {type(body).__name__} instead of a JSON object ({url})"
            raise ToolBadResponse(msg)
        _raise_for_code(body, None)
        return body


def _raise_for_code(body: dict[str, Any], cause: Exception | None) -> None:
    """Raise the error an OSRM status code means; return when the code is ``Ok``."""
    code = body.get("code")
    if code == "Ok":
        return
    if code is None:
        msg = "OSRM answered without a status code: is the URL an OSRM server?"
        raise ToolBadResponse(msg)
    detail = body.get("message") or "no message"
    if code in _INPUT_CODES:
        msg = f"{_INPUT_CODES[code]} (OSRM {code}: {detail}); check that the points are inside the served area"
        raise InputError(msg, field="points") from cause
    msg = f"OSRM refused the request with code {code!r}: {detail}"
    raise ToolBadResponse(msg) from cause


def _snap(waypoint: dict[str, Any], requested: LatLon) -> Snap:
    lon, lat = (float(x) for x in waypoint["location"])
    distance = waypoint.get("distance")
    if distance is None:
        distance = haversine_m(requested, LatLon(lat, lon))
    return Snap(lat=lat, lon=lon, distance_m=float(distance))


def _parse_route(body: dict[str, Any], points: Sequence[LatLon], depart_at: datetime | None) -> Route:
    best = body["routes"][0]
    waypoints = body["waypoints"]
    if len(waypoints) != len(points) or len(best["legs"]) != len(points) - 1:
        msg = f"OSRM answered {len(best['legs'])} legs and {len(waypoints)} waypoints for {len(points)} points"
        raise ValueError(msg)
    snaps = [_snap(w, p) for w, p in zip(waypoints, points, strict=True)]
    pieces = _split_line(best["geometry"]["coordinates"], [(s.lon, s.lat) for s in snaps[1:-1]])
    legs = [
        Leg(
            distance_m=float(leg["distance"]),
            duration_s=float(leg["duration"]),
            geometry={"type": "LineString", "coordinates": piece},
            start=snaps[i],
            end=snaps[i + 1],
        )
        for i, (leg, piece) in enumerate(zip(best["legs"], pieces, strict=True))
    ]
    duration = float(best["duration"])
    return Route(
        provider=_PROVIDER,
        legs=legs,
        distance_m=float(best["distance"]),
        duration_s=duration,
        depart_at=depart_at,
        arrive_at=arrival(depart_at, duration),
        raw=body,
    )


def _split_line(coords: list[list[float]], cuts: list[tuple[float, float]]) -> list[list[list[float]]]:
    """The route line cut at each intermediate waypoint (in order); each piece has 2+ vertices.

    OSRM puts the snapped waypoints on the full geometry, so each cut is the first vertex
    at the waypoint after the previous cut, or else the nearest vertex after it.
    """
    line = [[float(x), float(y)] for x, y in coords]
    if not line:
        msg = "the route geometry has no coordinates"
        raise ValueError(msg)
    pieces = []
    start = 0
    for lon, lat in cuts:
        target = LatLon(lat, lon)
        gaps = [haversine_m(target, LatLon(y, x)) for x, y in line[start:]]
        close = next((i for i, gap in enumerate(gaps) if gap <= _SPLIT_TOLERANCE_M), None)
        cut = start + (close if close is not None else min(range(len(gaps)), key=gaps.__getitem__))
        pieces.append(line[start : cut + 1])
        start = cut
    pieces.append(line[start:])
    return [piece if len(piece) > 1 else piece * 2 for piece in pieces]


def _parse_table(body: dict[str, Any], points: Sequence[LatLon]) -> Matrix:
    n = len(points)
    durations = [[_number(x) for x in row] for row in body["durations"]]
    distances = [[_number(x) for x in row] for row in body["distances"]]
    if len(durations) != n or len(distances) != n or any(len(r) != n for r in (*durations, *distances)):
        msg = f"OSRM answered a table that is not {n}x{n}"
        raise ValueError(msg)
    snaps = [_snap(w, p) for w, p in zip(body["sources"], points, strict=True)]
    return Matrix(provider=_PROVIDER, durations_s=durations, distances_m=distances, snaps=snaps)


def _number(value: Any) -> float | None:
    """A table entry: seconds or metres, None where OSRM found no route (``null``)."""
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number) or number < 0:
        msg = f"table entry {value!r} is not a non-negative number"
        raise ValueError(msg)
    return number


def _blocks(n_sources: int, n_destinations: int, size: int) -> tuple[list[list[int]], list[list[int]]]:
    """Source and destination index blocks whose every pair fits ``size`` coordinates in one request."""
    if n_sources + n_destinations <= size:
        rows, cols = n_sources, n_destinations
    elif n_sources <= size // 2:
        rows, cols = n_sources, size - n_sources
    elif n_destinations <= size // 2:
        rows, cols = size - n_destinations, n_destinations
    else:
        rows = cols = size // 2
    return (
        [list(range(a, min(a + rows, n_sources))) for a in range(0, n_sources, rows)],
        [list(range(a, min(a + cols, n_destinations))) for a in range(0, n_destinations, cols)],
    )


def _parse_block(
    body: dict[str, Any], sources: list[LatLon], destinations: list[LatLon], max_snap_m: float, *, distances: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """(seconds, metres) of one table answer; inf for ``null`` and for points snapped past ``max_snap_m``."""
    shape = (len(sources), len(destinations))
    seconds = np.array([[_inf(x) for x in row] for row in body["durations"]], dtype=float).reshape(shape)
    metres = None
    if distances:
        metres = np.array([[_inf(x) for x in row] for row in body["distances"]], dtype=float).reshape(shape)
    far_rows = [_snap(w, p).distance_m > max_snap_m for w, p in zip(body["sources"], sources, strict=True)]
    far_cols = [_snap(w, p).distance_m > max_snap_m for w, p in zip(body["destinations"], destinations, strict=True)]
    for table in (seconds, metres):
        if table is not None:
            table[np.array(far_rows, dtype=bool), :] = np.inf
            table[:, np.array(far_cols, dtype=bool)] = np.inf
    return seconds, metres


def _inf(value: Any) -> float:
    number = _number(value)
    return math.inf if number is None else number
