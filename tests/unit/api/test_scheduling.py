"""Trip actions: what is planned when, and carrying them out exactly once (fixed clock, fakes)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from api_fakes import FakePlanner, drive_s
from sqlalchemy import Engine
from sqlmodel import Session, select

from codriver.api._ports import TripChange
from codriver.planning import Itinerary, Location, TripRequest, VehicleSpec
from codriver.scheduling import (
    ActionRunner,
    FixedClock,
    HomeActionSpec,
    SchedulerConfig,
    VehiclePresets,
    WarpClock,
    parse_warp,
    plan_actions,
)
from codriver.settings import Settings
from codriver.store import (
    Preferences,
    QueuedCommand,
    Trip,
    TripAction,
    TripNotice,
    User,
    Vehicle,
    add_notice,
    append_itinerary,
    make_engine,
    migrate,
    session_scope,
)
from codriver.tools.geo import LatLon
from codriver.tools.home import InMemoryHome, climate_device

DEPART = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _itinerary(**request: Any) -> Itinerary:
    body = TripRequest(
        origin=Location(lat=60.1699, lon=24.9384, name="Home"),
        depart_at=DEPART,
        return_by=DEPART + timedelta(hours=6),
        must_visit=["osm:node/1", "osm:node/6"],
        vehicle=VehicleSpec(powertrain="ev", battery_kwh=60, consumption_kwh_per_100km=18, soc=0.8),
        **request,
    )
    return asyncio.run(FakePlanner().plan(body))


def test_plan_actions_times_and_keys() -> None:
    itinerary = _itinerary()
    arrive = itinerary.stops[-1].arrive_at
    assert arrive is not None
    presets = VehiclePresets(driver_seat="anna", driver_climate="eco", cabin_target_c=22)
    home = [HomeActionSpec(entity_id="climate.home", temperature_c=21, minutes_before_arrival=30)]
    actions = {a.key: a for a in plan_actions(itinerary, presets=presets, home=home, config=SchedulerConfig())}
    assert list(actions) == [
        "precondition",
        "reminder",
        "climate_preset",
        "seat_preset",
        "home:climate.home",
        "summary",
    ]
    assert actions["precondition"].run_at == DEPART - timedelta(minutes=60)
    assert actions["precondition"].params == {"target_c": 22.0, "ready_at": DEPART.isoformat()}
    assert actions["seat_preset"].run_at == DEPART - timedelta(minutes=5)
    assert actions["home:climate.home"].run_at == arrive - timedelta(minutes=30)
    assert actions["summary"].run_at == arrive + timedelta(minutes=10)
    no_car = plan_actions(itinerary, presets=None, home=[], config=SchedulerConfig())
    assert [a.key for a in no_car] == ["reminder", "summary"]


def test_warp_clock_maps_both_ways() -> None:
    wall = datetime(2026, 1, 1, tzinfo=UTC)
    clock = WarpClock(DEPART, speed=60, wall_origin=wall)
    assert clock.to_wall(DEPART + timedelta(hours=1)) == wall + timedelta(minutes=1)
    again = parse_warp(f"{DEPART.isoformat()}@{wall.isoformat()}x60")
    assert again.to_wall(DEPART + timedelta(minutes=30)) == wall + timedelta(seconds=30)
    with pytest.raises(ValueError, match="xSPEED"):
        parse_warp("2026-06-01T09:00+00:00")


@dataclass
class FakeOps:
    """The scheduler's view of the service: records publishes and re-plans."""

    engine: Engine
    published: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    replans: list[tuple[int, str]] = field(default_factory=list)
    closed: set[str] = field(default_factory=set)

    def publish(self, trip_id: int, kind: str, payload: dict[str, Any], *, dedupe_key: str | None = None) -> None:
        with session_scope(self.engine) as session:
            _, created = add_notice(session, trip_id=trip_id, kind=kind, payload=payload, dedupe_key=dedupe_key)
        if created:
            self.published.append((kind, payload))

    async def replan(self, trip_id: int, *, reason: str, change: dict[str, Any]) -> int | None:
        self.replans.append((trip_id, reason))
        return None

    def drive_s(self, region: str | None, a: LatLon, b: LatLon) -> float:
        return drive_s(a, b)

    def hours_state(self, region: str | None, poi_id: str, at: datetime) -> str:
        return "closed" if poi_id in self.closed else "open"


@dataclass
class World:
    engine: Engine
    trip_id: int
    vehicle_id: int
    itinerary: Itinerary
    clock: FixedClock
    home: InMemoryHome
    ops: FakeOps
    runner: ActionRunner


@pytest.fixture
def world(settings: Settings) -> World:
    engine = make_engine(settings.effective_database_url)
    migrate(engine)
    itinerary = _itinerary()
    with session_scope(engine) as session:
        user = User(email="ann@example.org")
        session.add(user)
        session.flush()
        assert user.id is not None
        vehicle = Vehicle(
            user_id=user.id,
            name="Ioniq",
            powertrain="ev",
            battery_kwh=60,
            presets={"driver_seat": "anna", "seat": ["anna"]},
            outside_c=-10.0,
        )
        session.add(vehicle)
        session.add(
            Preferences(
                user_id=user.id,
                home_actions=[{"entity_id": "climate.home", "temperature_c": 21, "hvac_mode": "heat"}],
            )
        )
        session.flush()
        assert vehicle.id is not None
        trip = Trip(
            user_id=user.id, vehicle_id=vehicle.id, title="Day", request=itinerary.request.model_dump(mode="json")
        )  # type: ignore[union-attr]
        session.add(trip)
        session.flush()
        assert trip.id is not None
        trip_id, vehicle_id = trip.id, vehicle.id
    append_itinerary(
        engine, trip_id=trip_id, document=itinerary.model_dump(mode="json"), status="feasible", reason="plan"
    )
    clock = FixedClock(DEPART - timedelta(hours=2))
    home = InMemoryHome([climate_device("climate.home", current_c=15.0)], clock=clock.now)
    ops = FakeOps(engine)
    runner = ActionRunner(engine, clock=clock, ops=ops, home=home)
    return World(engine, trip_id, vehicle_id, itinerary, clock, home, ops, runner)


