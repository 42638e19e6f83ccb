"""Carrying out a trip's actions exactly once, and checking a running trip.

The ledger (``tripaction``, unique per trip and action key) is the source of truth: an
action recorded there is never carried out again. The effects themselves are idempotent
too (commands and notices carry keys derived from the action, home actions set a state),
so a crash between the effect and the record repeats nothing visible.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import anyio
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import col, select

from codriver.errors import CodriverError, InputError
from codriver.planning import Itinerary
from codriver.scheduling._clock import Clock
from codriver.scheduling._plan import (
    HomeActionSpec,
    PlannedAction,
    SchedulerConfig,
    VehiclePresets,
    plan_actions,
)
from codriver.scheduling._progress import CarState, planned_soc, trip_progress
from codriver.store import (
    DbVehicleCommands,
    Preferences,
    Region,
    Trip,
    TripAction,
    Vehicle,
    latest_itinerary,
    record_action,
    session_scope,
)
from codriver.tools.geo import LatLon
from codriver.tools.home import HomeAutomation
from codriver.tools.vehicle import CabinPrecondition, ClimatePreset, SeatPreset, precondition_start_at

__all__ = ["ActionRunner", "TripOps", "TripSnapshot", "car_state", "load_snapshot"]

logger = logging.getLogger(__name__)

#: SoC this far below the plan (fraction) triggers a re-plan.
SOC_TOLERANCE = 0.05


class TripOps(Protocol):
    """What the scheduler needs from the rest of the service."""

    def publish(self, trip_id: int, kind: str, payload: dict[str, Any], *, dedupe_key: str | None = None) -> None:
        """Store a notice for the trip's listeners and wake them."""
        ...

    async def replan(self, trip_id: int, *, reason: str, change: dict[str, Any]) -> int | None:
        """Re-plan the trip from where the car is; the new itinerary version (None: nothing changed)."""
        ...

    def drive_s(self, region: str | None, a: LatLon, b: LatLon) -> float:
        """Seconds of driving from ``a`` to ``b``."""
        ...

    def hours_state(self, region: str | None, poi_id: str, at: datetime) -> str:
        """``open``, ``closed`` or ``unknown`` for a catalogue place at an instant."""
        ...


@dataclass(frozen=True)
class TripSnapshot:
    """A trip with what its actions depend on, read in one transaction."""

    trip_id: int
    status: str
    version: int
    region: str | None
    itinerary: Itinerary | None
    vehicle_id: int | None
    presets: VehiclePresets | None
    car: CarState
    battery_kwh: float | None
    home: list[HomeActionSpec]
    done: frozenset[str]


def car_state(vehicle: Vehicle | None) -> CarState:
    """The last reported state of a stored vehicle (empty without one)."""
    if vehicle is None:
        return CarState()
    return CarState(
        lat=vehicle.lat,
        lon=vehicle.lon,
        soc=vehicle.soc,
        fuel_level=vehicle.fuel_level,
        speed_kph=vehicle.speed_kph,
        outside_c=vehicle.outside_c,
        at=vehicle.state_at,
    )


def load_snapshot(engine: Engine, trip_id: int) -> TripSnapshot | None:
    """The trip's current state, or None when it no longer exists."""
    with session_scope(engine) as session:
        trip = session.get(Trip, trip_id)
        if trip is None:
            return None
        row = latest_itinerary(session, trip_id=trip_id)
        itinerary = Itinerary.model_validate(row.document) if row is not None else None
        vehicle = session.get(Vehicle, trip.vehicle_id) if trip.vehicle_id is not None else None
        region = session.get(Region, trip.region_id) if trip.region_id is not None else None
        prefs = session.exec(select(Preferences).where(Preferences.user_id == trip.user_id)).first()
        done = session.exec(select(TripAction.action).where(col(TripAction.trip_id) == trip_id)).all()
        home = []
        for raw in prefs.home_actions if prefs is not None else []:
            try:
                home.append(HomeActionSpec.model_validate(raw))
            except ValidationError:
                logger.warning("trip %s: ignoring an invalid home action %r", trip_id, raw)
        presets = None
        car = car_state(vehicle)
        if vehicle is not None:
            presets = VehiclePresets.model_validate(vehicle.presets or {})
        return TripSnapshot(
            trip_id=trip_id,
            status=trip.status,
            version=trip.current_version,
            region=region.name if region is not None else trip.request.get("region"),
            itinerary=itinerary,
            vehicle_id=vehicle.id if vehicle is not None else None,
            presets=presets,
            car=car,
            battery_kwh=vehicle.battery_kwh if vehicle is not None and vehicle.powertrain == "ev" else None,
            home=home,
            done=frozenset(done),
        )


