"""The itinerary contract (DESIGN.md): stops, legs, totals and violations, as pydantic models.

Times are ISO 8601 with the offset of the region's zone; distances in metres, durations in
seconds, energy in kWh, power in kW, state of charge as a fraction 0..1.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from codriver.planning._days_model import Night
from codriver.planning._request import TripRequest

__all__ = [
    "VIOLATION_CODES",
    "Itinerary",
    "ItineraryLeg",
    "ItineraryStop",
    "LegMode",
    "ParkingSpot",
    "StopKind",
    "Totals",
    "Violation",
]

StopKind = Literal["start", "visit", "meal", "charge", "fuel", "stay", "end"]
LegMode = Literal["drive", "walk"]

#: Every code the verifier can return, with what it means.
VIOLATION_CODES: dict[str, str] = {
    "UNKNOWN_PLACE": "the stop's poi_id is not in the catalogue, or its position is far from the place",
    "CLOSED_AT_ARRIVAL": "the place is closed when the stop begins",
    "CLOSES_DURING_VISIT": "the place is open at arrival but closes before the stop ends",
    "HOURS_UNKNOWN": "warning: the place has no usable opening hours, it may be closed",
    "HOLIDAY_HOURS": "warning: the stop is on a public holiday and the place's opening hours have no holiday (PH) "
    "rule: they are its usual hours, not confirmed for the holiday",
    "TRAVEL_TIME_MISMATCH": "a leg is shorter than the recomputed travel time, or its duration disagrees",
    "TIME_WINDOW": "a stop lies outside the trip's window or a meal outside its meal window",
    "OVER_BUDGET": "the recomputed cost of the stops exceeds the budget",
    "SOC_BELOW_RESERVE": "the recomputed state of charge drops below the reserve",
    "SOC_BELOW_TARGET": "the recomputed state of charge at arrival is below the target",
    "CHARGE_TOO_SHORT": "the stop is too short to charge to the claimed state of charge",
    "CONNECTOR_INCOMPATIBLE": "charging at a charger known not to fit the vehicle, or unusable by it",
    "CHARGER_UNVERIFIED": "warning: the charger's sockets are not recorded; the plan assumes a Type 2 AC socket",
    "MISSING_MEAL": "no meal stop serving the wanted meal (and diet) inside its window",
    "MUST_VISIT_MISSING": "a must-visit place is not among the stops",
    "INTEREST_MISSING": "a kind of place the traveller asked for in words has no stop",
    "AVOIDED_PLACE": "a stop is at a place the request's constraints.avoid_places excludes",
    "VISITED_TWICE": "a visit or meal at a place the plan already visits or eats at (one place planned as two stops)",
    "STOP_ORDER": "the traveller's own stops (request.stops) are not visited in the order they gave",
    "UNASKED_STOP": "a visit or meal the traveller did not place, while request.stops says exactly these stops",
    "DRIVING_STINT": "the driving since the last break exceeds the longest allowed stint",
    "WALK_TOO_LONG": "a walk between two stops, or between a stop and the parked car, exceeds the walking limit",
    "CAR_LEFT_BEHIND": "the trip ends on foot away from where the car is parked",
    "INVALID_ITINERARY": "the itinerary is malformed (missing times, stops out of order)",
    "NO_STAY": "several days: no overnight stay of the catalogue fits a night of the trip",
    "DAY_CHAIN": "several days: a day does not start where the previous night ended, or the days overlap",
    "DAY_WINDOW": "several days: a stop lies outside its day's window",
    "SOC_CHAIN": "several days: a day starts with more charge than the previous night left the car with",
    "OVERNIGHT_CHARGE": "several days: the night's charger cannot charge the car as claimed",
    "STAY_CLOSED": "several days: the overnight stay is closed (OSM opening_hours) when the night begins",
}


class _Model(BaseModel):
    # Itineraries also come from LLMs and other tools: fields we do not know are ignored.
    model_config = ConfigDict(extra="ignore")


class Violation(_Model):
    """One broken constraint, with the offending stop when there is one."""

    code: str = Field(description="one of VIOLATION_CODES")
    severity: Literal["error", "warning"] = "error"
    message: str
    stop_index: int | None = Field(default=None, description="index into stops[]")
    poi_id: str | None = None


class ItineraryStop(_Model):
    """A stop; ``charge`` stops (and meals or visits that charge meanwhile) add the charging fields."""

    poi_id: str | None = Field(description="catalogue ID; null only for a start or end given by coordinates")
    name: str
    kind: StopKind
    lat: float
    lon: float
    arrive_at: AwareDatetime | None = Field(description="when the stay begins; null for the start")
    depart_at: AwareDatetime | None = Field(description="when the stay ends; null for the end")
    explanation: str = ""
    category: str | None = None
    meal: Literal["breakfast", "lunch", "dinner"] | None = Field(default=None, description="for meal stops")
    cost: float | None = Field(default=None, ge=0, description="estimated cost for the party")
    charger_id: str | None = Field(default=None, description="charger used while at this stop, if not poi_id")
    soc_before: float | None = Field(default=None, ge=0, le=1)
    soc_after: float | None = Field(default=None, ge=0, le=1)
    energy_kwh: float | None = Field(default=None, ge=0)
    power_kw: float | None = Field(default=None, gt=0)

    @property
    def charges(self) -> bool:
        """Whether the vehicle charges during this stop."""
        return self.soc_after is not None

    @property
    def charger(self) -> str | None:
        """The charger used during this stop."""
        return self.charger_id or (self.poi_id if self.kind == "charge" else None)


class ParkingSpot(_Model):
    """Where the car is left at the end of a drive: a car park, a charger, or the street."""

    poi_id: str | None = Field(default=None, description="catalogue ID of the car park or charger; null: the street")
    name: str
    lat: float
    lon: float


class ItineraryLeg(_Model):
    """How the traveller gets from ``stops[from_index]`` to ``stops[from_index + 1]``.

    ``mode`` ``drive``: ``distance_m``/``duration_s``/``geometry`` are the drive; the walks
    at its ends (from the stop to the parked car, from ``park`` to the next stop) are in
    ``walk_m``/``walk_s``/``walk_geometry``. ``mode`` ``walk``: the traveller walks, the car
    stays where it is parked; ``distance_m``/``duration_s``/``geometry`` are the walk.
    """

    from_index: int = Field(ge=0)
    mode: LegMode = Field(default="drive", description="drive, or walk (the car stays parked)")
    distance_m: float = Field(ge=0)
    duration_s: float = Field(ge=0, description="seconds of driving (of walking for a walk leg)")
    energy_kwh: float | None = Field(default=None, ge=0)
    geometry: dict[str, Any] = Field(description="GeoJSON LineString of [lon, lat] pairs")
    walk_m: float = Field(
        default=0.0, ge=0, description="metres walked between the car and the places at both ends (road to door)"
    )
    walk_s: float = Field(default=0.0, ge=0, description="seconds of that walking, on top of duration_s")
    park: ParkingSpot | None = Field(
        default=None,
        description="where the car is parked at the end of this drive, the next stops walked from it; "
        "null: at the road beside the next stop",
    )
    walk_geometry: list[dict[str, Any]] = Field(
        default_factory=list, description="GeoJSON LineStrings of the walks to the car and from the parking"
    )


class Totals(_Model):
    """Sums over the itinerary."""

    distance_m: float = 0.0
    drive_s: float = 0.0
    walk_m: float = Field(default=0.0, description="metres walked between stops and to and from the parked car")
    walk_s: float = Field(default=0.0, description="seconds of that walking")
    duration_s: float = Field(default=0.0, description="from departure to arrival at the end")
    charge_s: float = Field(default=0.0, description="time spent charging beyond the planned stays")
    cost: float = 0.0
    energy_kwh: float = 0.0
    value: float = Field(default=0.0, description="preference value collected (optimizer objective)")
    visits: int = 0
    meals: int = 0
    charges: int = 0
    nights: int = Field(default=0, description="several days: nights away (overnight stays)")
    stay_cost: float = Field(default=0.0, description="several days: estimated cost of the nights, part of cost")


class Itinerary(_Model):
    """A plan for one day, or a whole trip of several days (``days[]``, ``nights[]``): the document
    the CLI, the API and the verifier exchange."""

    schema_version: Literal["codriver.itinerary/1"] = "codriver.itinerary/1"
    status: Literal["feasible", "infeasible", "draft"] = "draft"
    region: str | None = None
    timezone: str | None = Field(default=None, description="IANA zone of the times, e.g. Europe/Helsinki")
    stops: list[ItineraryStop]
    legs: list[ItineraryLeg] = Field(default_factory=list)
    totals: Totals = Field(default_factory=Totals)
    violations: list[Violation] = Field(default_factory=list, description="empty when feasible")
    relaxed: list[str] = Field(
        default_factory=list, description="requirements this plan gives up because no plan meets them"
    )
    notes: list[str] = Field(default_factory=list)
    visited: list[ItineraryStop] = Field(
        default_factory=list,
        description="a re-plan: the stops already made on this trip under its earlier versions, before this "
        "plan starts (kept through every re-plan; their places are not planned again)",
    )
    request: TripRequest | None = Field(default=None, description="what was asked; the verifier checks against it")
    days: list[Itinerary] = Field(
        default_factory=list,
        description="several days: each day's own itinerary (this one is the whole trip, nights as 'stay' stops)",
    )
    nights: list[Night] = Field(default_factory=list, description="several days: the nights between the days")

    @property
    def errors(self) -> list[Violation]:
        """Violations of severity error."""
        return [v for v in self.violations if v.severity == "error"]
