"""Tables of the domain model (SQLModel, one class per entity).

Units are in the column names where they are not obvious: metres, kW, kWh, litres.
State of charge is a fraction from 0 to 1. Every datetime is timezone-aware (UTC in the
database). Catalogue IDs are the stable OSM strings ``osm:node/123`` and ``osm:way/456``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from codriver.store._types import UTCDateTime, utcnow

__all__ = [
    "AccessToken",
    "ChargingStation",
    "Feedback",
    "ItineraryRow",
    "Place",
    "PlanJob",
    "Preferences",
    "QueuedCommand",
    "Recommendation",
    "Region",
    "Stop",
    "Trip",
    "TripAction",
    "TripEvent",
    "TripNotice",
    "TripShare",
    "User",
    "Vehicle",
]


def _json(**kwargs: Any) -> Any:
    return Field(sa_type=JSON, **kwargs)


def _when(*, nullable: bool = False, **kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, nullable=nullable, **kwargs)


def _fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> Any:
    """An integer foreign key column with an index and the given delete rule."""
    return Field(
        default=None if nullable else ...,
        sa_column=Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True),
    )


class Region(SQLModel, table=True):
    """An imported OSM extract: its drive graph lives in a cache file, its places here."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=64)
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    timezone: str = Field(max_length=64)
    source: str = Field(description="path of the imported file")
    source_sha256: str = Field(max_length=64)
    attribution: str
    imported_at: datetime = _when(default_factory=utcnow)
    graph_path: str = Field(description="graph cache file, relative to DATA_DIR")
    node_count: int
    edge_count: int
    place_count: int
    charger_count: int
    opening_hours_count: int = Field(description="places that carry an opening_hours tag")
    stats: dict[str, Any] = _json(default_factory=dict)


class Place(SQLModel, table=True):
    """One entry of a region's place catalogue."""

    __table_args__ = (
        UniqueConstraint("region_id", "place_id", name="uq_place_region_place_id"),
        Index("ix_place_region_category", "region_id", "category"),
    )

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = _fk("region.id")
    place_id: str = Field(max_length=48, index=True, description="catalogue ID, e.g. osm:node/123")
    name: str | None = None
    category: str = Field(max_length=32)
    subcategory: str | None = Field(default=None, max_length=64)
    cuisine: list[str] = _json(default_factory=list)
    diets: dict[str, str] = _json(default_factory=dict, description="diet -> yes|only|limited|no")
    price_level: int | None = Field(default=None, ge=1, le=4, description="1 cheap .. 4 expensive")
    fee: bool | None = None
    charge: str | None = Field(default=None, description="raw OSM charge tag, e.g. '12 EUR'")
    wheelchair: str | None = Field(default=None, max_length=16)
    opening_hours: str | None = None
    opening_hours_status: str = Field(max_length=16, description="ok|missing|invalid|comment_only")
    lat: float
    lon: float
    tags: dict[str, str] = _json(default_factory=dict)


class ChargingStation(SQLModel, table=True):
    """Charging details of a catalogue place whose category is ``charging_station``."""

    __table_args__ = (UniqueConstraint("region_id", "place_id", name="uq_charger_region_place_id"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = _fk("region.id")
    place_id: str = Field(max_length=48, index=True)
    sockets: dict[str, dict[str, Any]] = _json(
        default_factory=dict, description="connector -> {count, power_kw}; empty when untagged"
    )
    sockets_known: bool = Field(description="false when OSM has no socket tags: compatibility unknown")
    max_power_kw: float | None = None
    capacity: int | None = None
    operator: str | None = None
    network: str | None = None
    fee: bool | None = None
    access: str | None = Field(default=None, max_length=32)


class User(SQLModel, table=True):
    """A person using the web app or owning vehicles."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True, max_length=254)
    display_name: str | None = None
    password_hash: str | None = None
    created_at: datetime = _when(default_factory=utcnow)


class Preferences(SQLModel, table=True):
    """What a user likes: stated in forms or learned from chat and feedback."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user.id", ondelete="CASCADE"), unique=True, nullable=False)
    )
    diet: list[str] = _json(default_factory=list)
    cuisines: list[str] = _json(default_factory=list)
    interests: dict[str, float] = _json(default_factory=dict, description="category -> weight 0..1")
    avoid_categories: list[str] = _json(default_factory=list)
    charging_networks: list[str] = _json(default_factory=list)
    max_detour_min: float | None = None
    budget_per_day: float | None = None
    currency: str = Field(default="EUR", max_length=3)
    rejected_place_ids: list[str] = _json(default_factory=list)
    notes: list[str] = _json(default_factory=list, description="preferences stated in natural language")
    home_actions: list[dict[str, Any]] = _json(
        default_factory=list, description="home devices to switch before arriving home (entity, target, lead)"
    )
    updated_at: datetime = _when(default_factory=utcnow)


