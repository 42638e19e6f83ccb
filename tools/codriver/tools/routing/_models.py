"""Normalised routing results, the same for every provider (metres, seconds, GeoJSON)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, Field

from codriver.tools.geo import LatLon

__all__ = ["Leg", "Matrix", "Route", "Router", "Snap", "Table", "arrival"]


def arrival(depart_at: datetime | None, seconds: float) -> datetime | None:
    """``depart_at`` plus ``seconds`` of driving, in the departure's time zone.

    Aware times are added in UTC: Python adds a timedelta to an aware datetime in wall-clock
    time, which is an hour off across a daylight-saving change.
    """
    if depart_at is None:
        return None
    if depart_at.tzinfo is None:
        return depart_at + timedelta(seconds=seconds)
    return (depart_at.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(depart_at.tzinfo)


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


@dataclass(frozen=True, eq=False)
class Table:
    """Travel from each source (row) to each destination (column) along the fastest drive.

    ``seconds[i, j]`` is the driving time and ``metres[i, j]`` the length of that drive, both
    between the points where source ``i`` and destination ``j`` join the road network;
    ``inf`` where no road connects them or a point is too far from any road. ``metres`` is
    None when only times were asked for.
    """

    seconds: npt.NDArray[np.float64]
    metres: npt.NDArray[np.float64] | None


class Router(Protocol):
    """Routing on roads, the port the planning engine and the verifier use.

    The blocking methods (``snap``, ``table``, ``path``) serve the planning engine, which
    runs in worker threads; ``route`` and ``matrix`` serve callers inside an event loop.
    Every provider snaps a point to the road network the same way for all five, refuses
    (``snap`` None, ``inf`` in a table) a point farther than its snapping limit from any
    road, and answers in metres, seconds and GeoJSON ``[lon, lat]`` coordinates.
    """

    @property
    def provider(self) -> str:
        """Who routes: ``graph`` (embedded), ``osrm``, ..."""
        ...

    def snap(self, points: Sequence[LatLon]) -> list[Snap | None]:
        """Where each point joins the road network (``distance_m``: metres off the road); None when too far."""
        ...

    def table(self, sources: Sequence[LatLon], destinations: Sequence[LatLon], *, distances: bool = True) -> Table:
        """Seconds (and metres, unless ``distances`` is false) from every source to every destination."""
        ...

    def path(self, origin: LatLon, destination: LatLon) -> list[list[float]]:
        """``[lon, lat]`` coordinates of the fastest drive, two or more; raises ``InputError`` when unroutable."""
        ...

    async def route(
        self,
        origin: LatLon,
        destination: LatLon,
        waypoints: Sequence[LatLon] = (),
        depart_at: datetime | None = None,
    ) -> Route: ...

    async def matrix(self, points: Sequence[LatLon]) -> Matrix: ...
