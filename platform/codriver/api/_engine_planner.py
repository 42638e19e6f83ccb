"""The planning engine and the region's tools behind the :class:`~codriver.api.TripPlanner` port.

Plans come from :func:`codriver.planning.plan_trip` and repairs from
:func:`codriver.planning.replan` (the stops still ahead are kept where they fit); the
region's tools (router, catalogue, gazetteer, opening hours) are loaded once per import of
the region and answer the live questions of ``/next`` and the scheduler's checks. Every
use looks the region up in the database, so a re-import (``codriver region import`` in
another process) is picked up by the next request.
"""

from __future__ import annotations

import math
import threading
from datetime import datetime

import anyio

from codriver.api._charger_views import charger_options
from codriver.api._place_search import search_places
from codriver.api._ports import Alternative, ChargerOption, PlaceBrief, PlaceHit, RegionBrief, RegionMap, TripChange
from codriver.api._region_views import region_map, stop_alternatives
from codriver.api._revise import revise_request, trip_record
from codriver.bootstrap import Runtime, import_identity
from codriver.errors import PlaceNotFound
from codriver.planning import (
    ChargerOut,
    Delay,
    Itinerary,
    NewWish,
    PlaceClosed,
    RegionTools,
    TripRequest,
    TripState,
    plan_trip,
    replan,
)
from codriver.regions.summary import list_regions
from codriver.regions.tiles import basemap_path
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.places import EmbeddedPlaces

__all__ = ["EnginePlanner", "meal_in_words", "planned_position"]

# Off the road graph (farther than the router snaps), assume this speed and detour factor.
_FALLBACK_MPS = 30 / 3.6
_DETOUR = 1.3
_MEALS = {
    "breakfast": "breakfast",
    "lunch": "lunch",
    "dinner": "dinner",
    "eat": "lunch",
    "food": "lunch",
    "hungry": "lunch",
}


