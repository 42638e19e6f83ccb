"""The two ports the API reaches the rest of Codriver through.

* :class:`TripPlanner`: the planning engine (optimizer, charging planner, verifier) and
  the region's tools it needs for live answers (drive times, opening hours, catalogue).
* :class:`AssistantPort`: the agents (LLM). It understands free text, chats, suggests
  places and decides what an event changes; the planner then computes the plan. Every
  place it names is checked against the catalogue before it reaches a user.

Tests hand in hand-written fakes of both; ``codriver serve`` wires the real ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from codriver.errors import InputError
from codriver.planning import Itinerary, Location, TripRequest, VehicleSpec
from codriver.tools.geo import LatLon

__all__ = [
    "Alternative",
    "AssistantContext",
    "AssistantPort",
    "ChangeKind",
    "ChargerOption",
    "ChatReply",
    "NeedsAnswer",
    "PlaceBrief",
    "PlaceHit",
    "RegionBrief",
    "RegionMap",
    "RoadLayer",
    "SocketInfo",
    "Suggestion",
    "TripChange",
    "TripPlanner",
]

ChangeKind = Literal["delay", "closure", "charger_broken", "wish", "soc_below_plan", "accepted_place", "chat"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NeedsAnswer(InputError):
    """A text that cannot be planned before the traveller answers a question (where does the trip start?).

    It carries what was read of the text, so the traveller sees it was read: ``understood``
    (``field``, ``said``, ``text`` in plain words, ``source``) and ``not_understood``
    (``said``, ``reason``). The API answers 422 with both beside ``detail`` and ``field``.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = "text",
        understood: list[dict[str, Any]] | None = None,
        not_understood: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message, field=field)
        self.understood = understood or []
        self.not_understood = not_understood or []


class TripChange(_Model):
    """What changed for a running trip, normalised from an event, a check or a decision."""

    kind: ChangeKind
    minutes: float | None = Field(default=None, ge=0, le=24 * 60, description="delay in minutes")
    poi_id: str | None = Field(default=None, max_length=48, description="the place concerned (catalogue ID)")
    category: str | None = Field(default=None, max_length=32, description="wish: a kind of place")
    text: str | None = Field(default=None, max_length=2000, description="wish or chat: the words")
    soc: float | None = Field(default=None, ge=0, le=1, description="state of charge reported by the car")
    detail: dict[str, Any] = Field(default_factory=dict)
    planned: Itinerary | None = Field(
        default=None,
        description="the plan the assistant's agents already made for this change and the verifier passed: "
        "stored as it is instead of re-planning",
    )


class PlaceBrief(_Model):
    """A catalogue place as the API shows it."""

    poi_id: str
    name: str | None
    category: str
    lat: float
    lon: float


class PlaceHit(_Model):
    """A place search answer: a catalogue place or a street of the region, with how far it is."""

    name: str
    kind: Literal["place", "street", "address", "locality"] = Field(
        description="a catalogue place, a street, an address or a town, village or district"
    )
    poi_id: str | None = Field(default=None, description="catalogue ID; None for a street")
    category: str | None = Field(default=None, description="catalogue category, or the street's road type")
    lat: float
    lon: float
    distance_m: float | None = Field(default=None, description="straight-line metres from ``near`` when given")
    score: float = Field(ge=0, le=1, description="how well the name matched, 1 is exact")
    matched: str | None = Field(default=None, description="the name that matched (another language, an alias)")


class RegionBrief(_Model):
    """An imported region as the web app lists it."""

    name: str
    bounds: tuple[float, float, float, float] = Field(description="min_lon, min_lat, max_lon, max_lat")
    timezone: str
    default: bool = False
    attribution: str


class RoadLayer(_Model):
    """Roads of one class as polylines of flat ``[lon, lat, lon, lat, ...]`` arrays (5 decimals)."""

    cls: Literal["major", "minor", "local"]
    lines: list[list[float]]


class RegionMap(_Model):
    """The region's own road geometry for an offline map, drawn from its drive graph."""

    name: str
    bounds: tuple[float, float, float, float]
    roads: list[RoadLayer]
    attribution: str
    #: whether the region has vector tiles (``GET /v1/regions/{name}/tiles.json``) to draw under the roads
    basemap: bool = False


class Alternative(_Model):
    """A catalogue place that could take a stop's slot, with why (catalogue facts only)."""

    poi_id: str
    name: str | None
    category: str
    lat: float
    lon: float
    detour_min: float = Field(description="extra minutes of driving compared with the stop it would replace")
    hours: Literal["open", "closed", "unknown"] = Field(description="at the stop's planned arrival")
    explanation: str


class SocketInfo(_Model):
    """Sockets of one connector type at a charger, as the catalogue records them."""

    connector: str = Field(description="ccs, type2, chademo, ... or 'other'")
    count: int = Field(ge=0)
    power_kw: float | None = Field(default=None, description="highest output of these sockets; None: not recorded")


