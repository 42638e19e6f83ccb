"""The multi-day parts of a request and of an itinerary: day windows, overnight wishes, nights.

Pure pydantic models (no engine imports): :class:`~codriver.planning.TripRequest` and
:class:`~codriver.planning.Itinerary` carry them. Times of day are wall-clock times of the
region's zone; state of charge is a fraction 0..1; money in the request's currency.
"""

from __future__ import annotations

import datetime as dt
from datetime import time
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

__all__ = ["DAY_END", "DAY_START", "MAX_DAYS", "STAY_KINDS", "DayWindow", "Night", "Overnight", "StayKind"]

#: The default window of a day between two nights (the first day starts at depart_at, the last ends at return_by).
DAY_START = time(9, 0)
DAY_END = time(19, 0)
#: The longest trip planned, in calendar days.
MAX_DAYS = 14

StayKind = Literal["hotel", "guest_house", "hostel", "motel", "camp_site", "caravan_site"]
#: Every kind of overnight stay, as OSM tags it (tourism=*).
STAY_KINDS: tuple[StayKind, ...] = ("hotel", "guest_house", "hostel", "motel", "camp_site", "caravan_site")


class DayWindow(BaseModel):
    """One day's own window or must-visits, overriding the defaults (09:00-19:00, must-visits spread)."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date = Field(description="the local date this day is on")
    start: time | None = Field(default=None, description="leave the night's stay at; default 09:00")
    end: time | None = Field(default=None, description="arrive at the night's stay by; default 19:00")
    must_visit: list[str] = Field(
        default_factory=list, max_length=20, description="must-visits (of the request's) to make on this day"
    )

    @model_validator(mode="after")
    def _ordered(self) -> DayWindow:
        if self.start is not None and self.end is not None and self.end <= self.start:
            msg = f"day {self.date}: end {self.end} must be after start {self.start}"
            raise ValueError(msg)
        return self


class Overnight(BaseModel):
    """How the nights of a multi-day trip are spent."""

    model_config = ConfigDict(extra="forbid")

    kinds: list[StayKind] = Field(
        default_factory=lambda: list(STAY_KINDS), min_length=1, description="kinds of stay acceptable"
    )
    max_per_night: float | None = Field(default=None, ge=0, description="most a night may cost the party")
    charge_to_soc: float = Field(
        default=0.9, ge=0.1, le=1.0, description="EV: leave each morning charged to this (when the night allows)"
    )


class Night(BaseModel):
    """A night between two days: where, when, what it costs and what the car charges there."""

    model_config = ConfigDict(extra="ignore")

    date: dt.date = Field(description="the local date of the evening")
    poi_id: str = Field(description="catalogue ID of the stay")
    name: str
    kind: str = Field(description="hotel, guest_house, hostel, motel, camp_site or caravan_site")
    lat: float
    lon: float
    arrive_at: AwareDatetime
    depart_at: AwareDatetime
    cost: float = Field(default=0.0, ge=0, description="estimated cost of the night for the party")
    hours: str = Field(default="unknown", description="the stay's opening hours that evening, as OSM says")
    charger_id: str | None = Field(default=None, description="the charger the car uses overnight (at or near the stay)")
    charger_name: str | None = None
    charger_distance_m: float | None = Field(default=None, ge=0)
    power_kw: float | None = Field(default=None, gt=0)
    charger_verified: bool | None = Field(
        default=None, description="false: the charger's sockets are not recorded (unverified); null: no charger"
    )
    soc_arrive: float | None = Field(default=None, ge=0, le=1)
    soc_depart: float | None = Field(default=None, ge=0, le=1)
    energy_kwh: float | None = Field(default=None, ge=0)
    explanation: str = ""