class EnginePlanner:
    """Plans with the planning engine over the runtime's regions (tools loaded once per import of a region)."""

    def __init__(self, runtime: Runtime, *, time_limit_s: float = 0.6, max_candidates: int = 30) -> None:
        self.runtime = runtime
        self.time_limit_s = time_limit_s
        self.max_candidates = max_candidates
        self._tools: dict[str, RegionTools] = {}
        self._lock = threading.Lock()
        self._maps: dict[str, tuple[RegionTools, RegionMap]] = {}

    def tools(self, region: str | None) -> RegionTools:
        """The region's tools (the default region for None); RegionNotFound when not imported or embedded.

        Kept per region and rebuilt when the region's row says it was re-imported (one
        indexed query per call).
        """
        with self._lock:
            current = self.runtime.region(region)  # imports an embedded region on first use
            cached = self._tools.get(current.name)
            if cached is None or import_identity(cached.region) != import_identity(current):
                cached = RegionTools.load(self.runtime, current.name)
                self._tools[current.name] = cached
            return cached

    def places(self, region: str | None) -> EmbeddedPlaces:
        """The region's catalogue search (with its router)."""
        return self.tools(region).places

    async def plan(self, request: TripRequest) -> Itinerary:
        def run() -> Itinerary:
            tools = self.tools(request.region)
            return plan_trip(request, tools, max_candidates=self.max_candidates, time_limit_s=self.time_limit_s)

        return await anyio.to_thread.run_sync(run)

    async def replan(
        self, request: TripRequest, current: Itinerary, change: TripChange, *, car: LatLon | None, now: datetime
    ) -> Itinerary:
        event = _engine_event(change)
        if event is None or now < request.depart_at:
            # not an event the repair models, or the trip has not begun: plan the revised request afresh
            planned = await self.plan(revise_request(request, current, change, car=car, now=now))
            if now < request.depart_at:
                return planned
            # what was done stays in the trip's record, as after a repair
            return planned.model_copy(update={"visited": trip_record(current, now)})
        base = current if current.request is not None else current.model_copy(update={"request": request})
        done = [s.poi_id for s in base.stops[1:-1] if s.poi_id and s.depart_at is not None and s.depart_at <= now]
        position = car or planned_position(base, now)
        soc = change.soc if change.soc is not None else None
        state = TripState(at=now, lat=position.lat, lon=position.lon, soc=soc, done=done)

        def run() -> Itinerary:
            tools = self.tools(request.region)
            return replan(base, event, tools, state=state).itinerary

        return await anyio.to_thread.run_sync(run)

    def region_id(self, name: str | None) -> int | None:
        return self.tools(name).region.id

    def drive_s(self, region: str | None, a: LatLon, b: LatLon) -> float:
        seconds = float(self.tools(region).router.table([a], [b], distances=False).seconds[0, 0])
        if math.isfinite(seconds):
            return seconds
        return haversine_m(a, b) * _DETOUR / _FALLBACK_MPS  # off the roads: a straight-line estimate

    def hours_state(self, region: str | None, poi_id: str, at: datetime) -> str:
        """From the runtime's place lookup: OSM's current hours when Overpass is configured."""
        try:
            return str(self.runtime.look_up_place(self.tools(region).region, poi_id, at=at).hours.state)
        except PlaceNotFound:
            return "unknown"

    def place(self, region: str | None, poi_id: str) -> PlaceBrief | None:
        try:
            found = self.places(region).get_sync(poi_id)
        except PlaceNotFound:
            return None
        return PlaceBrief(poi_id=found.poi_id, name=found.name, category=found.category, lat=found.lat, lon=found.lon)

    def regions(self) -> list[RegionBrief]:
        default = self.tools(None).region.name  # imports the embedded default region on first use
        rows = sorted(list_regions(self.runtime.engine), key=lambda r: (r.name != default, r.name))
        return [
            RegionBrief(
                name=r.name,
                bounds=(r.min_lon, r.min_lat, r.max_lon, r.max_lat),
                timezone=r.timezone,
                default=r.name == default,
                attribution=r.attribution,
            )
            for r in rows
        ]

    def region_map(self, name: str | None) -> RegionMap:
        tools = self.tools(name)
        key = tools.region.name
        with self._lock:
            cached = self._maps.get(key)
        if cached is None or cached[0] is not tools:  # none yet, or of an earlier import
            drawn = region_map(tools)
            if basemap_path(self.runtime.settings, tools.region) is not None:
                drawn = drawn.model_copy(update={"basemap": True})
            cached = (tools, drawn)
            with self._lock:
                self._maps[key] = cached
        return cached[1]

    def search_places(self, region: str | None, text: str, *, near: LatLon | None, limit: int) -> list[PlaceHit]:
        tools = self.tools(region)
        return search_places(tools.gazetteer, text, near=near, limit=limit) if tools.gazetteer else []

    def alternatives(self, itinerary: Itinerary, index: int, *, limit: int) -> list[Alternative]:
        return stop_alternatives(self.tools(itinerary.region), itinerary, index, limit=limit)

    def chargers(self, request: TripRequest, itinerary: Itinerary, index: int, *, limit: int) -> list[ChargerOption]:
        return charger_options(self.tools(itinerary.region), request, itinerary, index, limit=limit)


def _engine_event(change: TripChange) -> Delay | PlaceClosed | ChargerOut | NewWish | None:
    """The engine's repair event for a change, or None when the change is a new request instead."""
    if change.kind == "delay" and change.minutes:
        return Delay(minutes=max(1, math.ceil(change.minutes)))
    if change.kind == "closure" and change.poi_id:
        return PlaceClosed(poi_id=change.poi_id)
    if change.kind == "charger_broken" and change.poi_id:
        return ChargerOut(poi_id=change.poi_id)
    if change.kind == "wish" and not change.poi_id and change.text:
        meal = meal_in_words(change.text)
        if meal is not None:
            return NewWish(meal=meal)
    return None


def meal_in_words(text: str) -> str | None:
    """The meal a wish in words asks for now ("we are hungry": lunch), or None."""
    words = text.lower()
    return next((m for w, m in _MEALS.items() if w in words), None)


def planned_position(itinerary: Itinerary, now: datetime) -> LatLon:
    """Where the plan puts the car at ``now``: the last stop begun (the start before that)."""
    here = itinerary.stops[0]
    for stop in itinerary.stops[1:]:
        if stop.arrive_at is not None and stop.arrive_at <= now:
            here = stop
    return LatLon(here.lat, here.lon)
