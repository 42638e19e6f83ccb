"""Access legs: the walk between where the car stops (the nearest road node) and the place.

The router drives between road nodes; a place is rarely on one. The straight-line
distance from the place to its road node is walked at :data:`WALK_M_PER_S` (there and
back, so it counts on arriving and on leaving), appears on the leg (``walk_m``,
``walk_s``) and in the stop's explanation. Farther than :data:`ACCESS_WARN_M` the
explanation warns; farther than :data:`ACCESS_REFUSE_M` the place is refused (not
planned). Chargers are driven up to, so their own access is not walked, but they are
refused past the same limit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from codriver.planning._problem import WALK_M_PER_S, Site
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.routing import Router

__all__ = ["ACCESS_REFUSE_M", "ACCESS_WARN_M", "WALK_M_PER_S", "access_fact", "access_m", "with_walks"]

ACCESS_WARN_M = 300.0
ACCESS_REFUSE_M = 1000.0
_SAY_FROM_M = 50.0  # shorter walks go without saying


def access_m(router: Router, point: LatLon) -> float:
    """Metres from ``point`` to where the router joins it to the road (inf when the router refuses the point)."""
    [snap] = router.snap([point])
    return math.inf if snap is None else snap.distance_m


def access_fact(metres: float) -> str | None:
    """What the stop's explanation says about the walk from the car (None when it is short)."""
    if metres < _SAY_FROM_M:
        return None
    minutes = max(1, round(metres / WALK_M_PER_S / 60))
    if metres > ACCESS_WARN_M:
        return f"{metres:.0f} m from the nearest road: about {minutes} min walk each way; check where to park."
    return f"About {minutes} min walk ({metres:.0f} m) from where the car stops."


def with_walks(
    seconds: npt.NDArray[np.float64], sites: Sequence[Site]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """(whole seconds from place to place, rounded up; metres walked on the way).

    Walk to the car, drive, walk to the place; two places at the same road node (no
    driving between them) are walked straight from one to the other.
    """
    access = np.array([site.access_m for site in sites])
    walked = access[:, None] + access[None, :]
    drive = np.asarray(seconds, dtype=float)
    for i, j in zip(*np.nonzero(drive == 0), strict=True):
        a, b = sites[int(i)], sites[int(j)]
        walked[i, j] = haversine_m(LatLon(a.lat, a.lon), LatLon(b.lat, b.lon))
    np.fill_diagonal(walked, 0.0)
    whole: npt.NDArray[np.int64] = np.ceil(drive + walked / WALK_M_PER_S).astype(np.int64)
    return whole, walked