class ChargerOption(_Model):
    """A catalogue charger near a charging stop that the car could use instead (catalogue facts only).

    ``verified`` is false where the OSM data lacks socket or power tags: the planner then
    assumes ``assumed_socket`` at ``power_kw`` (the web app shows an "unverified" badge).
    """

    poi_id: str
    name: str = Field(description="the station's name, else its operator, else 'Charging station'")
    lat: float
    lon: float
    distance_m: float = Field(ge=0, description="straight-line metres from the stop's place")
    sockets: list[SocketInfo] = Field(default_factory=list, description="empty when not recorded")
    power_kw: float | None = Field(description="what this car can draw there (kW), recorded or assumed")
    network: str | None = None
    operator: str | None = None
    fee: bool | None = Field(default=None, description="None: not recorded")
    verified: bool = Field(description="sockets and power are recorded")
    assumed_socket: str | None = Field(default=None, description="what the planner assumes when not verified")
    current: bool = Field(description="the charger the plan uses at this stop")


class Suggestion(_Model):
    """A place suggested along the route, with the reason (grounded in catalogue facts)."""

    poi_id: str = Field(description="catalogue ID; anything else is dropped")
    name: str | None = None
    category: str = ""
    explanation: str
    detour_s: float | None = Field(default=None, ge=0)
    lat: float | None = None
    lon: float | None = None


class AssistantContext(_Model):
    """What the assistant may know about the user and the trip."""

    user_id: int
    trip_id: int | None = None
    region: str | None = None
    request: TripRequest | None = None
    itinerary: Itinerary | None = None
    preferences: dict[str, Any] = Field(default_factory=dict)
    car: dict[str, Any] | None = None
    origin: Location | None = Field(default=None, description="where a trip described in text starts")
    vehicle: VehicleSpec | None = Field(default=None, description="the stored car a trip described in text is for")
    next_stop: int | None = Field(default=None, description="index into itinerary.stops")
    now: AwareDatetime


class ChatReply(_Model):
    """The assistant's answer; with ``request`` the trip is re-planned with it.

    With ``itinerary`` too (the served agents' plan for ``request``, which the verifier
    passed) that itinerary is the new version, not planned again.
    """

    reply: str
    request: TripRequest | None = None
    itinerary: Itinerary | None = Field(default=None, description="the plan already made for ``request``")
    understood: list[dict[str, Any]] = Field(default_factory=list, description="what the message was read as")
    not_understood: list[dict[str, str]] = Field(default_factory=list, description="what could not be used, and why")


class TripPlanner(Protocol):
    """The planning engine and the live facts of a region."""

    async def plan(self, request: TripRequest) -> Itinerary:
        """A verified itinerary (status ``infeasible`` with violations when no plan meets everything).

        Raises InputError (PlaceNotFound, RegionNotFound) for requests it cannot read.
        """
        ...

    async def replan(
        self, request: TripRequest, current: Itinerary, change: TripChange, *, car: LatLon | None, now: datetime
    ) -> Itinerary:
        """A new itinerary for the rest of the trip after ``change``, from the car's position at ``now``."""
        ...

    def region_id(self, name: str | None) -> int | None:
        """The database ID of a region (default region for None); RegionNotFound when unknown."""
        ...

    def drive_s(self, region: str | None, a: LatLon, b: LatLon) -> float:
        """Seconds of driving from ``a`` to ``b``."""
        ...

    def hours_state(self, region: str | None, poi_id: str, at: datetime) -> str:
        """``open``, ``closed`` or ``unknown`` at an instant."""
        ...

    def place(self, region: str | None, poi_id: str) -> PlaceBrief | None:
        """The catalogue entry, or None when the ID is not in the region's catalogue."""
        ...

    def regions(self) -> list[RegionBrief]:
        """Every imported region (the default one first)."""
        ...

    def region_map(self, name: str | None) -> RegionMap:
        """The roads of a region for an offline map; RegionNotFound when unknown."""
        ...

    def search_places(self, region: str | None, text: str, *, near: LatLon | None, limit: int) -> list[PlaceHit]:
        """Places and streets of the region whose names match ``text``, best first; RegionNotFound when unknown."""
        ...

    def alternatives(self, itinerary: Itinerary, index: int, *, limit: int) -> list[Alternative]:
        """Catalogue places that could replace ``itinerary.stops[index]``, least extra driving first.

        InputError when the stop is a start, end or charging stop (those the engine places).
        """
        ...

    def chargers(self, request: TripRequest, itinerary: Itinerary, index: int, *, limit: int) -> list[ChargerOption]:
        """Chargers the car can use near the charging stop ``itinerary.stops[index]``, the plan's own first.

        InputError when the car does not charge at that stop.
        """
        ...


class AssistantPort(Protocol):
    """The agents, behind the narrowest seam the API needs."""

    async def plan_text(self, text: str, context: AssistantContext) -> TripRequest | ChatReply:
        """A structured request from free text (InputError naming what is missing).

        An assistant whose agents planned it already answers a :class:`ChatReply` with the
        request and the itinerary they made: that itinerary is stored, not planned again.
        """
        ...

    async def chat(self, message: str, context: AssistantContext) -> ChatReply:
        """Answer a message about a trip, possibly with a revised request."""
        ...

    async def recommend(self, context: AssistantContext, *, limit: int) -> list[Suggestion]:
        """Places worth a stop before the next one, best first."""
        ...

    async def replan(self, change: TripChange, context: AssistantContext) -> tuple[TripChange, str]:
        """How to read ``change`` for this traveller, and the explanation shown with the new plan.

        A change that comes back with ``planned`` was re-planned by the agents already.
        """
        ...