class Vehicle(SQLModel, table=True):
    """A car: electric (battery, connectors, SoC) or combustion (tank, fuel level)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = _fk("user.id")
    name: str
    powertrain: str = Field(max_length=8, description="ev|ice|phev")
    battery_kwh: float | None = Field(default=None, gt=0)
    consumption_kwh_per_100km: float | None = Field(default=None, gt=0)
    max_charge_kw: float | None = Field(default=None, gt=0)
    connectors: list[str] = _json(default_factory=list)
    soc: float | None = Field(default=None, ge=0, le=1)
    tank_l: float | None = Field(default=None, gt=0)
    fuel_l_per_100km: float | None = Field(default=None, gt=0)
    fuel_level: float | None = Field(default=None, ge=0, le=1)
    lat: float | None = None
    lon: float | None = None
    speed_kph: float | None = Field(default=None, ge=0)
    outside_c: float | None = Field(default=None, description="outside temperature reported by the car, °C")
    state_at: datetime | None = _when(nullable=True, default=None)
    api_key_hash: str | None = Field(default=None, index=True)
    presets: dict[str, Any] = _json(default_factory=dict, description="seat/climate presets")


class Trip(SQLModel, table=True):
    """A planned or running trip; its plans are the versioned itineraries."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = _fk("user.id")
    vehicle_id: int | None = _fk("vehicle.id", nullable=True, ondelete="SET NULL")
    region_id: int | None = _fk("region.id", nullable=True, ondelete="SET NULL")
    title: str
    status: str = Field(default="draft", max_length=16, description="draft|planned|active|done|cancelled")
    request: dict[str, Any] = _json(default_factory=dict, description="the TripRequest as JSON")
    current_version: int = Field(default=0, ge=0)
    created_at: datetime = _when(default_factory=utcnow)
    updated_at: datetime = _when(default_factory=utcnow)


class ItineraryRow(SQLModel, table=True):
    """One version of a trip's plan: the itinerary JSON document and its status.

    The stored form of :class:`codriver.planning.Itinerary` (the document), in table ``itinerary``.
    """

    __tablename__ = "itinerary"
    __table_args__ = (UniqueConstraint("trip_id", "version", name="uq_itinerary_trip_version"),)

    id: int | None = Field(default=None, primary_key=True)
    trip_id: int = _fk("trip.id")
    version: int = Field(ge=1)
    status: str = Field(max_length=16, description="feasible|infeasible|draft")
    document: dict[str, Any] = _json(default_factory=dict)
    reason: str | None = Field(default=None, description="why this version exists (event, wish, ...)")
    created_at: datetime = _when(default_factory=utcnow)


