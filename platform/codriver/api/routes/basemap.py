"""The basemap: a region's vector tiles (drawn at import) and the glyphs of its labels.

Public, like the OpenStreetMap data they are made of (ODbL), so that a shared trip opened
signed out gets the same map, and so that browsers and proxies may cache them. A region
without tiles (tilemaker was missing at its import) answers 404 on ``tiles.json``: the
web app then draws its SVG map.
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Path, Request, Response
from sqlmodel import select

from codriver.api._deps import ServicesDep
from codriver.api._glyphs import FONTS, glyph_range
from codriver.api._services import Services
from codriver.errors import InputError
from codriver.regions.tiles import TileSet, decompress, open_tiles
from codriver.store import RecordNotFound, Region, session_scope

router = APIRouter(tags=["basemap"])

RegionName = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
MVT = "application/vnd.mapbox-vector-tile"
_TILE_CACHE = "public, max-age=86400"  # a re-import changes the ?v= of every tile URL (tiles.json)
_GLYPH_CACHE = "public, max-age=604800"
#: MapLibre GL JS as `make web-vendor` copies it into the web app (absent without npm)
MAPLIBRE = "vendor/maplibre-gl/maplibre-gl.mjs"
_WEB_DIR = FilePath(__file__).resolve().parents[1] / "web"


def _tiles(services: Services, name: str) -> TileSet:
    with session_scope(services.engine) as session:
        region = session.exec(select(Region).where(Region.name == name)).first()
    if region is None:
        msg = f"no region named {name!r} has been imported"
        raise RecordNotFound(msg, field="name")
    tiles = open_tiles(services.settings, region)
    if tiles is None:
        msg = (
            f"region {name!r} has no basemap tiles (tilemaker was unavailable at its import: "
            "install it and re-import the region); the web app draws its SVG map"
        )
        raise RecordNotFound(msg, field="name")
    return tiles


@router.get("/regions/{name}/tiles.json")
async def tilejson(name: RegionName, services: ServicesDep, request: Request, response: Response) -> dict[str, Any]:
    """TileJSON 3.0 of the region's vector tiles: URL template, zoom range, bounds, layers, attribution."""
    tiles = await anyio.to_thread.run_sync(_tiles, services, name)
    base = str(request.base_url).rstrip("/")
    west, south, east, north = tiles.bounds
    response.headers["Cache-Control"] = "no-cache"
    return {
        "tilejson": "3.0.0",
        "name": name,
        "scheme": "xyz",
        "tiles": [f"{base}/v1/regions/{name}/tiles/{{z}}/{{x}}/{{y}}.pbf?v={tiles.version}"],
        "minzoom": tiles.minzoom,
        "maxzoom": tiles.maxzoom,
        "bounds": [west, south, east, north],
        "center": [(west + east) / 2, (south + north) / 2, tiles.maxzoom],
        "attribution": "© OpenStreetMap contributors, ODbL 1.0",
        "vector_layers": [
            {"id": layer, "fields": {}} for layer in ("water", "waterway", "green", "building", "road", "rail", "place")
        ],
        "glyphs": f"{base}/v1/fonts/{{fontstack}}/{{range}}.pbf",
        "fonts": sorted(FONTS),
        # not TileJSON: the web app's renderer, null when MapLibre was not vendored (SVG map only)
        "renderer": MAPLIBRE if (_WEB_DIR / MAPLIBRE).is_file() else None,
    }


@router.get(
    "/regions/{name}/tiles/{z}/{x}/{y}.pbf",
    response_class=Response,
    responses={
        200: {"content": {MVT: {}}, "description": "a Mapbox Vector Tile (gzip-encoded when the client accepts it)"},
        204: {"description": "no map data in this tile"},
        404: {"description": "unknown region, a region without tiles, or a zoom outside the tile set"},
    },
)
async def tile(  # noqa: PLR0917  (FastAPI passes path parameters by name)
    name: RegionName,
    z: Annotated[int, Path(ge=0, le=24, description="zoom")],
    x: Annotated[int, Path(ge=0, description="column, 0 at 180° W")],
    y: Annotated[int, Path(ge=0, description="row, 0 at the north (XYZ, not TMS)")],
    services: ServicesDep,
    request: Request,
) -> Response:
    """One vector tile of the region's basemap (layers water, waterway, green, building, road, rail, place)."""
    for field, value in (("x", x), ("y", y)):
        if value >= 1 << z:
            msg = f"{field}={value} is outside zoom {z}: tiles there are numbered 0..{(1 << z) - 1}"
            raise InputError(msg, field=field)
    tiles = await anyio.to_thread.run_sync(_tiles, services, name)
    if not tiles.minzoom <= z <= tiles.maxzoom:
        msg = f"region {name!r} has tiles at zooms {tiles.minzoom}..{tiles.maxzoom}, not {z}"
        raise RecordNotFound(msg, field="z")
    etag = f'"{tiles.version}-{z}-{x}-{y}"'
    headers = {"Cache-Control": _TILE_CACHE, "ETag": etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    data = await anyio.to_thread.run_sync(tiles.tile, z, x, y)
    if data is None:
        return Response(status_code=204, headers=headers)
    if tiles.compressed and "gzip" in request.headers.get("accept-encoding", "").lower():
        headers["Content-Encoding"] = "gzip"
    else:
        data = decompress(data)
    return Response(content=data, media_type=MVT, headers=headers)


@router.get(
    "/fonts/{fontstack}/{start}-{end}.pbf",
    response_class=Response,
    responses={200: {"content": {"application/x-protobuf": {}}, "description": "SDF glyphs (glyphs.proto)"}},
)
async def glyphs(
    fontstack: Annotated[str, Path(max_length=200, description="comma-separated font names; the first we have wins")],
    start: Annotated[int, Path(ge=0, le=65280, description="first code point, a multiple of 256")],
    end: Annotated[int, Path(ge=255, le=65535, description="start + 255")],
) -> Response:
    """Label glyphs for the basemap, 256 code points at a time (``Codriver Sans``, ``Codriver Sans Bold``)."""
    if start % 256 or end != start + 255:
        msg = f"a glyph range is 256 code points from a multiple of 256 (such as 0-255), not {start}-{end}"
        raise InputError(msg, field="start")
    stack = next((f.strip() for f in fontstack.split(",") if f.strip() in FONTS), None)
    if stack is None:
        msg = f"no font among {fontstack!r}: the basemap's fonts are {', '.join(sorted(FONTS))}"
        raise RecordNotFound(msg, field="fontstack")
    data = await anyio.to_thread.run_sync(glyph_range, stack, start)
    return Response(content=data, media_type="application/x-protobuf", headers={"Cache-Control": _GLYPH_CACHE})
