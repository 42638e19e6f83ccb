"""Where a plan looks for places and chargers: the corridor of the trip, not only around its start.

The trip's *skeleton* is the drive from the start through its anchors (must-visits, the
places where a meal is wished, the stops of a plan being repaired) to the end, anchors in
cheapest-insertion order. A place or a charger is scored by its exact detour off that
drive, ``t(a, x) + t(x, b) - t(a, b)`` on its cheapest leg ``a -> b`` (two tables of the
router per call: from the legs' starts to the points, from the points to the legs' ends; on
the embedded router one remembered Dijkstra tree per leg end), and placed along the trip
by the driving time from the start to where it leaves the drive. Selections are spread
over the trip (:func:`spread`) so a long drive has candidates, and chargers, all along it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from codriver.errors import InputError
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.routing import Router

__all__ = ["Corridor", "order_anchors", "spread"]

T = TypeVar("T")
FloatArray = npt.NDArray[np.float64]


def order_anchors(start: LatLon, end: LatLon, anchors: Sequence[LatLon]) -> list[LatLon]:
    """``anchors`` in cheapest-insertion order between ``start`` and ``end`` (straight-line metres)."""
    path = [start, end]
    for point in anchors:
        cost = [
            haversine_m(path[i], point) + haversine_m(point, path[i + 1]) - haversine_m(path[i], path[i + 1])
            for i in range(len(path) - 1)
        ]
        k = int(np.argmin(cost))
        path.insert(k + 1, point)
    return path


@dataclass(frozen=True, eq=False)
class Corridor:
    """The fastest drive through the skeleton's points, and the detour of any point off it.

    ``legs_s[i]``: seconds of driving from skeleton point ``i`` to point ``i + 1``.
    """

    router: Router
    skeleton: list[LatLon]
    legs_s: FloatArray

    @classmethod
    def build(cls, router: Router, skeleton: Sequence[LatLon]) -> Corridor:
        """The corridor of ``skeleton`` (at least two points; the first is the start, the last the end).

        Raises :class:`InputError` when a point is off the roads or a leg cannot be driven.
        """
        points = list(skeleton)
        if any(snap is None for snap in router.snap(points)):
            msg = "a point of the trip is too far from any road"
            raise InputError(msg, field="point")
        legs = np.diagonal(router.table(points[:-1], points[1:], distances=False).seconds).astype(float)
        if not np.isfinite(legs).all():
            msg = "no road connects the points of the trip"
            raise InputError(msg, field="point")
        return cls(router, points, legs)

    @property
    def drive_s(self) -> float:
        """Seconds of driving along the skeleton."""
        return float(self.legs_s.sum())

    def place(self, points: Sequence[LatLon]) -> tuple[FloatArray, FloatArray]:
        """(detour seconds, seconds from the start along the trip) of every point; inf when off the roads."""
        detour = np.full(len(points), math.inf)
        along = np.full(len(points), math.inf)
        if not points:
            return detour, along
        forward = self.router.table(self.skeleton[:-1], points, distances=False).seconds
        backward = self.router.table(points, self.skeleton[1:], distances=False).seconds.T
        before = np.concatenate(([0.0], np.cumsum(self.legs_s)[:-1]))
        with np.errstate(invalid="ignore"):
            extra = forward + backward - self.legs_s[:, None]
        extra[~np.isfinite(extra)] = math.inf
        leg = np.argmin(extra, axis=0)
        cols = np.arange(len(points))
        known = np.isfinite(extra[leg, cols])
        detour[known] = np.maximum(extra[leg, cols], 0.0)[known]
        along[known] = (before[leg] + np.minimum(forward[leg, cols], self.legs_s[leg]))[known]
        return detour, along


def spread(
    items: Sequence[T], along: Sequence[float], total_s: float, limit: int, *, key: Callable[[T], Any], slices: int
) -> list[T]:
    """At most ``limit`` items, best first by ``key``, at most ``ceil(limit / slices)`` from each slice of the trip.

    The trip's ``total_s`` seconds of driving are cut into ``slices`` equal slices by
    ``along`` (seconds from the start); when some slices have too few items, the best
    of the rest fill the room left.
    """
    if limit <= 0 or not items:
        return []
    share = math.ceil(limit / max(1, slices))
    width = max(total_s, 1.0) / max(1, slices)
    ranked = sorted(range(len(items)), key=lambda i: key(items[i]))
    chosen: list[int] = []
    per_slice: dict[int, int] = {}
    rest: list[int] = []
    for i in ranked:
        bucket = min(slices - 1, int(along[i] // width)) if math.isfinite(along[i]) else slices - 1
        if per_slice.get(bucket, 0) < share and len(chosen) < limit:
            per_slice[bucket] = per_slice.get(bucket, 0) + 1
            chosen.append(i)
        else:
            rest.append(i)
    chosen += rest[: limit - len(chosen)]
    return [items[i] for i in sorted(chosen, key=lambda i: key(items[i]))]