class Stop(SQLModel, table=True):
    """A stop of one itinerary version, kept as rows for queries (the document is the truth)."""

    __table_args__ = (UniqueConstraint("itinerary_id", "seq", name="uq_stop_itinerary_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    itinerary_id: int = _fk("itinerary.id")
    seq: int = Field(ge=0)
    place_id: str | None = Field(default=None, max_length=48)
    name: str | None = None
    kind: str = Field(max_length=8, description="start|visit|meal|charge|fuel|end")
    lat: float
    lon: float
    arrive_at: datetime | None = _when(nullable=True, default=None)
    depart_at: datetime | None = _when(nullable=True, default=None)
    explanation: str | None = None


class TripEvent(SQLModel, table=True):
    """Something that happened to a trip: a delay, a closure, a wish, a state update."""

    __table_args__ = (UniqueConstraint("trip_id", "idempotency_key", name="uq_event_trip_key"),)

    id: int | None = Field(default=None, primary_key=True)
    trip_id: int = _fk("trip.id")
    kind: str = Field(max_length=32)
    payload: dict[str, Any] = _json(default_factory=dict)
    idempotency_key: str | None = Field(default=None, max_length=128)
    occurred_at: datetime = _when()
    received_at: datetime = _when(default_factory=utcnow)


class Recommendation(SQLModel, table=True):
    """A place shown to a user, why, and what the user did with it."""

    id: int | None = Field(default=None, primary_key=True)
    trip_id: int | None = _fk("trip.id", nullable=True)
    user_id: int = _fk("user.id")
    place_id: str = Field(max_length=48)
    rank: int = Field(default=0, ge=0)
    explanation: str
    context: dict[str, Any] = _json(default_factory=dict)
    outcome: str = Field(default="pending", max_length=16, description="pending|accepted|rejected|ignored")
    outcome_reason: str | None = None
    shown_at: datetime = _when(default_factory=utcnow)
    decided_at: datetime | None = _when(nullable=True, default=None)


class Feedback(SQLModel, table=True):
    """A rating of a trip or of one place on it."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = _fk("user.id")
    trip_id: int | None = _fk("trip.id", nullable=True)
    place_id: str | None = Field(default=None, max_length=48)
    rating: int = Field(ge=1, le=5)
    comment: str | None = None
    created_at: datetime = _when(default_factory=utcnow)


class AccessToken(SQLModel, table=True):
    """A web-app bearer token; only its SHA-256 is stored."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = _fk("user.id")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = _when(default_factory=utcnow)
    expires_at: datetime = _when()


class TripShare(SQLModel, table=True):
    """A read-only link to a trip, created by its owner; only the SHA-256 of its token is stored."""

    id: int | None = Field(default=None, primary_key=True)
    trip_id: int = _fk("trip.id")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = _when(default_factory=utcnow)
    revoked_at: datetime | None = _when(nullable=True, default=None)


class QueuedCommand(SQLModel, table=True):
    """A command waiting for (or fetched and acknowledged by) a car, keyed for idempotency."""

    __table_args__ = (UniqueConstraint("vehicle_id", "idempotency_key", name="uq_command_vehicle_key"),)

    id: int | None = Field(default=None, primary_key=True)
    vehicle_id: int = _fk("vehicle.id")
    trip_id: int | None = _fk("trip.id", nullable=True, ondelete="SET NULL")
    idempotency_key: str = Field(max_length=128)
    kind: str = Field(max_length=32, description="precondition_cabin|seat_preset|climate_preset")
    command: dict[str, Any] = _json(default_factory=dict)
    status: str = Field(default="queued", max_length=16, description="queued|delivered|acknowledged|failed")
    result: str | None = Field(default=None, description="what the car said when acknowledging")
    queued_at: datetime = _when(default_factory=utcnow)
    delivered_at: datetime | None = _when(nullable=True, default=None)
    acked_at: datetime | None = _when(nullable=True, default=None)


class TripNotice(SQLModel, table=True):
    """Something pushed to a trip's listeners (new itinerary, reminder, alert); its ID is the SSE event ID."""

    __table_args__ = (UniqueConstraint("trip_id", "dedupe_key", name="uq_notice_trip_key"),)

    id: int | None = Field(default=None, primary_key=True)
    trip_id: int = _fk("trip.id")
    kind: str = Field(max_length=32)
    payload: dict[str, Any] = _json(default_factory=dict)
    dedupe_key: str | None = Field(default=None, max_length=128)
    created_at: datetime = _when(default_factory=utcnow)


class TripAction(SQLModel, table=True):
    """A scheduled action of a trip that has been carried out (or skipped): never done twice."""

    __table_args__ = (UniqueConstraint("trip_id", "action", name="uq_action_trip_action"),)

    id: int | None = Field(default=None, primary_key=True)
    trip_id: int = _fk("trip.id")
    action: str = Field(max_length=64)
    status: str = Field(max_length=16, description="done|skipped|failed")
    detail: dict[str, Any] = _json(default_factory=dict)
    done_at: datetime = _when(default_factory=utcnow)


class PlanJob(SQLModel, table=True):
    """A long planning request running in the background; polled or followed over SSE."""

    id: str = Field(primary_key=True, max_length=32)
    user_id: int = _fk("user.id")
    trip_id: int | None = _fk("trip.id", nullable=True, ondelete="SET NULL")
    status: str = Field(default="queued", max_length=16, description="queued|running|done|failed")
    stage: str = Field(default="queued", max_length=64)
    progress: float = Field(default=0.0, ge=0, le=1)
    body: dict[str, Any] = _json(default_factory=dict, description="the plan request as sent")
    error: dict[str, Any] | None = Field(default=None, sa_type=JSON, nullable=True)
    attempts: int = Field(default=0, ge=0, description="times a process started it (resumed after a restart)")
    created_at: datetime = _when(default_factory=utcnow)
    updated_at: datetime = _when(default_factory=utcnow)
