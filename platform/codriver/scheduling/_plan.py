"""Which actions a trip needs, and when: a pure function of its itinerary and settings.

Before departure: cabin preconditioning (queued early, with the start time from the
lead-time model), the driver's seat and climate presets, a departure reminder. During
the trip: periodic checks. After: home actions N minutes before the arrival, then the
trip summary with a feedback request. Each action has a stable key: the scheduler's job
ID and the ledger's record are derived from it, so re-planning moves an action that has
not happened yet and never repeats one that has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from codriver.planning import Itinerary

__all__ = ["ActionKind", "HomeActionSpec", "PlannedAction", "SchedulerConfig", "VehiclePresets", "plan_actions"]

ActionKind = Literal["precondition", "seat_preset", "climate_preset", "reminder", "home", "summary"]


class SchedulerConfig(BaseModel):
    """Lead times (minutes) of the trip actions."""

    model_config = ConfigDict(frozen=True)

    precondition_queue_min: float = Field(
        default=60.0, gt=0, description="queue the preconditioning command this long before departure"
    )
    presets_lead_min: float = Field(default=5.0, ge=0, description="apply seat/climate presets before departure")
    reminder_lead_min: float = Field(default=15.0, ge=0, description="departure reminder before departure")
    check_interval_min: float = Field(default=5.0, gt=0, description="how often a running trip is checked")
    summary_after_min: float = Field(default=10.0, ge=0, description="trip summary after the planned arrival")
    late_grace_min: float = Field(default=10.0, ge=0, description="a pre-departure action later than this is skipped")
    default_cabin_c: float = Field(default=21.0, ge=15, le=30, description="cabin target when the car has none")


class VehiclePresets(BaseModel):
    """What a vehicle's ``presets`` JSON may hold."""

    model_config = ConfigDict(extra="allow")

    seat: list[str] = Field(default_factory=list, description="seat presets stored in the car")
    climate: list[str] = Field(default_factory=list, description="climate presets stored in the car")
    driver_seat: str | None = Field(default=None, description="seat preset to apply before departure")
    driver_climate: str | None = Field(default=None, description="climate preset to apply before departure")
    cabin_target_c: float | None = Field(default=None, ge=15, le=30, description="precondition target, °C")
    precondition: bool = Field(default=True, description="precondition the cabin before departure")


class HomeActionSpec(BaseModel):
    """A home device to switch before arriving home."""

    model_config = ConfigDict(extra="forbid")

    entity_id: str = Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$", description="Home Assistant entity, e.g. climate.home")
    action: Literal["set_climate", "turn_on", "turn_off"] = "set_climate"
    temperature_c: float | None = Field(default=None, ge=5, le=35, description="for set_climate, °C")
    hvac_mode: str | None = Field(default=None, max_length=16, description="for set_climate, e.g. heat")
    minutes_before_arrival: float = Field(default=30.0, ge=0, le=240)


@dataclass(frozen=True)
class PlannedAction:
    """One action at one service time; ``params`` are plain JSON values."""

    key: str
    kind: ActionKind
    run_at: datetime
    params: dict[str, Any] = field(default_factory=dict)


def plan_actions(
    itinerary: Itinerary,
    *,
    presets: VehiclePresets | None,
    home: list[HomeActionSpec],
    config: SchedulerConfig,
) -> list[PlannedAction]:
    """The actions of a trip, ordered by time (empty when the plan has no times).

    ``presets`` is None for a trip without a vehicle: no car commands then.
    """
    stops = itinerary.stops
    if len(stops) < 2 or stops[0].depart_at is None or stops[-1].arrive_at is None:
        return []
    depart, arrive = stops[0].depart_at, stops[-1].arrive_at
    minutes = timedelta(minutes=1)
    # Lead times are real minutes: count them in UTC (a zone's wall clock jumps at DST).
    at_depart, at_arrive = depart.astimezone(UTC), arrive.astimezone(UTC)
    out: list[PlannedAction] = []
    if presets is not None:
        if presets.precondition:
            target = presets.cabin_target_c or config.default_cabin_c
            out.append(
                PlannedAction(
                    "precondition",
                    "precondition",
                    at_depart - config.precondition_queue_min * minutes,
                    {"target_c": target, "ready_at": depart.isoformat()},
                )
            )
        lead = at_depart - config.presets_lead_min * minutes
        if presets.driver_seat:
            out.append(PlannedAction("seat_preset", "seat_preset", lead, {"preset": presets.driver_seat}))
        if presets.driver_climate:
            out.append(PlannedAction("climate_preset", "climate_preset", lead, {"preset": presets.driver_climate}))
    out.append(
        PlannedAction(
            "reminder",
            "reminder",
            at_depart - config.reminder_lead_min * minutes,
            {"depart_at": depart.isoformat(), "first_stop": stops[1].name},
        )
    )
    out.extend(
        PlannedAction(
            f"home:{spec.entity_id}",
            "home",
            at_arrive - spec.minutes_before_arrival * minutes,
            {**spec.model_dump(mode="json"), "arrive_at": arrive.isoformat()},
        )
        for spec in home
    )
    out.append(PlannedAction("summary", "summary", at_arrive + config.summary_after_min * minutes, {}))
    return sorted(out, key=lambda a: (a.run_at, a.key))


def check_window(itinerary: Itinerary) -> tuple[datetime, datetime] | None:
    """From departure to the planned arrival: when periodic checks run."""
    stops = itinerary.stops
    if len(stops) < 2 or stops[0].depart_at is None or stops[-1].arrive_at is None:
        return None
    return stops[0].depart_at, stops[-1].arrive_at
