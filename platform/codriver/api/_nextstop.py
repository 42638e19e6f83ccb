"""``GET /v1/trips/{id}/next``: the next stop, its ETA, and recommendations before it.

The hot path of every head-unit, so each call reads only one small row from the
database: the trip's owner and itinerary version, the car's last state and a stamp of the
trip's recommendations (:func:`_stamp`, one primary-key lookup with three indexed
sub-selects). Everything else is kept per process in a :class:`NextCache` and is
*validated* by that row, never trusted on time alone, so several processes (``serve
--workers``, the separate scheduler) never see each other's stale answers:

- the parsed itinerary and region name per (trip, version): versions are immutable;
- the recommendations per (trip, itinerary version, next stop), re-read whenever the
  stamp (count, newest ID, decisions) changes;
- drive times per (car position, stop): the router answers the same for the same points.

Recommendations are computed once per itinerary version and next stop (the assistant is
asked, every place is checked against the catalogue) and stored; later calls read them.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import anyio
from sqlalchemy import Engine, bindparam, func, select
from sqlmodel import col

from codriver.api._deps import short_read
from codriver.api._services import Services
from codriver.api._trip_schemas import NextPublic, RecommendationPublic
from codriver.errors import CodriverError, InputError
from codriver.planning import Itinerary
from codriver.scheduling import CarState, Progress, trip_progress
from codriver.store import (
    Recommendation,
    RecordNotFound,
    Trip,
    Vehicle,
    add_recommendations,
    get_preferences,
    itinerary_version,
    owned_trip,
    pending_recommendations,
    session_scope,
)
from codriver.tools.geo import LatLon

__all__ = ["NextCache", "next_cache", "next_stop"]

logger = logging.getLogger(__name__)
SUGGESTIONS = 3


def _public(row: Recommendation) -> RecommendationPublic:
    assert row.id is not None
    return RecommendationPublic(
        id=row.id,
        poi_id=row.place_id,
        name=row.context.get("name"),
        category=row.context.get("category"),
        explanation=row.explanation,
        detour_s=row.context.get("detour_s"),
        outcome=row.outcome,
    )


@dataclass(frozen=True)
class Stamp:
    """The one row ``/next`` reads per call: who owns the trip, its version, the car, the recommendations."""

    trip_id: int
    user_id: int
    version: int
    car: CarState
    recommendations: tuple[int, int, int]  # (count, newest ID, how many were decided)


def _count_decided() -> Any:
    return func.count(col(Recommendation.decided_at))


_RECS = col(Recommendation.trip_id) == col(Trip.id)
_STAMP = (
    select(
        col(Trip.user_id),
        col(Trip.current_version),
        col(Vehicle.lat),
        col(Vehicle.lon),
        col(Vehicle.soc),
        col(Vehicle.fuel_level),
        col(Vehicle.speed_kph),
        col(Vehicle.outside_c),
        col(Vehicle.state_at),
        select(func.count()).select_from(Recommendation).where(_RECS).scalar_subquery(),
        select(func.coalesce(func.max(col(Recommendation.id)), 0)).where(_RECS).scalar_subquery(),
        select(_count_decided()).where(_RECS).scalar_subquery(),
    )
    .select_from(Trip)
    .outerjoin(Vehicle, col(Vehicle.id) == col(Trip.vehicle_id))
    .where(col(Trip.id) == bindparam("trip_id"))
)


def _stamp(engine: Engine, trip_id: int) -> Stamp | None:
    """The trip's :class:`Stamp` (None when there is no such trip)."""
    with engine.connect() as connection:
        if engine.dialect.name != "sqlite":  # one statement: no BEGIN and ROLLBACK round trips
            connection.execution_options(isolation_level="AUTOCOMMIT")
        row = connection.execute(_STAMP, {"trip_id": trip_id}).first()
    if row is None:
        return None
    user_id, version, lat, lon, soc, fuel, speed, outside, at, count, newest, decided = row
    car = CarState(lat=lat, lon=lon, soc=soc, fuel_level=fuel, speed_kph=speed, outside_c=outside, at=at)
    return Stamp(trip_id, int(user_id), int(version), car, (int(count), int(newest), int(decided)))


