"""Response models of share links and of the read-only view a link opens."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from codriver.api._trip_schemas import ItineraryVersionPublic

__all__ = ["ShareCreated", "SharePublic", "SharedTrip"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SharePublic(_Strict):
    id: int
    created_at: datetime
    revoked_at: datetime | None = Field(description="when the link stopped working; null while it works")


class ShareCreated(SharePublic):
    token: str = Field(description="the link's secret: shown only in this answer")
    url: str = Field(description="the web app's read-only page of the trip")


class SharedTrip(_Strict):
    """What a share link shows: the trip's plan without its owner, vehicle or request."""

    title: str
    status: str
    region: str | None
    depart_at: datetime | None
    return_by: datetime | None
    currency: str
    shared_at: datetime
    itinerary: ItineraryVersionPublic | None = Field(description="the newest version, without the request it answers")
