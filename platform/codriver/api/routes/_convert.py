"""Rows to response models."""

from __future__ import annotations

from codriver.api._schemas import CommandPublic, VehiclePublic
from codriver.api._services import Services
from codriver.api._trip_schemas import ItineraryVersionPublic, ItineraryVersionSummary, TripDetail, TripPublic
from codriver.store import ItineraryRow, QueuedCommand, Trip, Vehicle

__all__ = ["command_public", "trip_detail", "trip_public", "vehicle_public", "version_public", "version_summary"]


def vehicle_public(vehicle: Vehicle) -> VehiclePublic:
    data = vehicle.model_dump(exclude={"api_key_hash", "user_id"})
    return VehiclePublic.model_validate({**data, "has_api_key": vehicle.api_key_hash is not None})


def command_public(row: QueuedCommand) -> CommandPublic:
    return CommandPublic.model_validate(row.model_dump(exclude={"vehicle_id"}))


def trip_public(trip: Trip, services: Services) -> TripPublic:
    return TripPublic.model_validate(
        {**trip.model_dump(exclude={"user_id", "region_id"}), "region": services.trips.region_name(trip)}
    )


def version_summary(row: ItineraryRow) -> ItineraryVersionSummary:
    return ItineraryVersionSummary(version=row.version, status=row.status, reason=row.reason, created_at=row.created_at)


def version_public(row: ItineraryRow, services: Services) -> ItineraryVersionPublic:
    return ItineraryVersionPublic(
        version=row.version,
        status=row.status,
        reason=row.reason,
        created_at=row.created_at,
        itinerary=services.trips.itinerary_of(row),
    )


def trip_detail(trip: Trip, row: ItineraryRow | None, services: Services) -> TripDetail:
    public = trip_public(trip, services)
    return TripDetail.model_validate(
        {**public.model_dump(), "itinerary": version_public(row, services) if row is not None else None}
    )