class _Lru(OrderedDict[Any, Any]):
    """An ordered dict that forgets its oldest entries beyond ``size``."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: Any, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


@dataclass
class NextCache:
    """What ``/next`` keeps between calls in one process (see the module docstring); loop-only."""

    size: int = 4096
    plans: _Lru = field(init=False)
    recommendations: _Lru = field(init=False)
    drives: _Lru = field(init=False)
    computed: set[tuple[int, str]] = field(default_factory=set)
    locks: dict[int, asyncio.Lock] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.plans = _Lru(self.size)
        self.recommendations = _Lru(self.size)
        self.drives = _Lru(self.size * 4)

    def progress(self, itinerary: Itinerary, car: CarState, now: datetime, region: str | None) -> Progress:
        """:func:`trip_progress` with memoised drive times (:class:`_NotCached` when one is missing)."""

        def seconds(a: LatLon, b: LatLon) -> float:
            value = self.drives.get((region, a, b))
            if value is None:
                raise _NotCached
            return float(value)

        return trip_progress(itinerary, car, now, seconds)


class _NotCached(Exception):
    """A drive time this process has not asked the router for yet."""


@dataclass
class _Drive:
    """The planner's drive times in one region, remembering what was asked (for a worker thread)."""

    services: Services
    region: str | None
    asked: list[tuple[Any, float]] = field(default_factory=list)

    def __call__(self, a: LatLon, b: LatLon) -> float:
        value = self.services.planner.drive_s(self.region, a, b)
        self.asked.append(((self.region, a, b), value))
        return value


def next_cache(services: Services) -> NextCache:
    """The services' :class:`NextCache` (made on first use)."""
    cache = services.extras.get("next_cache")
    if not isinstance(cache, NextCache):
        cache = NextCache()
        services.extras["next_cache"] = cache
    return cache


def _read_plan(services: Services, user_id: int, trip_id: int, version: int) -> tuple[Itinerary, str | None]:
    with session_scope(services.engine) as session:
        trip = owned_trip(session, user_id=user_id, trip_id=trip_id)
        itinerary = services.trips.cached_itinerary(trip_id, version)
        if itinerary is None:
            itinerary = services.trips.itinerary_of(itinerary_version(session, trip_id=trip_id, version=version))
        return itinerary, services.trips.region_name(trip)


def _read_recommendations(services: Services, trip_id: int, key: str) -> list[RecommendationPublic]:
    with session_scope(services.engine) as session:
        return [_public(r) for r in pending_recommendations(session, trip_id=trip_id, context_key=key)]


async def next_stop(services: Services, trip_id: int, user_id: int) -> NextPublic:
    """Where the trip stands now (see :func:`~codriver.scheduling.trip_progress`)."""
    cache = next_cache(services)
    stamp = await short_read(services, _stamp, services.engine, trip_id)
    if stamp is None or stamp.user_id != user_id:
        msg = f"no trip {trip_id}: list yours with GET /v1/trips"
        raise RecordNotFound(msg, field="trip_id")
    if stamp.version == 0:
        msg = f"trip {trip_id} has no plan yet: plan it first (POST /v1/plan)"
        raise InputError(msg, field="trip_id")
    plan: tuple[Itinerary, str | None] | None = cache.plans.get((trip_id, stamp.version))
    if plan is None:
        plan = await anyio.to_thread.run_sync(_read_plan, services, user_id, trip_id, stamp.version)
        cache.plans.put((trip_id, stamp.version), plan)
    itinerary, region = plan
    now = services.clock.now()
    try:  # the router may take milliseconds (or load a region): never on the event loop
        progress = cache.progress(itinerary, stamp.car, now, region)
    except _NotCached:
        drive = _Drive(services, region)
        progress = await anyio.to_thread.run_sync(trip_progress, itinerary, stamp.car, now, drive)
        for key, value in drive.asked:
            cache.drives.put(key, value)
    recommendations: list[RecommendationPublic] = []
    if progress.index is not None:
        key = f"v{stamp.version}:s{progress.index}"
        recommendations = await _recommendations(
            services, cache, stamp, key=key, user_id=user_id, itinerary=itinerary, region=region
        )
    return NextPublic(
        trip_id=trip_id,
        itinerary_version=stamp.version,
        now=now,
        stop_index=progress.index,
        next_stop=progress.stop,
        eta=progress.eta,
        planned_arrive_at=progress.planned_arrive_at,
        delay_s=round(progress.delay_s, 1),
        distance_m=round(progress.distance_m, 1) if progress.distance_m is not None else None,
        at_stop=progress.at_stop,
        recommendations=[r for r in recommendations if r.outcome != "rejected"],
    )