def _ledger(engine: Engine) -> dict[str, str]:
    with Session(engine) as session:
        return {a.action: a.status for a in session.exec(select(TripAction)).all()}


def test_actions_happen_once_whatever_the_number_of_runs(world: World) -> None:
    world.clock.set(DEPART - timedelta(minutes=60))
    assert asyncio.run(world.runner.run(world.trip_id, "precondition")) == "done"
    assert asyncio.run(world.runner.run(world.trip_id, "precondition")) == "already"
    with Session(world.engine) as session:
        commands = session.exec(select(QueuedCommand)).all()
    assert len(commands) == 1
    command = commands[0].command
    assert command["kind"] == "precondition_cabin"
    assert command["ready_at"].startswith("2026-06-01T09:00")
    # -10 °C outside to 21 °C: the lead-time model starts about 24 min before departure
    start = datetime.fromisoformat(command["start_at"])
    assert timedelta(minutes=20) < DEPART - start < timedelta(minutes=30)
    assert asyncio.run(world.runner.run(world.trip_id, "seat_preset")) == "done"
    assert [k for k, _ in world.ops.published] == ["command", "command"]
    assert _ledger(world.engine) == {"precondition": "done", "seat_preset": "done"}


def test_home_action_before_arrival_and_summary_after(world: World) -> None:
    arrive = world.itinerary.stops[-1].arrive_at
    assert arrive is not None
    world.clock.set(arrive - timedelta(minutes=30))
    assert asyncio.run(world.runner.run(world.trip_id, "home:climate.home")) == "done"
    assert asyncio.run(world.runner.run(world.trip_id, "home:climate.home")) == "already"
    assert [(a.action, a.entity_id, a.data["temperature_c"]) for a in world.home.actions] == [
        ("set_climate", "climate.home", 21)
    ]
    world.clock.set(arrive + timedelta(minutes=10))
    assert asyncio.run(world.runner.run(world.trip_id, "summary")) == "done"
    kinds = [k for k, _ in world.ops.published]
    assert kinds == ["home", "summary", "feedback_request"]
    with Session(world.engine) as session:
        assert session.get(Trip, world.trip_id).status == "done"  # type: ignore[union-attr]


def test_late_pre_departure_actions_are_skipped_not_done(world: World) -> None:
    world.clock.set(DEPART + timedelta(hours=1))
    assert asyncio.run(world.runner.run(world.trip_id, "precondition")) == "skipped"
    assert asyncio.run(world.runner.run(world.trip_id, "reminder")) == "skipped"
    with Session(world.engine) as session:
        assert session.exec(select(QueuedCommand)).all() == []
        assert session.exec(select(TripNotice).where(TripNotice.kind == "reminder")).all() == []
    assert _ledger(world.engine) == {"precondition": "skipped", "reminder": "skipped"}


def test_a_failed_home_action_is_recorded_and_alerted(world: World) -> None:
    runner = ActionRunner(world.engine, clock=world.clock, ops=world.ops, home=None)
    world.clock.set(world.itinerary.stops[-1].arrive_at - timedelta(minutes=30))  # type: ignore[operator]
    assert asyncio.run(runner.run(world.trip_id, "home:climate.home")) == "failed"
    assert world.ops.published[-1][0] == "alert"
    assert "home automation" in world.ops.published[-1][1]["message"]


def test_checks_replan_once_per_cause_and_version(world: World) -> None:
    world.ops.closed.add("osm:node/1")
    world.clock.set(DEPART + timedelta(seconds=30))
    assert asyncio.run(world.runner.check(world.trip_id)) == ["closed:osm:node/1"]
    assert asyncio.run(world.runner.check(world.trip_id)) == []
    assert world.ops.replans == [(world.trip_id, "closure")]
    # the car reports a much lower SoC than planned: one more re-plan
    with session_scope(world.engine) as session:
        vehicle = session.get(Vehicle, world.vehicle_id)
        assert vehicle is not None
        vehicle.soc = 0.3
    assert asyncio.run(world.runner.check(world.trip_id)) == ["soc"]
    assert world.ops.replans[-1] == (world.trip_id, "soc_below_plan")


def test_soc_on_plan_triggers_nothing(world: World) -> None:
    with session_scope(world.engine) as session:
        vehicle = session.get(Vehicle, world.vehicle_id)
        assert vehicle is not None
        vehicle.soc = 0.79
    world.clock.set(DEPART + timedelta(seconds=30))
    assert asyncio.run(world.runner.check(world.trip_id)) == []


def test_trip_change_from_a_check_is_a_valid_change() -> None:
    assert TripChange(kind="soc_below_plan", soc=0.3).soc == 0.3
