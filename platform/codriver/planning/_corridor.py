"""Where a plan looks for places and chargers: the corridor of the trip, not only around its start.

The trip's *skeleton* is the drive from the start through its anchors (must-visits, the
places where a meal is wished, the stops of a plan being repaired) to the end, anchors in
cheapest-insertion order. A place or a charger is scored by its exact detour off that
drive, ``t(a, x) + t(x, b) - t(a, b)`` on its cheapest leg ``a -> b`` (one forward and one
backward Dijkstra run per leg, whatever the number of places), and placed along the trip
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

from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.routing import GraphRouter

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

    ``forward[i]``: seconds from skeleton point ``i`` to every road node; ``backward[i]``:
    seconds from every road node to skeleton point ``i + 1``; ``legs_s[i]``: the leg's time.
    """

    router: GraphRouter
    skeleton: list[LatLon]
    forward: FloatArray
    backward: FloatArray
    legs_s: FloatArray

    @classmethod
    def build(cls, router: GraphRouter, skeleton: Sequence[LatLon]) -> Corridor:
        """The corridor of ``skeleton`` (at least two points; the first is the start, the last the end)."""
        nodes, _ = router.snap_nodes(list(skeleton))
        forward = router.times_from(nodes[:-1])
        backward = router.times_to(nodes[1:])
        legs = np.array([forward[i, nodes[i + 1]] for i in range(len(nodes) - 1)], dtype=float)
        return cls(router, list(skeleton), forward, backward, legs)

    @property
    def drive_s(self) -> float:
        """Seconds of driving along the skeleton."""
        return float(self.legs_s.sum())

    def place(self, points: Sequence[LatLon]) -> tuple[FloatArray, FloatArray]:
        """(detour seconds, seconds from the start along the trip) of every point; inf when off the roads."""
        detour = np.full(len(points), math.inf)
        along = np.full(len(points), math.inf)
        nodes = self.router.snap_each(points)
        known = np.array([n is not None for n in nodes], dtype=bool)
        if not known.any():
            return detour, along
        idx = np.array([n if n is not None else 0 for n in nodes], dtype=np.int64)[known]
        before = np.concatenate(([0.0], np.cumsum(self.legs_s)[:-1]))
        extra = self.forward[:, idx] + self.backward[:, idx] - self.legs_s[:, None]
        leg = np.argmin(extra, axis=0)
        cols = np.arange(len(idx))
        detour[known] = np.maximum(extra[leg, cols], 0.0)
        along[known] = before[leg] + np.minimum(self.forward[leg, idx], self.legs_s[leg])
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