async def _recommendations(
    services: Services,
    cache: NextCache,
    stamp: Stamp,
    *,
    key: str,
    user_id: int,
    itinerary: Itinerary,
    region: str | None,
) -> list[RecommendationPublic]:
    """The stored recommendations for ``key``, computed first when there are none yet."""
    trip_id = stamp.trip_id
    cached = cache.recommendations.get((trip_id, key))
    if cached is not None and cached[0] == stamp.recommendations:
        return list(cached[1])
    rows = await anyio.to_thread.run_sync(_read_recommendations, services, trip_id, key)
    if rows or (trip_id, key) in cache.computed:
        cache.recommendations.put((trip_id, key), (stamp.recommendations, tuple(rows)))
        return rows
    async with cache.locks.setdefault(trip_id, asyncio.Lock()):
        if (trip_id, key) in cache.computed:  # another call computed them meanwhile
            return await anyio.to_thread.run_sync(_read_recommendations, services, trip_id, key)
        progress_index = int(key.rsplit(":s", 1)[1])
        stored = await _compute(
            services, trip_id, user_id=user_id, key=key, itinerary=itinerary, region=region, index=progress_index
        )
        cache.computed.add((trip_id, key))
    return [_public(r) for r in stored]


async def _compute(
    services: Services,
    trip_id: int,
    *,
    user_id: int,
    key: str,
    itinerary: Itinerary,
    region: str | None,
    index: int,
) -> list[Recommendation]:
    def context_of() -> Any:
        trip = services.trips.load_trip(trip_id)
        return services.trips.context(trip, user_id, itinerary=itinerary)

    context = await anyio.to_thread.run_sync(context_of)
    context = context.model_copy(update={"next_stop": index})
    try:
        suggestions = await services.assistant.recommend(context, limit=SUGGESTIONS)
    except CodriverError as exc:
        logger.warning("trip %s: no recommendations: %s", trip_id, exc)
        return []

    def keep() -> list[Recommendation]:
        with session_scope(services.engine) as session:
            rejected = set(get_preferences(session, user_id=user_id).rejected_place_ids)
        planned = {s.poi_id for s in itinerary.stops if s.poi_id}
        rows: list[Recommendation] = []
        for suggestion in suggestions:
            if suggestion.poi_id in rejected or suggestion.poi_id in planned:
                continue
            place = services.planner.place(region, suggestion.poi_id)
            if place is None:  # never show a place that is not in the catalogue
                logger.warning("trip %s: dropped a suggestion outside the catalogue: %s", trip_id, suggestion.poi_id)
                continue
            rows.append(
                Recommendation(
                    trip_id=trip_id,
                    user_id=user_id,
                    place_id=place.poi_id,
                    rank=len(rows),
                    explanation=suggestion.explanation,
                    context={
                        "key": key,
                        "name": place.name,
                        "category": place.category,
                        "detour_s": suggestion.detour_s,
                        "lat": place.lat,
                        "lon": place.lon,
                    },
                )
            )
            if len(rows) >= SUGGESTIONS:
                break
        with session_scope(services.engine) as session:
            return add_recommendations(session, rows)

    return await anyio.to_thread.run_sync(keep)
