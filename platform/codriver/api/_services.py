"""The service layer: planning, re-planning and publishing for trips, shared by routes and jobs.

:class:`TripService` is also the :class:`~codriver.scheduling.TripOps` of the scheduler,
so a re-plan triggered by a check takes exactly the path of one triggered by an event.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import anyio
from sqlalchemy import Engine
from sqlmodel import select

from codriver.api._cache import TtlCache
from codriver.api._hub import NoticeHub
from codriver.api._limits import Admission, TokenBuckets
from codriver.api._ports import AssistantContext, AssistantPort, TripChange, TripPlanner
from codriver.api._settings import ApiSettings
from codriver.api._titles import trip_title
from codriver.planning import Itinerary, TripRequest, VehicleSpec
from codriver.scheduling import Clock, car_state
from codriver.settings import Settings
from codriver.store import (
    ItineraryRow,
    Preferences,
    Region,
    StaleVersion,
    Trip,
    Vehicle,
    add_notice,
    append_itinerary,
    create_trip,
    latest_itinerary,
    owned_trip,
    owned_vehicle,
    session_scope,
    trip_by_id,
)
from codriver.tools.geo import LatLon
from codriver.tools.home import HomeAutomation

__all__ = ["PlannedTrip", "Services", "TripService", "check_version", "vehicle_spec"]

logger = logging.getLogger(__name__)
VersionHook = Callable[[int], Awaitable[None]]
#: How often a re-plan is planned again when concurrent versions keep coming first.
REPLAN_ATTEMPTS = 3


def vehicle_spec(vehicle: Vehicle, base: VehicleSpec) -> VehicleSpec:
    """The request's vehicle filled from a stored vehicle (its last SoC included)."""
    update: dict[str, Any] = {"powertrain": "ev" if vehicle.powertrain == "ev" else "ice"}
    for name in ("battery_kwh", "consumption_kwh_per_100km", "max_charge_kw"):
        value = getattr(vehicle, name)
        if value is not None:
            update[name] = value
    if vehicle.connectors:
        update["connectors"] = list(vehicle.connectors)
    if vehicle.soc is not None:
        update["soc"] = vehicle.soc
    return VehicleSpec.model_validate({**base.model_dump(), **update})


def check_version(trip: Trip, expected: int | None) -> None:
    """:class:`StaleVersion` when the caller's view of the trip (``expected``) is not its current version."""
    if expected is not None and trip.current_version != expected:
        msg = f"trip {trip.id} is at itinerary version {trip.current_version}, not {expected}: reload it and try again"
        raise StaleVersion(msg, current=trip.current_version)


@dataclass(frozen=True)
class PlannedTrip:
    """A trip with its newest itinerary version."""

    trip: Trip
    row: ItineraryRow | None


