"""Confirming the sockets of OSM charging stations with a second catalogue (Open Charge Map).

Most OSM charging stations carry no ``socket:*`` tags. When another catalogue lists a
station at the same place (within :data:`MATCH_M` metres) with its connectors, the OSM
station takes those connectors and is no longer "unknown". The OSM catalogue ID, name
and tags stay; only socket data, output and the operational status are taken over.
"""

from __future__ import annotations

from collections.abc import Sequence

from codriver.tools.charging._models import ChargingStationInfo
from codriver.tools.geo import LatLon, haversine_m

__all__ = ["MATCH_M", "confirm_sockets", "merge_stations"]

MATCH_M = 50.0


def confirm_sockets(
    stations: Sequence[ChargingStationInfo], others: Sequence[ChargingStationInfo], *, within_m: float = MATCH_M
) -> list[ChargingStationInfo]:
    """``stations`` with socket data filled in from the nearest of ``others`` within ``within_m`` metres.

    Only stations without socket data change, and only from a station that has it; each
    station of ``others`` confirms at most one station (the nearest).
    """
    known = [o for o in others if o.sockets_known and o.connectors]
    pairs = sorted(
        (haversine_m(LatLon(s.lat, s.lon), LatLon(o.lat, o.lon)), i, j)
        for i, s in enumerate(stations)
        if not s.sockets_known
        for j, o in enumerate(known)
    )
    out = list(stations)
    used_station: set[int] = set()
    used_other: set[int] = set()
    for distance, i, j in pairs:
        if distance > within_m:
            break
        if i in used_station or j in used_other:
            continue
        used_station.add(i)
        used_other.add(j)
        other = known[j]
        out[i] = stations[i].model_copy(
            update={
                "connectors": other.connectors,
                "sockets_known": True,
                "max_power_kw": stations[i].max_power_kw or other.max_power_kw,
                "operational": other.operational,
            }
        )
    return out


def merge_stations(
    stations: Sequence[ChargingStationInfo], others: Sequence[ChargingStationInfo], *, within_m: float = MATCH_M
) -> list[ChargingStationInfo]:
    """One catalogue from two: ``stations`` with sockets confirmed by ``others`` (:func:`confirm_sockets`),
    then every station of ``others`` farther than ``within_m`` metres from all of ``stations``.

    A station both catalogues list appears once, under the first catalogue's ID.
    """
    merged = confirm_sockets(stations, others, within_m=within_m)
    for other in others:
        here = LatLon(other.lat, other.lon)
        if all(haversine_m(here, LatLon(s.lat, s.lon)) > within_m for s in stations):
            merged.append(other)
    return merged