class ActionRunner:
    """Runs the actions of :func:`~codriver.scheduling._plan.plan_actions` and the periodic checks."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock,
        ops: TripOps,
        home: HomeAutomation | None,
        config: SchedulerConfig | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.ops = ops
        self.home = home
        self.config = config or SchedulerConfig()
        self.commands = DbVehicleCommands(engine, clock=clock.now)

    def planned(self, snapshot: TripSnapshot) -> list[PlannedAction]:
        """The trip's actions per its current itinerary."""
        if snapshot.itinerary is None:
            return []
        return plan_actions(snapshot.itinerary, presets=snapshot.presets, home=snapshot.home, config=self.config)

    async def run(self, trip_id: int, key: str) -> str:
        """Carry out action ``key`` of the trip unless it is done; returns done|skipped|already|gone|failed."""
        snapshot = await anyio.to_thread.run_sync(load_snapshot, self.engine, trip_id)
        if snapshot is None:
            return "gone"
        if key in snapshot.done:
            return "already"
        action = next((a for a in self.planned(snapshot) if a.key == key), None)
        now = self.clock.now()
        if action is None or snapshot.status in {"cancelled", "draft"}:
            return await self._record(trip_id, key, "skipped", {"why": f"trip is {snapshot.status} or has no {key}"})
        late = self._too_late(action, snapshot, now)
        if late:
            return await self._record(trip_id, key, "skipped", {"why": late})
        try:
            detail = await self._do(action, snapshot)
        except CodriverError as exc:
            logger.warning("trip %s action %s failed: %s", trip_id, key, exc)
            self.ops.publish(trip_id, "alert", {"action": key, "message": str(exc)}, dedupe_key=f"failed:{key}")
            return await self._record(trip_id, key, "failed", {"error": str(exc)})
        return await self._record(trip_id, key, "done", detail)

    def _too_late(self, action: PlannedAction, snapshot: TripSnapshot, now: datetime) -> str | None:
        assert snapshot.itinerary is not None
        grace = timedelta(minutes=self.config.late_grace_min)
        depart = snapshot.itinerary.stops[0].depart_at
        if (
            action.kind in {"precondition", "seat_preset", "climate_preset", "reminder"}
            and depart
            and now > depart.astimezone(UTC) + grace
        ):
            return f"departure {depart.isoformat()} has passed"
        arrive = snapshot.itinerary.stops[-1].arrive_at
        if action.kind == "home" and arrive is not None and now > arrive.astimezone(UTC) + 3 * grace:
            return f"arrival {arrive.isoformat()} has passed"
        return None

    async def _record(self, trip_id: int, key: str, status: str, detail: dict[str, Any]) -> str:
        at = self.clock.now()
        fresh = await anyio.to_thread.run_sync(
            lambda: record_action(self.engine, trip_id=trip_id, action=key, status=status, detail=detail, at=at)
        )
        return status if fresh else "already"

    async def _do(self, action: PlannedAction, snapshot: TripSnapshot) -> dict[str, Any]:
        trip_id, params = snapshot.trip_id, action.params
        if action.kind == "reminder":
            self.ops.publish(trip_id, "reminder", params, dedupe_key="reminder")
            return params
        if action.kind == "summary":
            return await self._summary(snapshot)
        if action.kind == "home":
            spec = HomeActionSpec.model_validate({k: v for k, v in params.items() if k != "arrive_at"})
            return await self._home(snapshot, spec)
        assert snapshot.vehicle_id is not None
        command: CabinPrecondition | SeatPreset | ClimatePreset
        if action.kind == "precondition":
            ready_at = datetime.fromisoformat(params["ready_at"])
            outside = snapshot.car.outside_c
            start_at = None
            if outside is not None:
                start_at = precondition_start_at(ready_at, outside, float(params["target_c"]))
            command = CabinPrecondition(target_c=float(params["target_c"]), ready_at=ready_at, start_at=start_at)
        elif action.kind == "seat_preset":
            command = SeatPreset(preset=params["preset"])
        else:
            command = ClimatePreset(preset=params["preset"])
        vehicle_id = snapshot.vehicle_id
        key = f"trip-{trip_id}-{action.key}"
        try:
            row = await anyio.to_thread.run_sync(
                lambda: self.commands.queue(vehicle_id, command, key=key, trip_id=trip_id)
            )
        except InputError as exc:
            if exc.field != "idempotency_key":
                raise
            return {"note": "queued before (different content)", "key": key}
        detail = {"command_id": row.id, "key": key, "command": row.command}
        self.ops.publish(trip_id, "command", detail, dedupe_key=f"command:{action.key}")
        return detail

    async def _home(self, snapshot: TripSnapshot, spec: HomeActionSpec) -> dict[str, Any]:
        if self.home is None:
            msg = "no home automation is configured (set CODRIVER_EXTERNAL__HOME_ASSISTANT_URL)"
            raise InputError(msg, field="home_actions")
        if spec.action == "set_climate":
            temperature = spec.temperature_c if spec.temperature_c is not None else 21.0
            changed = await self.home.set_climate(spec.entity_id, temperature, spec.hvac_mode)
        elif spec.action == "turn_on":
            changed = await self.home.turn_on(spec.entity_id)
        else:
            changed = await self.home.turn_off(spec.entity_id)
        detail = {**spec.model_dump(mode="json"), "changed": [s.entity_id for s in changed]}
        self.ops.publish(snapshot.trip_id, "home", detail, dedupe_key=f"home:{spec.entity_id}")
        return detail

    async def _summary(self, snapshot: TripSnapshot) -> dict[str, Any]:
        assert snapshot.itinerary is not None
        totals = snapshot.itinerary.totals.model_dump(mode="json")
        visited = [s.name for s in snapshot.itinerary.stops[1:-1]]
        summary = {"version": snapshot.version, "totals": totals, "stops": visited}
        self.ops.publish(snapshot.trip_id, "summary", summary, dedupe_key="summary")
        self.ops.publish(
            snapshot.trip_id,
            "feedback_request",
            {
                "message": "How was the trip? Rate it with POST /v1/trips/{id}/feedback.".replace(
                    "{id}", str(snapshot.trip_id)
                )
            },
            dedupe_key="feedback_request",
        )
        await anyio.to_thread.run_sync(self._finish, snapshot.trip_id)
        return summary

    def _finish(self, trip_id: int) -> None:
        with session_scope(self.engine) as session:
            trip = session.get(Trip, trip_id)
            if trip is not None and trip.status in {"planned", "active"}:
                trip.status = "done"
                trip.updated_at = self.clock.now()
                session.add(trip)

    async def check(self, trip_id: int) -> list[str]:
        """Check a running trip: the next stop open at the ETA, SoC not below plan; re-plan once per cause.

        Returns the causes found (each re-plans at most once per itinerary version).
        """
        snapshot = await anyio.to_thread.run_sync(load_snapshot, self.engine, trip_id)
        if snapshot is None or snapshot.itinerary is None or snapshot.status not in {"planned", "active"}:
            return []
        itinerary, now, region = snapshot.itinerary, self.clock.now(), snapshot.region
        progress = trip_progress(itinerary, snapshot.car, now, lambda a, b: self.ops.drive_s(region, a, b))
        causes: list[tuple[str, dict[str, Any]]] = []
        stop = progress.stop
        if stop is not None and stop.poi_id and stop.kind in {"visit", "meal"} and progress.eta is not None:
            # in a worker thread: the hours may be looked up on Overpass (bootstrap.Runtime.look_up_place)
            state = await anyio.to_thread.run_sync(self.ops.hours_state, region, stop.poi_id, progress.eta)
            if state == "closed":
                causes.append(
                    (
                        f"closed:{stop.poi_id}",
                        {"kind": "closure", "poi_id": stop.poi_id, "eta": progress.eta.isoformat(), "name": stop.name},
                    )
                )
        if snapshot.battery_kwh and snapshot.car.soc is not None and progress.index is not None:
            start_soc = itinerary.request.vehicle.soc if itinerary.request is not None else 1.0
            plan = planned_soc(itinerary, snapshot.battery_kwh, start_soc)
            expected = plan[progress.index]
            previous = plan[progress.index - 1]
            # Between the last stop and the next the car may be anywhere from `previous` to
            # `expected`: below `expected` by more than the tolerance means it uses more than planned.
            if snapshot.car.soc < min(expected, previous) - SOC_TOLERANCE:
                causes.append(
                    (
                        "soc",
                        {"kind": "soc_below_plan", "soc": snapshot.car.soc, "planned_soc": expected},
                    )
                )
        found = []
        for cause, change in causes:
            key = f"check:{cause}:v{snapshot.version}"
            if key in snapshot.done:
                continue
            if await self._record(trip_id, key, "done", change) != "done":
                continue
            found.append(cause)
            self.ops.publish(trip_id, "alert", change, dedupe_key=key)
            await self.ops.replan(trip_id, reason=change["kind"], change=change)
        return found