class TripService:
    """Plans, re-plans and publishes; every write goes through the data functions."""

    def __init__(
        self,
        engine: Engine,
        *,
        planner: TripPlanner,
        assistant: AssistantPort,
        clock: Clock,
        hub: NoticeHub,
    ) -> None:
        self.engine = engine
        self.planner = planner
        self.assistant = assistant
        self.clock = clock
        self.hub = hub
        self.version_hooks: list[VersionHook] = []
        self._parsed: OrderedDict[tuple[int, int], Itinerary] = OrderedDict()
        self._trip_locks: dict[int, asyncio.Lock] = {}
        self._region_names: dict[int, str] = {}

    # -- TripOps ----------------------------------------------------------------------------
    def publish(self, trip_id: int, kind: str, payload: dict[str, Any], *, dedupe_key: str | None = None) -> None:
        """Store a notice (once per dedupe key) and wake the trip's streams."""
        with session_scope(self.engine) as session:
            _, created = add_notice(session, trip_id=trip_id, kind=kind, payload=payload, dedupe_key=dedupe_key)
        if created:
            self.hub.notify(trip_id)

    def drive_s(self, region: str | None, a: LatLon, b: LatLon) -> float:
        return self.planner.drive_s(region, a, b)

    def hours_state(self, region: str | None, poi_id: str, at: datetime) -> str:
        return self.planner.hours_state(region, poi_id, at)

    async def replan(self, trip_id: int, *, reason: str, change: dict[str, Any]) -> int | None:
        """Re-plan after a change found by a check (the scheduler's entry point)."""
        parsed = TripChange.model_validate(
            {
                "kind": change.get("kind", reason),
                **{k: v for k, v in change.items() if k in TripChange.model_fields and k != "kind"},
            }
        )
        version, _ = await self.apply_change(trip_id, parsed)
        return version

    # -- reading ----------------------------------------------------------------------------
    def itinerary_of(self, row: ItineraryRow) -> Itinerary:
        """The validated itinerary of a stored version (parsed once per process)."""
        key = (row.trip_id, row.version)
        cached = self._parsed.get(key)
        if cached is None:
            cached = Itinerary.model_validate(row.document)
            self._parsed[key] = cached
            if len(self._parsed) > 2048:
                self._parsed.popitem(last=False)
        return cached

    def cached_itinerary(self, trip_id: int, version: int) -> Itinerary | None:
        """The parsed itinerary of a version if this process has read it before."""
        return self._parsed.get((trip_id, version))

    def region_name(self, trip: Trip) -> str | None:
        """The trip's region name (region names never change: cached per process)."""
        if trip.region_id is not None:
            name = self._region_names.get(trip.region_id)
            if name is not None:
                return name
            with session_scope(self.engine) as session:
                region = session.get(Region, trip.region_id)
                if region is not None:
                    self._region_names[trip.region_id] = region.name
                    return region.name
        value = trip.request.get("region")
        return value if isinstance(value, str) else None

    def context(self, trip: Trip | None, user_id: int, *, itinerary: Itinerary | None = None) -> AssistantContext:
        """What the assistant may know (preferences, the trip and the car)."""
        with session_scope(self.engine) as session:
            prefs = session.exec(select(Preferences).where(Preferences.user_id == user_id)).first()
            vehicle = session.get(Vehicle, trip.vehicle_id) if trip is not None and trip.vehicle_id else None
            car = car_state(vehicle)
        request = TripRequest.model_validate(trip.request) if trip is not None and trip.request else None
        return AssistantContext(
            user_id=user_id,
            trip_id=trip.id if trip is not None else None,
            region=self.region_name(trip) if trip is not None else None,
            request=request,
            itinerary=itinerary,
            preferences=prefs.model_dump(mode="json", exclude={"id", "user_id"}) if prefs is not None else {},
            car={k: v for k, v in car.__dict__.items() if v is not None} or None,
            now=self.clock.now(),
        )

    # -- planning ---------------------------------------------------------------------------
    def vehicle(self, user_id: int, vehicle_id: int, base: VehicleSpec | None = None) -> VehicleSpec:
        """The stored vehicle as a request's vehicle, over ``base`` (RecordNotFound for a foreign vehicle)."""
        with session_scope(self.engine) as session:
            vehicle = owned_vehicle(session, user_id=user_id, vehicle_id=vehicle_id)
            return vehicle_spec(vehicle, base or VehicleSpec())

    def prepare(self, user_id: int, request: TripRequest, vehicle_id: int | None) -> TripRequest:
        """The request with the stored vehicle filled in (InputError/RecordNotFound for a foreign vehicle)."""
        if vehicle_id is None:
            return request
        return request.model_copy(update={"vehicle": self.vehicle(user_id, vehicle_id, request.vehicle)})

    async def plan(
        self,
        user_id: int,
        request: TripRequest,
        *,
        title: str | None,
        vehicle_id: int | None,
        trip_id: int | None,
        reason: str = "plan",
        expected_version: int | None = None,
        planned: Itinerary | None = None,
    ) -> PlannedTrip:
        """Plan ``request`` with the engine and store it as a new trip (or a new version of ``trip_id``).

        Re-planning ``trip_id`` with ``expected_version`` stores the plan (and the request
        it answers) only on top of that version: :class:`StaleVersion` (409) when another
        change came first, so no change is silently lost. ``planned`` (the assistant's
        agents' plan of ``request``, which the verifier passed) is stored as it is unless
        the stored vehicle changes the request, which is then planned again.
        """
        asked = request
        request = await anyio.to_thread.run_sync(self.prepare, user_id, request, vehicle_id)
        region_id = await anyio.to_thread.run_sync(self.planner.region_id, request.region)
        if trip_id is not None:
            trip = await anyio.to_thread.run_sync(self._own_trip, user_id, trip_id)
            check_version(trip, expected_version)
        if planned is not None and request == asked and planned.request in (None, request):
            itinerary = planned
        else:
            itinerary = await self.planner.plan(request)
        if itinerary.request is None:
            itinerary = itinerary.model_copy(update={"request": request})
        payload = request.model_dump(mode="json")
        if trip_id is not None:
            values: dict[str, Any] = {"request": payload, "region_id": region_id}
            values.update({k: v for k, v in (("vehicle_id", vehicle_id), ("title", title)) if v})
            row = await self.store_version(
                trip_id, itinerary, reason=reason, expected_version=expected_version, trip_values=values
            )
            return PlannedTrip(await anyio.to_thread.run_sync(self.load_trip, trip_id), row)

        def store() -> int:
            with session_scope(self.engine) as session:
                name = title or trip_title(request, itinerary)
                trip = create_trip(
                    session, user_id=user_id, title=name, request=payload, vehicle_id=vehicle_id, region_id=region_id
                )
                assert trip.id is not None
                return trip.id

        new_id = await anyio.to_thread.run_sync(store)
        row = await self.store_version(new_id, itinerary, reason=reason)
        trip = await anyio.to_thread.run_sync(self.load_trip, new_id)
        return PlannedTrip(trip, row)

    def _own_trip(self, user_id: int, trip_id: int) -> Trip:
        with session_scope(self.engine) as session:
            return owned_trip(session, user_id=user_id, trip_id=trip_id)

    def load_trip(self, trip_id: int) -> Trip:
        with session_scope(self.engine) as session:
            return trip_by_id(session, trip_id=trip_id)

    async def store_version(
        self,
        trip_id: int,
        itinerary: Itinerary,
        *,
        reason: str,
        expected_version: int | None = None,
        trip_values: dict[str, Any] | None = None,
    ) -> ItineraryRow:
        """Append an itinerary version, push it to the trip's listeners and reschedule its jobs."""
        document = itinerary.model_dump(mode="json")
        row = await anyio.to_thread.run_sync(
            lambda: append_itinerary(
                self.engine,
                trip_id=trip_id,
                document=document,
                status=itinerary.status,
                reason=reason,
                expected_version=expected_version,
                trip_values=trip_values,
            )
        )
        payload = {"version": row.version, "status": row.status, "reason": reason, "itinerary": document}
        await anyio.to_thread.run_sync(
            lambda: self.publish(trip_id, "itinerary", payload, dedupe_key=f"itinerary:v{row.version}")
        )
        for hook in self.version_hooks:
            try:
                await hook(trip_id)
            except Exception:  # a scheduling hiccup must not lose the stored plan
                logger.exception("trip %s: scheduling after version %s failed", trip_id, row.version)
        return row

    async def apply_change(self, trip_id: int, change: TripChange) -> tuple[int | None, str]:
        """Re-plan the trip for ``change``: the assistant reads it, the engine plans; (new version, explanation).

        The new version is stored only on top of the version it was planned from; when
        another process (the scheduler, another worker) stored one first, the change is
        planned again on the newer version (at most :data:`REPLAN_ATTEMPTS` times).
        """
        lock = self._trip_locks.setdefault(trip_id, asyncio.Lock())
        async with lock:
            for attempt in range(REPLAN_ATTEMPTS):
                try:
                    return await self._apply_once(trip_id, change)
                except StaleVersion:
                    if attempt == REPLAN_ATTEMPTS - 1:
                        raise
                    logger.info("trip %s: a concurrent version came first; planning %s again", trip_id, change.kind)
            raise AssertionError  # unreachable: the last attempt returns or raises

    async def _apply_once(self, trip_id: int, change: TripChange) -> tuple[int | None, str]:
        trip = await anyio.to_thread.run_sync(self.load_trip, trip_id)
        row = await anyio.to_thread.run_sync(self.load_latest, trip_id)
        if row is None or not trip.request:
            return None, "the trip has no plan yet"
        current = self.itinerary_of(row)
        context = await anyio.to_thread.run_sync(lambda: self.context(trip, trip.user_id, itinerary=current))
        change, explanation = await self.assistant.replan(change, context)
        # A wish builds on the request the current version answers: it holds the wishes of earlier
        # events, which the trip's own request (set only by the traveller's edits) does not. A delay,
        # a closure or a broken charger repairs the trip's own request: the current version's is a
        # mid-trip one (starting where the car was), and repairing from it had planned a park visited
        # before again and lost the trip's end (the family-ev-museums scenario over HTTP).
        own = TripRequest.model_validate(trip.request)
        request = current.request if current.request is not None and change.kind == "wish" else own
        car = context.car or {}
        position = LatLon(car["lat"], car["lon"]) if "lat" in car and "lon" in car else None
        if change.planned is not None:  # the agents re-planned it already (verified): stored as it is
            itinerary = change.planned
        else:
            itinerary = await self.planner.replan(request, current, change, car=position, now=self.clock.now())
        if itinerary.request is None:
            itinerary = itinerary.model_copy(update={"request": request})
        reason = f"{change.kind}: {explanation}"[:500]
        stored = await self.store_version(trip_id, itinerary, reason=reason, expected_version=row.version)
        return stored.version, explanation

    def load_latest(self, trip_id: int) -> ItineraryRow | None:
        with session_scope(self.engine) as session:
            return latest_itinerary(session, trip_id=trip_id)


@dataclass
class Services:
    """Everything the routes use, built once per app (tests build it with fakes)."""

    engine: Engine
    settings: Settings
    api: ApiSettings
    planner: TripPlanner
    assistant: AssistantPort
    home: HomeAutomation | None
    clock: Clock
    hub: NoticeHub
    buckets: TokenBuckets
    trips: TripService
    auth_cache: TtlCache[Any] = field(default_factory=lambda: TtlCache(ttl_s=2.0))
    admission: Admission = field(default_factory=lambda: Admission(limit=24, wait_s=2.0))
    #: failed sign-ins per e-mail address and per client address (guessing protection)
    sign_in_failures: TokenBuckets = field(default_factory=lambda: TokenBuckets(rate=1 / 6, burst=10))
    background: set[asyncio.Task[Any]] = field(default_factory=set)
    extras: dict[str, Any] = field(default_factory=dict)
