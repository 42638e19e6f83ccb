"""What a traveller asks for: the :class:`TripRequest` (pydantic, JSON Schema published).

Times are aware datetimes (ISO 8601 with an offset); meal windows are wall-clock times of
the region's zone. State of charge is a fraction from 0 to 1; money is in ``currency``.
"""

from __future__ import annotations

from datetime import time
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from codriver.planning._days_model import MAX_DAYS, DayWindow, Overnight
from codriver.regions import CATEGORIES, CONNECTORS
from codriver.tools.geo import LatLon, parse_latlon

__all__ = [
    "DIETS",
    "Constraints",
    "Location",
    "MealWish",
    "Party",
    "StopChoice",
    "TripRequest",
    "UnderstoodField",
    "VehicleSpec",
    "WishNotMet",
]

DIETS: tuple[str, ...] = ("gluten_free", "halal", "kosher", "lactose_free", "vegan", "vegetarian")
Diet = Literal["gluten_free", "halal", "kosher", "lactose_free", "vegan", "vegetarian"]
MealName = Literal["breakfast", "lunch", "dinner"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Location(_Model):
    """A point: coordinates, a catalogue ID (``osm:node/123``) or a place name of the region.

    A plain string is accepted too: ``"60.17,24.94"``, ``"osm:node/123"`` or a name.
    """

    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    place_id: str | None = Field(default=None, description="catalogue ID, e.g. osm:node/123")
    name: str | None = Field(default=None, description="label, or a place name to resolve")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if not isinstance(data, str):
            return data
        point = parse_latlon(data)
        if point is not None:
            return {"lat": point.lat, "lon": point.lon}
        if data.startswith("osm:"):
            return {"place_id": data}
        return {"name": data}

    @model_validator(mode="after")
    def _something(self) -> Location:
        if (self.lat is None) != (self.lon is None):
            msg = "give both lat and lon, or neither"
            raise ValueError(msg)
        if self.lat is None and not self.place_id and not self.name:
            msg = "a location needs coordinates, a place_id or a name"
            raise ValueError(msg)
        return self

    @property
    def point(self) -> LatLon | None:
        """The coordinates when given."""
        return None if self.lat is None or self.lon is None else LatLon(self.lat, self.lon)


class Party(_Model):
    """Who travels."""

    adults: int = Field(default=1, ge=1, le=20)
    children: int = Field(default=0, ge=0, le=20)
    accessibility: list[Literal["wheelchair", "step_free"]] = Field(
        default_factory=list, description="needs: places tagged wheelchair=no are left out"
    )

    @property
    def size(self) -> int:
        """Number of people."""
        return self.adults + self.children


class MealWish(_Model):
    """A meal to take at a restaurant, café or fast-food place, whole stay inside the window."""

    meal: MealName
    earliest: time = Field(description="wall-clock time of the region's zone")
    latest: time
    duration_min: int = Field(default=60, ge=10, le=240)
    cuisine: list[str] = Field(
        default_factory=list,
        max_length=20,
        description=(
            "OSM cuisine values in order of preference (e.g. sushi, japanese): where a food place serves the first,"
            " only such places serve this meal, else any of them does; empty: any"
        ),
    )
    near: Location | None = Field(
        default=None,
        description="take the meal near this place ('lunch in <town>': the town's square, a catalogue ID or "
        "coordinates): at a food place within near_km of it; none: anywhere on the way",
    )
    near_km: float = Field(default=5.0, gt=0, le=50, description="how far from ``near`` the food place may be")

    @model_validator(mode="after")
    def _ordered(self) -> MealWish:
        if self.latest <= self.earliest:
            msg = f"{self.meal}: latest {self.latest} must be after earliest {self.earliest}"
            raise ValueError(msg)
        return self


class VehicleSpec(_Model):
    """The car. EV fields matter only for ``powertrain='ev'``."""

    powertrain: Literal["ev", "ice"] = "ice"
    battery_kwh: float = Field(default=60.0, gt=0, le=300)
    consumption_kwh_per_100km: float = Field(default=17.0, gt=0, le=100)
    max_charge_kw: float = Field(default=100.0, gt=0, le=1000)
    connectors: list[str] = Field(default_factory=lambda: ["ccs", "type2"])
    soc: float = Field(default=0.8, ge=0, le=1, description="state of charge now")
    reserve_soc: float = Field(default=0.1, ge=0, le=0.9, description="never go below this")
    target_soc: float | None = Field(default=None, ge=0, le=1, description="at least this at arrival")

    @field_validator("connectors")
    @classmethod
    def _known_connectors(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(CONNECTORS))
        if unknown:
            msg = f"unknown connectors {unknown}; use some of {list(CONNECTORS)}"
            raise ValueError(msg)
        return value


class Constraints(_Model):
    """Hard limits on the plan."""

    max_detour_min: float = Field(default=10.0, ge=0, le=120, description="for charging detours")
    charging_networks: list[str] = Field(default_factory=list, description="preferred networks")
    avoid_categories: list[str] = Field(default_factory=list)
    avoid_places: list[str] = Field(
        default_factory=list,
        max_length=500,
        description="catalogue IDs never to stop at (replaced or removed stops, places already seen)",
    )
    use_chargers: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="charge only at these chargers (catalogue IDs, the traveller's choice); empty: any that fits",
    )
    max_stint_min: float | None = Field(default=None, gt=0, description="longest drive without a break")
    max_walk_m: float | None = Field(
        default=None,
        ge=0,
        le=5000,
        description="longest walk between two stops or between a stop and the parked car, metres (park and walk); "
        "0: drive to every stop; none: 800, 500 with children, 250 with accessibility needs",
    )
    break_min: float = Field(default=15.0, gt=0, description="a stay this long counts as a break")
    max_per_category: int = Field(
        default=2,
        ge=1,
        le=20,
        description="at most this many stops of one interest category; must-visits count, and are never dropped",
    )
    per_category: dict[str, Annotated[int, Field(ge=1, le=20)]] = Field(
        default_factory=dict,
        description="category -> at most this many stops of it, instead of max_per_category ('add a café': one more)",
    )
    either: list[Annotated[list[str], Field(min_length=2, max_length=5)]] = Field(
        default_factory=list,
        max_length=10,
        description="interest categories said as alternatives ('a museum or a cinema'): a stop of one of them is "
        "enough for the plan to have what was asked",
    )

    @field_validator("avoid_categories")
    @classmethod
    def _categories(cls, value: list[str]) -> list[str]:
        return _check_categories(value, "avoid_categories")

    @field_validator("per_category")
    @classmethod
    def _per_category(cls, value: dict[str, int]) -> dict[str, int]:
        _check_categories(list(value), "per_category")
        return value

    @field_validator("either")
    @classmethod
    def _either(cls, value: list[list[str]]) -> list[list[str]]:
        return [_check_categories(group, "either") for group in value]

    @field_validator("avoid_places", "use_chargers")
    @classmethod
    def _places(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(v.strip() for v in value if v.strip()))


