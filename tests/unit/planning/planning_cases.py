"""Small hand-made planning problems for the planning tests: every number is visible where used."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from codriver.planning import Candidate, Charger, EvSpec, MealSlot, PlanningProblem, Site, TripRequest

HELSINKI = ZoneInfo("Europe/Helsinki")
EPOCH = datetime(2025, 6, 14, 9, 0, tzinfo=HELSINKI)  # a Saturday, 09:00 local
MIN = 60
HOUR = 3600


def make_problem(
    minutes: Sequence[Sequence[float]],
    candidates: Sequence[Candidate],
    *,
    deadline_h: float = 10.0,
    chargers: Sequence[Charger] = (),
    meals: Sequence[MealSlot] = (),
    ev: EvSpec | None = None,
    kwh: Sequence[Sequence[float]] | None = None,
    **extra: Any,
) -> PlanningProblem:
    """Site 0 is the start, 1 the end; ``minutes[i][j]`` the drive between sites."""
    n = len(minutes)
    sites = [Site("start", "Home", 60.17, 24.94), Site("end", "Home", 60.17, 24.94)]
    sites += [Site(f"site{k}", f"Site {k}", 60.17 + 0.01 * k, 24.94 + 0.01 * k) for k in range(2, n)]
    time_s = (np.asarray(minutes, dtype=float) * MIN).astype(np.int64)
    return PlanningProblem(
        epoch=EPOCH,
        deadline_s=round(deadline_h * HOUR),
        sites=sites,
        time_s=time_s,
        dist_m=time_s * 10.0,
        candidates=list(candidates),
        chargers=list(chargers),
        meals=list(meals),
        ev=ev,
        energy_kwh=np.asarray(kwh, dtype=float) if kwh is not None else None,
        region="test",
        **extra,
    )


def star(n: int, spoke_min: float = 10.0, across_min: float = 15.0) -> list[list[float]]:
    """Start and end at the hub, ``n`` candidate sites around it."""
    size = n + 2
    return [[0.0 if i == j else (spoke_min if min(i, j) < 2 else across_min) for j in range(size)] for i in range(size)]


def place(
    k: int,
    value: float = 1.0,
    *,
    visit_min: float = 60,
    windows_h: Sequence[tuple[float, float]] | None = None,
    **extra: Any,
) -> Candidate:
    """Candidate ``k`` at site ``k + 2``; windows in hours after 09:00."""
    windows = None if windows_h is None else tuple((round(a * HOUR), round(b * HOUR)) for a, b in windows_h)
    extra.setdefault("category", "museum")
    return Candidate(
        poi_id=f"osm:node/{k + 1}",
        name=f"Place {k}",
        site=k + 2,
        value=value,
        visit_s=round(visit_min * MIN),
        windows=windows,
        facts=(f"Place {k}.",),
        **extra,
    )


def request(**changes: Any) -> TripRequest:
    """A day in central Helsinki: museums and galleries, lunch, two adults, 150 EUR."""
    data: dict[str, Any] = {
        "origin": "60.1699,24.9384",
        "depart_at": "2025-06-14T10:00:00+03:00",
        "return_by": "2025-06-14T17:00:00+03:00",
        "party": {"adults": 2},
        "budget": 150,
        "interests": {"museum": 1.0, "gallery": 0.6},
        "meals": [{"meal": "lunch", "earliest": "11:30", "latest": "14:00"}],
    }
    data.update(changes)
    return TripRequest.model_validate(data)


def ev_request(soc: float, **changes: Any) -> TripRequest:
    """:func:`request` in a 40 kWh EV at ``soc``, reserve 10 %, 50 % wanted at arrival."""
    vehicle = {"powertrain": "ev", "battery_kwh": 40, "soc": soc, "reserve_soc": 0.1, "target_soc": 0.5}
    return request(vehicle=vehicle, **changes)
