"""The planning problem in small explicit terms: sites, a travel matrix, candidates, chargers.

Everything is in integer seconds from ``epoch`` (the departure, an aware datetime in the
region's zone), metres and kWh, so the optimizer, the charging planner and the exhaustive
reference searches read the same numbers. :mod:`codriver.planning._engine` builds one from
the real tools; tests build them by hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

import numpy as np
import numpy.typing as npt

from codriver.tools.geo import LatLon, haversine_m

__all__ = [
    "Candidate",
    "ChargeCurve",
    "Charger",
    "EvSpec",
    "MealSlot",
    "Parking",
    "PlanningProblem",
    "Site",
    "TaperCurve",
    "Walking",
    "Window",
    "at_time",
    "earliest_start",
    "seconds_between",
]

Window = tuple[int, int]
IntMatrix = npt.NDArray[np.int64]
FloatMatrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Site:
    """A point of the travel matrix; ``access_m`` is walked between it and its road node."""

    key: str
    name: str
    lat: float
    lon: float
    access_m: float = 0.0


@dataclass(frozen=True)
class Candidate:
    """A place the traveller may stop at; ``windows`` bound the whole stay.

    ``windows`` are open intervals in seconds from the epoch; None means no known limit
    (24/7, or hours unknown when ``hours_known`` is false). ``meals`` names the meal slots
    this place can serve; ``charger`` (index into the problem's chargers) is a charger at
    or near the place where the car can charge during the stay.
    """

    poi_id: str
    name: str
    site: int
    category: str
    value: float
    visit_s: int
    cost: float = 0.0
    windows: tuple[Window, ...] | None = None
    hours_known: bool = True
    meals: tuple[str, ...] = ()
    meal_only: bool = False
    must: bool = False
    charger: int | None = None
    facts: tuple[str, ...] = ()


WALK_M_PER_S = 1.3  # walking between the car and a place, about 4.7 km/h
UNVERIFIED_SOCKET = "Type 2 AC"
UNVERIFIED_WARNING = (
    "Unverified charger: its sockets are not recorded in OpenStreetMap. Most public chargers in Europe "
    f"have {UNVERIFIED_SOCKET}, which this plan assumes; check the charger before relying on it."
)


@dataclass(frozen=True)
class Charger:
    """A charger for the vehicle, at a site.

    ``verified``: its sockets are known to fit; False for a station whose sockets are not
    recorded, planned at an assumed Type 2 AC power and ranked after verified ones.
    """

    poi_id: str
    name: str
    site: int
    power_kw: float
    network: str | None = None
    windows: tuple[Window, ...] | None = None
    verified: bool = True


@dataclass(frozen=True)
class Parking:
    """A car park the car may be left at: ``site`` of the problem, its catalogue ID and name."""

    site: int
    poi_id: str
    name: str


@dataclass(frozen=True, eq=False)
class Walking:
    """What park-and-walk plans with (see :mod:`codriver.planning._walking`).

    Walking points are the problem's sites (``0..n-1``: the places) and, for every site,
    the road node where the car stops for it (``n + site``). ``metres[a, b]`` is the
    shortest walk between two points (inf: not walkable within ``max_m``), ``drive_s``
    the seconds of driving between the road nodes of two sites (no walking in it).
    ``max_m`` is the longest single walk of the party, ``m_per_s`` its pace.
    """

    max_m: float
    m_per_s: float
    points: list[tuple[float, float]]
    metres: FloatMatrix
    drive_s: FloatMatrix
    parking: tuple[Parking, ...] = ()
    path: Callable[[int, int], list[list[float]]] | None = None

    def road(self, site: int) -> int:
        """The walking point of the road node where the car stops for ``site``."""
        return len(self.points) // 2 + site

    def walk_m(self, a: int, b: int) -> float:
        """Metres walked between walking points ``a`` and ``b`` (inf: not within reach).

        Between a place and the road beside it (its access) the walk is the straight line,
        as every drive to a place counts it; elsewhere it is the walking network's.
        """
        half = len(self.points) // 2
        if a in (b + half, b - half):
            (lat_a, lon_a), (lat_b, lon_b) = self.points[a], self.points[b]
            return haversine_m(LatLon(lat_a, lon_a), LatLon(lat_b, lon_b))
        return float(self.metres[a, b])

    def seconds(self, metres: float) -> int:
        """Whole seconds to walk ``metres`` at the party's pace (rounded up)."""
        return math.ceil(metres / self.m_per_s)


@dataclass(frozen=True)
class MealSlot:
    """A meal wanted: the whole stay of ``duration_s`` inside ``[earliest_s, latest_s]``."""

    meal: str
    earliest_s: int
    latest_s: int
    duration_s: int


class ChargeCurve(Protocol):
    """Seconds to charge a battery between two states of charge at a charger's power."""

    def time_s(self, battery_kwh: float, power_kw: float, soc_from: float, soc_to: float) -> float: ...


@dataclass(frozen=True)
class TaperCurve:
    """Full power up to ``knee``, then power falling linearly to ``end_ratio`` of it at 100 %.

    The time is additive (time a→c = time a→b + time b→c), which the charging planner uses.
    """

    knee: float = 0.8
    end_ratio: float = 0.2

    def _cumulative_h(self, battery_kwh: float, power_kw: float, soc: float) -> float:
        soc = min(max(soc, 0.0), 1.0)
        flat = min(soc, self.knee)
        hours = battery_kwh * flat / power_kw
        if soc > self.knee:
            slope = (1.0 - self.end_ratio) / (1.0 - self.knee)
            # integral of B / (P * (1 - slope * (s - knee))) ds from knee to soc
            hours += battery_kwh / (power_kw * slope) * -math.log(1.0 - slope * (soc - self.knee))
        return hours

    def time_s(self, battery_kwh: float, power_kw: float, soc_from: float, soc_to: float) -> float:
        """Seconds from ``soc_from`` to ``soc_to`` (0 when not charging up)."""
        if soc_to <= soc_from:
            return 0.0
        cumulative = self._cumulative_h
        return 3600.0 * (cumulative(battery_kwh, power_kw, soc_to) - cumulative(battery_kwh, power_kw, soc_from))


@dataclass(frozen=True)
class EvSpec:
    """The electric vehicle's energy state and limits."""

    battery_kwh: float
    soc: float
    reserve_soc: float
    target_soc: float
    max_charge_kw: float
    curve: ChargeCurve = field(default_factory=TaperCurve)
    soc_step: float = 0.005
    charge_overhead_s: int = 0

    def charge_time_s(self, charger_kw: float, soc_from: float, soc_to: float) -> float:
        """Seconds of charging between two states of charge at a charger, overhead excluded."""
        power = min(charger_kw, self.max_charge_kw)
        return self.curve.time_s(self.battery_kwh, power, soc_from, soc_to)


@dataclass
class PlanningProblem:
    """One day to plan: depart from ``sites[start]`` at t=0, reach ``sites[end]`` by ``deadline_s``.

    ``time_s[i, j]`` are whole seconds (rounded up), ``dist_m[i, j]`` metres and
    ``energy_kwh[i, j]`` kWh of driving between sites. ``travel_weight`` is the value one
    hour of driving costs in the objective.
    """

    epoch: datetime
    deadline_s: int
    sites: list[Site]
    time_s: IntMatrix
    dist_m: FloatMatrix
    candidates: list[Candidate] = field(default_factory=list)
    chargers: list[Charger] = field(default_factory=list)
    meals: list[MealSlot] = field(default_factory=list)
    start: int = 0
    end: int = 1
    budget: float | None = None
    max_stint_s: int | None = None
    break_s: int = 900
    travel_weight: float = 0.2
    max_detour_s: int = 600
    energy_kwh: FloatMatrix | None = None
    ev: EvSpec | None = None
    start_stint_s: int = 0
    geometry: Callable[[int, int], list[list[float]]] | None = None
    region: str | None = None
    walk_m: FloatMatrix | None = None  # metres walked between car and places on each trip, inside time_s
    max_charges_per_leg: int = 1  # chargers the charging planner may chain on one leg (long drives: more)
    #: candidates (indexes) the traveller placed: those visited keep this order among themselves
    order: tuple[int, ...] = ()
    #: park and walk: stops within walking distance share one parking place (None: every stop driven to)
    walking: Walking | None = None

    def __post_init__(self) -> None:
        if self.epoch.tzinfo is None:
            msg = "the problem's epoch must be an aware datetime"
            raise ValueError(msg)
        n = len(self.sites)
        if self.time_s.shape != (n, n) or self.dist_m.shape != (n, n):
            msg = f"travel matrices must be {n}x{n} for {n} sites"
            raise ValueError(msg)
        if self.ev is not None and (self.energy_kwh is None or self.energy_kwh.shape != (n, n)):
            msg = "an EV problem needs an energy matrix over the sites"
            raise ValueError(msg)

    @property
    def timezone(self) -> str:
        """IANA name of the epoch's zone."""
        return str(self.epoch.tzinfo)

    def objective(self, visited: Sequence[int], drive_s: float) -> float:
        """Preference value of visiting candidates ``visited`` with ``drive_s`` seconds of driving."""
        return sum(self.candidates[c].value for c in visited) - self.travel_weight * drive_s / 3600.0


def at_time(epoch: datetime, seconds: float) -> datetime:
    """``epoch + seconds`` as elapsed time (correct across DST), in the epoch's zone."""
    return (epoch.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(epoch.tzinfo)


def seconds_between(epoch: datetime, when: datetime) -> float:
    """Elapsed seconds from ``epoch`` to ``when`` (both aware), in real (UTC) time.

    Python subtracts two datetimes that share one ``tzinfo`` on the wall clock, which is an
    hour off across a daylight-saving change; converting to UTC first is exact.
    """
    return (when.astimezone(UTC) - epoch.astimezone(UTC)).total_seconds()


def earliest_start(windows: Sequence[Window] | None, arrival: float, stay: float) -> float | None:
    """The earliest time >= ``arrival`` at which a stay of ``stay`` s fits in one window, or None."""
    if windows is None:
        return arrival
    best: float | None = None
    for open_s, close_s in windows:
        start = max(arrival, open_s)
        if start + stay <= close_s and (best is None or start < best):
            best = start
    return best
