"""Searching a list of stations: by straight-line distance, or by exact detour on a drive."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from codriver.errors import InputError
from codriver.tools.charging._compat import listed
from codriver.tools.charging._models import ChargerFilter, ChargerResult, ChargingStationInfo
from codriver.tools.geo import EARTH_RADIUS_M, LatLon
from codriver.tools.routing import Router

__all__ = ["StationIndex", "detour_search", "haversine_many_m"]


def haversine_many_m(point: LatLon, lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Great-circle metres from ``point`` to every (lat, lon) pair (same formula as ``haversine_m``)."""
    lat1, lon1 = np.radians(point.lat), np.radians(point.lon)
    lat2, lon2 = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h))), dtype=np.float64)


class StationIndex:
    """Stations held in memory with their coordinates as arrays, for vectorised searches."""

    def __init__(self, stations: Sequence[ChargingStationInfo]) -> None:
        self.stations = list(stations)
        self._lat = np.array([s.lat for s in self.stations], dtype=float)
        self._lon = np.array([s.lon for s in self.stations], dtype=float)

    def __len__(self) -> int:
        return len(self.stations)

    def near(self, point: LatLon, radius_m: float, flt: ChargerFilter, limit: int | None) -> list[ChargerResult]:
        """Listed stations within ``radius_m`` metres of ``point``, nearest first (ties by ID)."""
        if radius_m < 0:
            msg = f"search radius must not be negative (got {radius_m:g} m)"
            raise InputError(msg, field="radius_m")
        distances = haversine_many_m(point, self._lat, self._lon)
        results = []
        for i in np.flatnonzero(distances <= radius_m):
            result = listed(self.stations[i], flt, distance_m=float(distances[i]))
            if result is not None:
                results.append(result)
        results.sort(key=lambda r: (r.distance_m, r.poi_id))
        return results[:limit] if limit is not None else results


def detour_search(
    router: Router,
    stations: Sequence[ChargingStationInfo],
    stops: Sequence[LatLon],
    *,
    flt: ChargerFilter,
    max_detour_s: float,
    limit: int | None,
) -> list[ChargerResult]:
    """Listed stations whose exact extra driving time through ``stops`` is at most ``max_detour_s``.

    The detour of a station is ``t(a, c) + t(c, b) - t(a, b)`` on the cheapest leg ``a -> b``
    of the drive, from three times-only tables of ``router`` (any provider of the routing
    protocol: the embedded router runs two Dijkstra trees per leg, whatever the number of
    stations). Stations the roads do not reach are left out. Smallest detour first, ties by
    ID. A stop farther than the router's snapping limit from any road is an ``InputError``.
    """
    if max_detour_s < 0:
        msg = f"maximum detour must not be negative (got {max_detour_s:g} s)"
        raise InputError(msg, field="max_detour_s")
    points = list(stops)
    for point, snap in zip(points, router.snap(points), strict=True):
        if snap is None:
            msg = f"point {point.lat:.5f},{point.lon:.5f} is too far from the nearest road: is it inside the region?"
            raise InputError(msg, field="point")
    candidates = [r for r in (listed(s, flt) for s in stations) if r is not None]
    if not candidates:
        return []
    where = [LatLon(r.lat, r.lon) for r in candidates]
    legs = np.diagonal(router.table(points[:-1], points[1:], distances=False).seconds)
    forward = router.table(points[:-1], where, distances=False).seconds
    backward = router.table(where, points[1:], distances=False).seconds.T
    with np.errstate(invalid="ignore"):
        extra = forward + backward - legs[:, None]
    extra[~np.isfinite(extra)] = np.inf
    leg_of = np.argmin(extra, axis=0)
    detours = np.maximum(extra[leg_of, np.arange(len(candidates))], 0.0)
    results = [
        result.model_copy(update={"detour_s": float(detour), "leg_index": int(leg)})
        for result, detour, leg in zip(candidates, detours, leg_of, strict=True)
        if np.isfinite(detour) and detour <= max_detour_s
    ]
    results.sort(key=lambda r: (r.detour_s, r.poi_id))
    return results[:limit] if limit is not None else results
