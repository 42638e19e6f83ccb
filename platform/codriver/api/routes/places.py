"""Place search for the web app's start, end and "add a stop" fields: type-ahead over a region's names."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Query

from codriver.api._deps import ServicesDep, get_user
from codriver.api._ports import PlaceHit
from codriver.api.routes.regions import RegionName
from codriver.errors import InputError, RegionNotFound
from codriver.store import RecordNotFound
from codriver.tools.geo import parse_latlon

router = APIRouter(prefix="/regions", tags=["regions"], dependencies=[Depends(get_user)])

MIN_QUERY = 2
MAX_QUERY = 80


@router.get("/{name}/places/search", response_model=list[PlaceHit])
async def search(
    name: RegionName,
    services: ServicesDep,
    q: Annotated[str, Query(max_length=200, description="what the traveller typed: part of a place or street name")],
    near: Annotated[str | None, Query(max_length=60, description="LAT,LON to measure distances from")] = None,
    limit: Annotated[int, Query(ge=1, le=20)] = 8,
) -> list[PlaceHit]:
    """Catalogue places and streets of the region whose names match ``q``, best first, with distance from ``near``."""
    text = " ".join(q.split())
    if len(text) < MIN_QUERY:
        msg = f"type at least {MIN_QUERY} letters of a place or street name"
        raise InputError(msg, field="q")
    if len(text) > MAX_QUERY:
        msg = f"a place name is at most {MAX_QUERY} characters: shorten it"
        raise InputError(msg, field="q")
    point = parse_latlon(near) if near else None
    if near and point is None:
        msg = "near must be a position written as LAT,LON, e.g. 60.17,24.94"
        raise InputError(msg, field="near")
    try:
        return await anyio.to_thread.run_sync(
            lambda: services.planner.search_places(name, text, near=point, limit=limit)
        )
    except RegionNotFound as exc:  # a path names a resource: unknown is 404
        raise RecordNotFound(str(exc), field="name") from exc
