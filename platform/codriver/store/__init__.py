"""Persistence: SQLModel tables, engine and migrations, and the data functions over them."""

from codriver.store.db import make_engine, migrate, session_scope
from codriver.store.models import (
    ChargingStation,
    Feedback,
    Itinerary,
    Place,
    Preferences,
    Recommendation,
    Region,
    Stop,
    Trip,
    TripEvent,
    User,
    Vehicle,
)

__all__ = [
    "ChargingStation",
    "Feedback",
    "Itinerary",
    "Place",
    "Preferences",
    "Recommendation",
    "Region",
    "Stop",
    "Trip",
    "TripEvent",
    "User",
    "Vehicle",
    "make_engine",
    "migrate",
    "session_scope",
]
