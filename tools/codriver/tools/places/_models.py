"""Place search: the query, the result every provider returns, and the protocol.

Distances are metres, detours seconds, datetimes aware (the region's zone in results).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from codriver.errors import InputError
from codriver.tools.geo import LatLon
from codriver.tools.opening_hours import HoursStatus
from codriver.tools.places._vocabulary import CATEGORIES, DIETS

__all__ = ["DIETS", "PlaceCatalog", "PlaceQuery", "PlaceResult", "make_query", "normalise_cuisine"]

MAX_LIMIT = 500


def normalise_cuisine(value: str) -> str:
    """A cuisine as the catalogue stores it: lower case, spaces as underscores."""
    return value.strip().lower().replace(" ", "_")


class PlaceQuery(BaseModel):
    """What to look for; every filter is optional and they all apply together."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    categories: list[str] = Field(
        default_factory=list,
        description="any of these categories",
        json_schema_extra={"items": {"type": "string", "enum": list(CATEGORIES)}},
    )
    cuisine: list[str] = Field(default_factory=list, description="any of these OSM cuisines, e.g. pizza, thai")
    diets: list[str] = Field(
        default_factory=list,
        description="all of these diets served (diet:*=yes|only)",
        json_schema_extra={"items": {"type": "string", "enum": list(DIETS)}},
    )
    diet_limited_ok: bool = Field(default=False, description="also accept diet:*=limited")
    max_price_level: int | None = Field(
        default=None, ge=1, le=4, description="exclude places tagged more expensive; untagged pass"
    )
    no_fee: bool = Field(default=False, description="exclude places tagged fee=yes; untagged pass")
    wheelchair: bool = Field(default=False, description="only places tagged wheelchair=yes|designated")
    open_at: datetime | None = Field(
        default=None, description="only places open at this aware time; hours are reported for it"
    )
    include_unknown_hours: bool = Field(
        default=False, description="with open_at: keep places whose hours are unknown there"
    )
    near: LatLon | None = Field(default=None, description="sort by distance from this point (lat, lon)")
    radius_m: float | None = Field(default=None, gt=0, description="with near: at most this many metres away")
    name: str | None = Field(default=None, min_length=1, description="case-insensitive part of the name")
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, value: list[str]) -> list[str]:
        cleaned = [c.strip().lower() for c in value]
        unknown = sorted({c for c in cleaned if c not in CATEGORIES})
        if unknown:
            msg = f"unknown category {', '.join(map(repr, unknown))}; valid categories: {', '.join(CATEGORIES)}"
            raise InputError(msg, field="categories")
        return list(dict.fromkeys(cleaned))

    @field_validator("diets")
    @classmethod
    def _known_diets(cls, value: list[str]) -> list[str]:
        cleaned = [d.strip().lower().replace("-", "_") for d in value]
        unknown = sorted({d for d in cleaned if d not in DIETS})
        if unknown:
            msg = f"unknown diet {', '.join(map(repr, unknown))}; valid diets: {', '.join(DIETS)}"
            raise InputError(msg, field="diets")
        return list(dict.fromkeys(cleaned))

    @field_validator("cuisine")
    @classmethod
    def _cuisines(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(normalise_cuisine(c) for c in value if c.strip()))

    @field_validator("open_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and (value.tzinfo is None or value.utcoffset() is None):
            msg = f"open_at={value.isoformat()} has no UTC offset: give an aware time such as 2024-06-01T12:00+03:00"
            raise InputError(msg, field="open_at")
        return value

    @field_validator("near")
    @classmethod
    def _in_range(cls, value: LatLon | None) -> LatLon | None:
        if value is not None and not (-90 <= value.lat <= 90 and -180 <= value.lon <= 180):
            msg = f"near={value.lat},{value.lon} is out of range (latitude -90..90, longitude -180..180)"
            raise InputError(msg, field="near")
        return value

    @model_validator(mode="after")
    def _radius_needs_a_point(self) -> PlaceQuery:
        if self.radius_m is not None and self.near is None:
            msg = "radius_m needs a point to measure from: give near as well"
            raise InputError(msg, field="radius_m")
        return self


def make_query(**fields: Any) -> PlaceQuery:
    """A :class:`PlaceQuery`; invalid values become an :class:`InputError` naming the field."""
    try:
        return PlaceQuery(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"]) or "query"
        msg = f"invalid place query: {name}: {first['msg']}"
        raise InputError(msg, field=name) from exc


class PlaceResult(BaseModel):
    """One catalogue place with the facts an agent may quote about it."""

    poi_id: str = Field(description="catalogue ID, e.g. osm:node/123")
    name: str | None
    category: str
    subcategory: str | None = None
    cuisine: list[str] = Field(default_factory=list)
    diets: dict[str, str] = Field(default_factory=dict, description="diet -> yes|only|limited|no")
    lat: float
    lon: float
    price_level: int | None = Field(default=None, description="1 cheap .. 4 expensive")
    fee: bool | None = None
    wheelchair: str | None = None
    opening_hours: str | None = Field(default=None, description="the raw OSM opening_hours tag")
    hours: HoursStatus = Field(description="opening-hours state at the asked time")
    distance_m: float | None = Field(
        default=None, description="search: metres from the query point; along a route: metres from the route"
    )
    detour_s: float | None = Field(default=None, description="along a route: exact extra seconds to visit it")
    leg: int | None = Field(default=None, description="along a route: index of the leg it is inserted into")
    access_m: float | None = Field(
        default=None, description="along a route: metres from the place to the road node the detour reaches"
    )
    arrive_at: datetime | None = Field(
        default=None, description="along a route with a departure time: estimated arrival at the place"
    )


class PlaceCatalog(Protocol):
    """Finding catalogue places: around a point, by attributes, and along a route."""

    async def search(self, query: PlaceQuery) -> list[PlaceResult]: ...

    async def along_route(
        self,
        origin: LatLon,
        destination: LatLon,
        waypoints: Sequence[LatLon] = (),
        query: PlaceQuery | None = None,
        *,
        max_detour_s: float,
        depart_at: datetime | None = None,
    ) -> list[PlaceResult]: ...

    async def get(self, poi_id: str, *, at: datetime | None = None) -> PlaceResult: ...
