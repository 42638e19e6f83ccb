"""What every geocoder answers, and the :class:`Geocoder` protocol."""

from __future__ import annotations

from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

__all__ = ["GeocodeKind", "GeocodeResult", "Geocoder"]

GeocodeKind = Literal["place", "street", "address", "locality"]


class GeocodeResult(BaseModel):
    """One answer to a geocoding query (WGS84 degrees)."""

    name: str = Field(description="the name to show: a place's own name, a street name or an address")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    kind: GeocodeKind
    place_id: str | None = Field(
        default=None, description="catalogue ID (osm:node/123) when the result is a place of the region's catalogue"
    )
    category: str | None = Field(default=None, description="catalogue category, highway type or provider type")
    score: float = Field(ge=0, le=1, description="how well the query matched, 1 is exact")
    source: str = Field(description="which geocoder answered: gazetteer or nominatim")
    matched: str | None = Field(default=None, description="the name that matched, e.g. a Swedish name:sv")
    raw: dict[str, Any] | None = Field(default=None, description="the provider's own answer, if any")


class Geocoder(Protocol):
    """Names to positions: the best matches first, at most ``limit`` of them."""

    async def geocode(self, query: str, *, limit: int = 5) -> list[GeocodeResult]: ...