class StopChoice(_Model):
    """A stop the traveller placed by hand (a direct edit of the plan): a catalogue place, in order."""

    poi_id: str = Field(min_length=1, max_length=100, description="catalogue ID, e.g. osm:node/123")
    stay_min: int | None = Field(default=None, ge=5, le=480, description="minutes to stay; default: the category's")
    locked: bool = Field(default=False, description="kept, in this order, when the trip is planned again")
    meal: MealName | None = Field(default=None, description="the meal taken here (kept from the plan it came from)")


class WishNotMet(_Model):
    """A wish the traveller stated that no plan of this region can meet ("the Louvre", "Georgian food")."""

    said: str = Field(max_length=200, description="the traveller's words")
    reason: str = Field(max_length=300, description="why it cannot be met, in plain words")


class UnderstoodField(_Model):
    """A field of the request read from the traveller's words."""

    field: str = Field(max_length=60)
    said: str = Field(max_length=300, description="the words it came from")
    text: str = Field(default="", max_length=300, description="what was understood, in plain words")
    source: Literal["rules", "model", "trip"] = "rules"


class TripRequest(_Model):
    """A trip to plan: the structured form every front end (form, chat, head-unit) fills."""

    region: str | None = Field(default=None, description="region name; default: the configured one")
    origin: Location
    destination: Location | None = Field(default=None, description="default: back to the origin")
    depart_at: AwareDatetime
    return_by: AwareDatetime = Field(
        description="latest arrival at the destination; more than 24 h after depart_at: a trip of several days"
    )
    party: Party = Field(default_factory=Party)
    budget: float | None = Field(default=None, ge=0, description="for the whole party, entry fees and meals")
    currency: str = Field(default="EUR", min_length=3, max_length=3)
    interests: dict[str, float] = Field(default_factory=dict, description="category -> weight 0..1")
    must_visit: list[str] = Field(default_factory=list, description="catalogue IDs or place names")
    diet: list[Diet] = Field(default_factory=list)
    meals: list[MealWish] = Field(default_factory=list)
    visit_minutes: dict[str, int] = Field(default_factory=dict, description="category -> minutes to stay")
    vehicle: VehicleSpec = Field(default_factory=VehicleSpec)
    constraints: Constraints = Field(default_factory=Constraints)
    temperature_c: float | None = Field(
        default=None, ge=-60, le=60, description="outside temperature for the energy model; None: mild"
    )
    stops: list[StopChoice] | None = Field(
        default=None,
        max_length=40,
        description=(
            "the traveller's own stops in visiting order (direct edits); the plan keeps this order. "
            "None: the optimizer chooses the stops; empty: no stops at all"
        ),
    )
    add_stops: bool = Field(
        default=False,
        description=(
            "with stops: whether the planner may add places of its own around them (filling a gap); "
            "false: exactly these stops, timed, with charging added where the car needs it"
        ),
    )
    days: list[DayWindow] = Field(
        default_factory=list,
        max_length=MAX_DAYS + 1,
        description="several days: a day's own window or must-visits (default 09:00-19:00, must-visits spread)",
    )
    overnight: Overnight = Field(default_factory=Overnight, description="several days: the nights' stays")
    understood: list[UnderstoodField] = Field(
        default_factory=list, max_length=60, description="fields read from the traveller's words, with the words"
    )
    assumptions: list[str] = Field(
        default_factory=list, max_length=30, description="defaults used where the words said nothing"
    )
    not_met: list[WishNotMet] = Field(
        default_factory=list,
        max_length=50,
        description="wishes from the traveller's words that cannot be met here; every plan of this request says them",
    )

    @field_validator("interests")
    @classmethod
    def _interests(cls, value: dict[str, float]) -> dict[str, float]:
        _check_categories(list(value), "interests")
        bad = {k: v for k, v in value.items() if not 0 <= v <= 1}
        if bad:
            msg = f"interest weights must be within 0..1, got {bad}"
            raise ValueError(msg)
        return value

    @field_validator("visit_minutes")
    @classmethod
    def _visits(cls, value: dict[str, int]) -> dict[str, int]:
        _check_categories(list(value), "visit_minutes")
        bad = {k: v for k, v in value.items() if not 5 <= v <= 480}
        if bad:
            msg = f"visit minutes must be within 5..480, got {bad}"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _window(self) -> TripRequest:
        if self.return_by <= self.depart_at:
            # clocks a traveller reads ("Thu 10 Dec 06:00"), not ISO timestamps
            back, leave = f"{self.return_by:%a %d %b %H:%M}", f"{self.depart_at:%a %d %b %H:%M}"
            msg = f"return_by ({back}) must be after depart_at ({leave})"
            raise ValueError(msg)
        if (self.return_by - self.depart_at).days >= MAX_DAYS:
            msg = f"a trip lasts at most {MAX_DAYS} days: return_by must be within {MAX_DAYS} days of depart_at"
            raise ValueError(msg)
        if self.multi_day and self.stops is not None:
            msg = "stops: a trip of several days places its stops by day; give must_visit (and days[]) instead"
            raise ValueError(msg)
        meals = [m.meal for m in self.meals]
        if len(meals) != len(set(meals)):
            msg = f"each meal may be asked for once, got {meals}"
            raise ValueError(msg)
        placed = [s.poi_id for s in self.stops or []]
        twice = sorted({p for p in placed if placed.count(p) > 1})
        if twice:
            msg = f"stops: each place may be a stop once, got {twice} more than once"
            raise ValueError(msg)
        avoided = sorted(set(placed) & set(self.constraints.avoid_places))
        if avoided:
            msg = f"stops: {avoided} are also in constraints.avoid_places: keep each place in one list only"
            raise ValueError(msg)
        return self

    @property
    def multi_day(self) -> bool:
        """Whether the trip spans several days (more than 24 h, or days[] names more than one date)."""
        return (self.return_by - self.depart_at).total_seconds() > 24 * 3600 or len({d.date for d in self.days}) > 1

    @property
    def end(self) -> Location:
        """Where the trip ends."""
        return self.destination or self.origin


def _check_categories(values: list[str], field: str) -> list[str]:
    unknown = sorted(set(values) - set(CATEGORIES))
    if unknown:
        msg = f"{field}: unknown categories {unknown}; use some of {list(CATEGORIES)}"
        raise ValueError(msg)
    return values
