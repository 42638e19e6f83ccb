"""Normalised routing results, the same for every provider (metres, seconds, GeoJSON)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel, Field

from codriver.tools.geo import LatLon

__all__ = ["Leg", "Matrix", "Route", "Router", "Snap"]


class Snap(BaseModel):
    """Where a requested point joined the road network."""

    lat: float
    lon: float
    node_id: int | None = Field(default=None, description="OSM node ID, when the provider knows it")
    distance_m: float = Field(ge=0, description="from the requested point to the road")


class Leg(BaseModel):
    """The drive between two consecutive points."""

    distance_m: float = Field(ge=0)
    duration_s: float = Field(ge=0)
    geometry: dict[str, Any] = Field(description="GeoJSON LineString, [lon, lat] pairs")
    start: Snap
    end: Snap


class Route(BaseModel):
    """A drive through origin, waypoints and destination."""

    provider: str
    legs: list[Leg]
    distance_m: float = Field(ge=0)
    duration_s: float = Field(ge=0)
    depart_at: datetime | None = None
    arrive_at: datetime | None = None
    raw: dict[str, Any] | None = Field(default=None, description="the provider's own answer, if any")


class Matrix(BaseModel):
    """Travel times and distances between every pair of points (row: from, column: to)."""

    provider: str
    durations_s: list[list[float | None]]
    distances_m: list[list[float | None]]
    snaps: list[Snap]


class Router(Protocol):
    """Routing on roads: point-to-point routes and many-to-many matrices."""

    async def route(
        self,
        origin: LatLon,
        destination: LatLon,
        waypoints: Sequence[LatLon] = (),
        depart_at: datetime | None = None,
    ) -> Route: ...

    async def matrix(self, points: Sequence[LatLon]) -> Matrix: ...
