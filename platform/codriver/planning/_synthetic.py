"""Random planning problems over a plane, for tests and benchmarks (seeded, reproducible).

Sites lie in a square; travel time is the straight-line distance times a detour factor at
a fixed speed, energy proportional to distance. Candidates get one or two opening
intervals, values, visit times and costs; some serve meals, some have a charger nearby.
"""

from __future__ import annotations

import math
import random
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from codriver.planning._problem import Candidate, Charger, EvSpec, MealSlot, PlanningProblem, Site

__all__ = ["synthetic_problem"]

_EPOCH = datetime(2025, 6, 14, 9, 0, tzinfo=ZoneInfo("Europe/Helsinki"))


def synthetic_problem(
    seed: int,
    *,
    candidates: int = 8,
    chargers: int = 0,
    size_km: float = 12.0,
    hours: float = 12.0,
    meals: bool = True,
    budget: float | None = None,
    ev: bool = False,
    soc: float = 0.5,
    battery_kwh: float = 40.0,
    kwh_per_km: float = 0.18,
    stint_min: float | None = None,
    musts: int = 0,
    soc_step: float = 0.005,
) -> PlanningProblem:
    """A random problem: start = end at the centre, departure 09:00 local on a Saturday."""
    rng = random.Random(seed)  # noqa: S311  (reproducible test data, not secrets)
    half = size_km * 500.0
    points = [(0.0, 0.0)] + [(rng.uniform(-half, half), rng.uniform(-half, half)) for _ in range(candidates + chargers)]
    sites = [Site("start", "Home", 60.17, 24.94)]
    for k, (x, y) in enumerate(points[1:], start=1):
        sites.append(Site(f"s{k}", f"Site {k}", 60.17 + y / 111_320, 24.94 + x / 55_600))
    sites.insert(1, Site("end", "Home", 60.17, 24.94))
    coords = [points[0], points[0], *points[1:]]
    n = len(sites)
    dist = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            dist[i, j] = math.dist(coords[i], coords[j]) * 1.3
    time_s = np.ceil(dist / (30 / 3.6)).astype(np.int64)
    horizon = round(hours * 3600)
    slots = []
    if meals:
        slots = [
            MealSlot("lunch", round(2.5 * 3600), 5 * 3600, 3600),
            MealSlot("dinner", 8 * 3600, 11 * 3600, 3600),
        ]
    cands = []
    categories = ("museum", "park", "gallery", "viewpoint", "historic")
    for k in range(candidates):
        food = meals and k % 3 == 0
        opening = rng.randrange(-3600, 4 * 3600, 900)
        closing = opening + rng.randrange(3 * 3600, 10 * 3600, 900)
        windows: tuple[tuple[int, int], ...] | None = ((opening, closing),)
        if rng.random() < 0.3:
            split = opening + (closing - opening) // 2
            windows = ((opening, split - 1800), (split, closing))
        elif rng.random() < 0.1:
            windows = None
        charger = None
        if chargers and rng.random() < 0.3:
            charger = rng.randrange(chargers)
        cands.append(
            Candidate(
                poi_id=f"osm:node/{1000 + k}",
                name=f"{'Restaurant' if food else 'Sight'} {k}",
                site=2 + k,
                category="restaurant" if food else categories[k % len(categories)],
                value=round(rng.uniform(0.5, 5.0), 2),
                visit_s=rng.choice((1800, 2700, 3600, 5400)),
                cost=round(rng.choice((0.0, 0.0, 8.0, 15.0, 25.0)), 2),
                windows=windows,
                meals=("lunch", "dinner") if food else (),
                meal_only=food,
                must=k < musts,
                charger=charger,
                facts=(f"Synthetic place {k}.",),
            )
        )
    charger_list = [
        Charger(f"osm:node/{5000 + c}", f"Charger {c}", 2 + candidates + c, rng.choice((11.0, 22.0, 50.0, 150.0)))
        for c in range(chargers)
    ]
    spec = None
    if ev:
        spec = EvSpec(
            battery_kwh=battery_kwh,
            soc=soc,
            reserve_soc=0.1,
            target_soc=0.3,
            max_charge_kw=100.0,
            soc_step=soc_step,
        )
    return PlanningProblem(
        epoch=_EPOCH,
        deadline_s=horizon,
        sites=sites,
        time_s=time_s,
        dist_m=dist,
        candidates=cands,
        chargers=charger_list,
        meals=slots,
        start=0,
        end=1,
        budget=budget,
        max_stint_s=round(stint_min * 60) if stint_min else None,
        energy_kwh=dist / 1000.0 * kwh_per_km if ev else None,
        ev=spec,
        max_detour_s=900,
        region="synthetic",
    )
