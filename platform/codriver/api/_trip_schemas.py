"""Request and response models of trips, plans, itinerary versions, head-unit events and feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlmodel import SQLModel

from codriver.agents import MAX_TEXT
from codriver.api._settings import MAX_ID
from codriver.planning import Itinerary, ItineraryStop, Location, StopChoice, TripRequest
from codriver.regions import CATEGORIES

__all__ = [
    "ChatIn",
    "ChatOut",
    "ChooseChargerIn",
    "Decision",
    "FeedbackCreate",
    "FeedbackPublic",
    "ItineraryDiff",
    "ItineraryVersionPublic",
    "ItineraryVersionSummary",
    "NextPublic",
    "PlanIn",
    "PlanJobPublic",
    "RecommendationPublic",
    "ReplaceStopIn",
    "StopChange",
    "TripCreate",
    "TripDetail",
    "TripEventIn",
    "TripEventPublic",
    "TripPublic",
    "TripUpdate",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- trips ----------------------------------------------------------------------------------
class TripBase(SQLModel):
    title: str = Field(min_length=1, max_length=120)
    vehicle_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="one of your vehicles")


class TripCreate(TripBase):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]
    request: TripRequest


class TripUpdate(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]
    title: str | None = Field(default=None, min_length=1, max_length=120)
    vehicle_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    status: Literal["active", "done", "cancelled"] | None = None


class TripPublic(TripBase):
    id: int
    status: str
    region: str | None = None
    current_version: int
    request: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class ItineraryVersionSummary(_Strict):
    version: int
    status: str
    reason: str | None
    created_at: datetime


class ItineraryVersionPublic(ItineraryVersionSummary):
    itinerary: Itinerary


class TripDetail(TripPublic):
    itinerary: ItineraryVersionPublic | None = None


class StopChange(_Strict):
    poi_id: str | None
    name: str
    kind: str
    arrive_before: datetime | None = None
    arrive_after: datetime | None = None
    shift_s: float | None = Field(default=None, description="arrive_after - arrive_before in seconds")


class ItineraryDiff(_Strict):
    trip_id: int
    from_version: int
    to_version: int
    added: list[StopChange]
    removed: list[StopChange]
    retimed: list[StopChange]
    totals: dict[str, float] = Field(description="to minus from, per total")


# -- planning -------------------------------------------------------------------------------
class PlanIn(_Strict):
    """Plan a trip: from free text (through the assistant) or a structured request (straight to the engine)."""

    text: str | None = Field(
        default=None,
        min_length=3,
        description=f"the trip in words: the first {MAX_TEXT:,} characters are read, and the answer says so "
        "(in the request's not_met) when there were more",
    )
    origin: Location | None = Field(
        default=None, description="with text: where the trip starts, unless the text says (default: the car)"
    )
    request: TripRequest | None = None
    title: str | None = Field(default=None, min_length=1, max_length=120)
    vehicle_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="one of your vehicles; fills the request's vehicle"
    )
    trip_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="re-plan this trip instead of creating one")
    background: bool = Field(default=False, description="answer 202 with a job at once instead of waiting")

    @model_validator(mode="after")
    def _one_input(self) -> PlanIn:
        if (self.text is None) == (self.request is None):
            msg = "give either text or request"
            raise ValueError(msg)
        if self.origin is not None and self.request is not None:
            msg = "origin goes with text; a request carries its own origin"
            raise ValueError(msg)
        return self


class PlanJobPublic(_Strict):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    stage: str
    progress: float
    trip_id: int | None
    error: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime


class ReplaceStopIn(_Strict):
    poi_id: str = Field(min_length=3, max_length=48, description="catalogue ID of the place to stop at instead")


class ChooseChargerIn(_Strict):
    charger_id: str = Field(min_length=3, max_length=48, description="catalogue ID of the charger to use instead")


class StopsIn(_Strict):
    stops: list[StopChoice] = Field(max_length=40, description="the trip's visits and meals in the order wanted")
    fill: bool = Field(default=False, description="let the planner add places of its own around these stops")


class AddStopIn(_Strict):
    poi_id: str = Field(min_length=3, max_length=100, description="catalogue ID of the place to add")
    position: int | None = Field(
        default=None, ge=1, le=41, description="1 = the first stop after the start; default: the last stop"
    )
    stay_min: int | None = Field(default=None, ge=5, le=480, description="minutes to stay; default: the category's")


class ChatIn(_Strict):
    message: str = Field(
        min_length=1,
        description=f"the first {MAX_TEXT:,} characters are read, and the answer says so (in its reply and "
        "not_understood) when there were more",
    )


class ChatOut(_Strict):
    reply: str
    replanned: bool
    itinerary_version: int | None
    understood: list[dict[str, Any]] = Field(
        default_factory=list, description="fields read from the message, each with the words it came from"
    )
    not_understood: list[dict[str, str]] = Field(
        default_factory=list, description="wishes ignored or impossible here, each with the reason"
    )


# -- head-unit ------------------------------------------------------------------------------
class _Event(_Strict):
    occurred_at: AwareDatetime = Field(description="when it happened, ISO 8601 with offset")
    idempotency_key: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_.:-]{8,128}$", description="repeat-safe: the same key is one event"
    )


class DelayEvent(_Event):
    kind: Literal["delay"]
    minutes: float = Field(gt=0, le=600)


class ClosureEvent(_Event):
    kind: Literal["closure"]
    poi_id: str | None = Field(default=None, max_length=48, description="a closed place of the plan")
    note: str | None = Field(default=None, max_length=500, description="e.g. the road that is closed")


class ChargerBrokenEvent(_Event):
    kind: Literal["charger_broken"]
    poi_id: str = Field(max_length=48)


class WishEvent(_Event):
    kind: Literal["wish"]
    text: str | None = Field(default=None, max_length=500)
    poi_id: str | None = Field(default=None, max_length=48)
    category: str | None = Field(default=None, max_length=32, description=f"one of {', '.join(CATEGORIES)}")

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str | None) -> str | None:
        if value is not None and value not in CATEGORIES:
            msg = f"no kind of place called {value!r}: the kinds are {', '.join(CATEGORIES)}"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _something(self) -> WishEvent:
        if not (self.text or self.poi_id or self.category):
            msg = "a wish needs text, a poi_id or a category"
            raise ValueError(msg)
        return self


TripEventIn = Annotated[DelayEvent | ClosureEvent | ChargerBrokenEvent | WishEvent, Field(discriminator="kind")]


class TripEventPublic(_Strict):
    id: int
    kind: str
    duplicate: bool = Field(description="true when this idempotency key was seen before")
    itinerary_version: int | None = Field(description="the version after the re-plan")
    explanation: str | None = None


class RecommendationPublic(_Strict):
    id: int
    poi_id: str
    name: str | None
    category: str | None
    explanation: str
    detour_s: float | None
    outcome: str


class NextPublic(_Strict):
    trip_id: int
    itinerary_version: int
    now: datetime
    stop_index: int | None = Field(description="index of the next stop in the itinerary; null after the last")
    next_stop: ItineraryStop | None
    eta: datetime | None
    planned_arrive_at: datetime | None
    delay_s: float = Field(description="ETA minus planned arrival, seconds (negative: early)")
    distance_m: float | None = Field(description="straight-line metres from the car")
    at_stop: int | None = Field(description="index of the stop the car is at, if any")
    recommendations: list[RecommendationPublic]


class Decision(_Strict):
    outcome: Literal["accepted", "rejected"]
    reason: str | None = Field(default=None, max_length=500)


# -- feedback -------------------------------------------------------------------------------
class FeedbackCreate(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]
    rating: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=2000)
    place_id: str | None = Field(default=None, max_length=48, description="rate one place of the trip")


class FeedbackPublic(SQLModel):
    id: int
    trip_id: int | None
    place_id: str | None
    rating: int
    comment: str | None
    created_at: datetime
