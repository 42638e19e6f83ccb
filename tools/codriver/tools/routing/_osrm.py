"""Routing through an OSRM server's HTTP API (``/route/v1`` and ``/table/v1``, car profile).

OSRM answers every failure that is not a transport problem with HTTP 400 and a JSON body
``{"code": "NoRoute", "message": "..."}``; the codes that mean "these points cannot be
routed" become :class:`InputError`, every other code :class:`ToolBadResponse`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx

from codriver.errors import InputError, ToolBadResponse
from codriver.tools._http import RetryPolicy, request_json
from codriver.tools.config import ExternalConfig
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.routing._models import Leg, Matrix, Route, Snap, arrival

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


class OsrmRouter:
    """The :class:`~codriver.tools.routing.Router` protocol over an OSRM server.

    ``base_url`` is the server root (``http://osrm:5000``); ``profile`` is the profile in
    the URL path (``driving`` on a standard car deployment).
    """

    provider = _PROVIDER

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        *,
        policy: RetryPolicy | None = None,
        profile: str = "driving",
    ) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.policy = policy or RetryPolicy()
        self.profile = profile

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
        points = [origin, *waypoints, destination]
        params = {"overview": "full", "geometries": "geojson", "steps": "false"}
        body = await self._get("route", points, params)
        try:
            return _parse_route(body, points, depart_at)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            msg = f"OSRM answered a route without the expected fields ({type(exc).__name__}: {exc})"
            raise ToolBadResponse(msg) from exc

    async def matrix(self, points: Sequence[LatLon]) -> Matrix:
        """Travel times (s) and distances (m) between every pair of points; None where unroutable."""
        if not points:
            return Matrix(provider=self.provider, durations_s=[], distances_m=[], snaps=[])
        body = await self._get("table", points, {"annotations": "duration,distance"})
        try:
            return _parse_table(body, points)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            msg = f"OSRM answered a table without the expected fields ({type(exc).__name__}: {exc})"
            raise ToolBadResponse(msg) from exc

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
