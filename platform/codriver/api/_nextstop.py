"""``GET /v1/trips/{id}/next``: the next stop, its ETA, and recommendations before it.

Recommendations are computed once per itinerary version and next stop (the assistant is
asked, every place is checked against the catalogue) and stored; later calls read them.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import anyio

from codriver.api._services import Services, car_state
from codriver.api._trip_schemas import NextPublic, RecommendationPublic
from codriver.errors import CodriverError, InputError
from codriver.planning import Itinerary
from codriver.scheduling import Progress, trip_progress
from codriver.store import Recommendation, Trip, Vehicle, session_scope
from codriver.store._accounts import get_preferences
from codriver.store._trip_log import add_recommendations, pending_recommendations
from codriver.store._trips import itinerary_version, owned_trip

__all__ = ["next_stop"]

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
class _View:
    trip: Trip
    version: int
    itinerary: Itinerary
    region: str | None
    progress: Progress
    key: str | None
    stored: list[Recommendation]


def _read(services: Services, user_id: int, trip_id: int) -> _View:
    """Everything ``/next`` needs, in one transaction (the parsed itinerary is cached per version)."""
    now = services.clock.now()
    with session_scope(services.engine) as session:
        trip = owned_trip(session, user_id=user_id, trip_id=trip_id)
        version = trip.current_version
        if version == 0:
            msg = f"trip {trip_id} has no plan yet: plan it first (POST /v1/plan)"
            raise InputError(msg, field="trip_id")
        itinerary = services.trips.cached_itinerary(trip_id, version)
        if itinerary is None:
            itinerary = services.trips.itinerary_of(itinerary_version(session, trip_id=trip_id, version=version))
        vehicle = session.get(Vehicle, trip.vehicle_id) if trip.vehicle_id is not None else None
        region = services.trips.region_name(trip)
        progress = trip_progress(
            itinerary, car_state(vehicle), now, lambda a, b: services.planner.drive_s(region, a, b)
        )
        key = f"v{version}:s{progress.index}" if progress.index is not None else None
        stored = list(pending_recommendations(session, trip_id=trip_id, context_key=key)) if key else []
    return _View(trip, version, itinerary, region, progress, key, stored)


async def next_stop(services: Services, trip_id: int, user_id: int) -> NextPublic:
    """Where the trip stands now (see :func:`~codriver.scheduling.trip_progress`)."""
    view = await anyio.to_thread.run_sync(_read, services, user_id, trip_id)
    rows = view.stored
    computed: set[tuple[int, str]] = services.extras.setdefault("recommended", set())
    if view.key is not None and not rows and (trip_id, view.key) not in computed:
        locks: dict[int, asyncio.Lock] = services.extras.setdefault("recommend_locks", {})
        async with locks.setdefault(trip_id, asyncio.Lock()):
            if (trip_id, view.key) not in computed:
                rows = await _compute(
                    services,
                    view.trip,
                    user_id=user_id,
                    key=view.key,
                    itinerary=view.itinerary,
                    region=view.region,
                    progress=view.progress,
                )
                computed.add((trip_id, view.key))
    progress = view.progress
    return NextPublic(
        trip_id=trip_id,
        itinerary_version=view.version,
        now=services.clock.now(),
        stop_index=progress.index,
        next_stop=progress.stop,
        eta=progress.eta,
        planned_arrive_at=progress.planned_arrive_at,
        delay_s=round(progress.delay_s, 1),
        distance_m=round(progress.distance_m, 1) if progress.distance_m is not None else None,
        at_stop=progress.at_stop,
        recommendations=[_public(r) for r in rows if r.outcome != "rejected"],
    )


async def _compute(
    services: Services,
    trip: Trip,
    *,
    user_id: int,
    key: str,
    itinerary: Itinerary,
    region: str | None,
    progress: Progress,
) -> list[Recommendation]:
    assert trip.id is not None
    trip_id = trip.id
    context = await anyio.to_thread.run_sync(lambda: services.trips.context(trip, user_id, itinerary=itinerary))
    context = context.model_copy(update={"next_stop": progress.index})
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
