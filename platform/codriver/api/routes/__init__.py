"""One router per resource; all mounted under ``/v1``."""

from fastapi import APIRouter

from codriver.api.routes import (
    auth,
    basemap,
    changes,
    chargers,
    commands,
    exports,
    feedback,
    headunit,
    places,
    plan,
    preferences,
    regions,
    shared,
    shares,
    stream,
    trips,
    vehicles,
)

__all__ = ["ROUTERS"]

# The head-unit's hot paths first: routes are matched in order.
ROUTERS: tuple[APIRouter, ...] = (
    headunit.router,
    auth.router,
    vehicles.router,
    commands.router,
    preferences.router,
    trips.router,
    changes.router,
    chargers.router,
    regions.router,
    basemap.router,
    places.router,
    plan.router,
    stream.router,
    feedback.router,
    shares.router,
    exports.router,
    shared.router,
)
