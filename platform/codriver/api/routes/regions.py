"""Regions: the imported OSM extracts and their roads for the web app's offline map."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Path, Response

from codriver.api._deps import ServicesDep, get_user
from codriver.api._ports import RegionBrief, RegionMap
from codriver.errors import RegionNotFound
from codriver.store import RecordNotFound

# signed-in users only (the map is not secret, but serving it costs)
router = APIRouter(prefix="/regions", tags=["regions"], dependencies=[Depends(get_user)])

RegionName = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


@router.get("", response_model=list[RegionBrief])
async def regions(services: ServicesDep) -> list[RegionBrief]:
    """Every imported region, the default one first."""
    return await anyio.to_thread.run_sync(services.planner.regions)


@router.get("/{name}/map", response_model=RegionMap)
async def region_map(name: RegionName, services: ServicesDep, response: Response) -> RegionMap:
    """The region's roads (from its own drive graph) as polylines per class, for a map that needs no tiles."""
    try:
        found = await anyio.to_thread.run_sync(services.planner.region_map, name)
    except RegionNotFound as exc:  # a path names a resource: unknown is 404
        raise RecordNotFound(str(exc), field="name") from exc
    response.headers["Cache-Control"] = "private, max-age=3600"
    return found
