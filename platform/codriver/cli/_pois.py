"""``codriver pois``: places of the region's catalogue, near a point or along a drive."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from codriver.cli._context import resolve_point, runtime
from codriver.cli._output import JsonOption, console, print_json
from codriver.errors import InputError
from codriver.regions.catalogue import CATEGORIES
from codriver.tools.places import DIETS

if TYPE_CHECKING:
    from codriver.tools.places import PlaceResult

__all__ = ["command"]

_DEFAULT_RADIUS_M = 1000.0


def _parse_time(text: str, timezone: str) -> datetime:
    """An ISO 8601 time; without an offset it is read in the region's zone."""
    from codriver.tools.opening_hours import region_zone  # noqa: PLC0415  (the CLI imports tools when a verb runs)

    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        msg = f"--open-at {text!r} is not an ISO 8601 time such as 2024-06-01T12:00 or 2024-06-01T12:00+03:00"
        raise InputError(msg, field="open_at") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=region_zone(timezone))
    return value


def command(
    *,
    near: Annotated[
        str | None, typer.Option("--near", help="PLACE or LAT,LON: nearest first, within --radius-m")
    ] = None,
    radius_m: Annotated[
        float | None, typer.Option("--radius-m", min=1.0, help="with --near: metres (default 1000)")
    ] = None,
    category: Annotated[
        list[str] | None, typer.Option("--category", help=f"repeatable; one of: {', '.join(CATEGORIES)}")
    ] = None,
    cuisine: Annotated[list[str] | None, typer.Option("--cuisine", help="repeatable, any of (OSM cuisine)")] = None,
    diet: Annotated[list[str] | None, typer.Option("--diet", help=f"repeatable, all of: {', '.join(DIETS)}")] = None,
    open_at: Annotated[
        str | None,
        typer.Option("--open-at", help="ISO time the place must be open; without offset: the region's local time"),
    ] = None,
    include_unknown_hours: Annotated[
        bool, typer.Option("--include-unknown-hours", help="with --open-at: keep places whose hours are unknown")
    ] = False,
    wheelchair: Annotated[bool, typer.Option("--wheelchair", help="only places tagged wheelchair=yes")] = False,
    along_from: Annotated[str | None, typer.Option("--along-from", help="PLACE or LAT,LON: start of the drive")] = None,
    along_to: Annotated[str | None, typer.Option("--along-to", help="PLACE or LAT,LON: end of the drive")] = None,
    max_detour_min: Annotated[
        float, typer.Option("--max-detour-min", min=0.0, help="along a drive: longest extra drive, minutes")
    ] = 10.0,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="at most this many places")] = 20,
    region_name: Annotated[str | None, typer.Option("--region", help="region name (default: configured)")] = None,
    as_json: JsonOption = False,
) -> None:
    """Find places: near a point, along a drive (by exact detour), by category, diet, hours."""
    along = along_from is not None or along_to is not None
    if along and (along_from is None or along_to is None):
        msg = "give both --along-from and --along-to to search along a drive"
        raise InputError(msg, field="along_to" if along_to is None else "along_from")
    if along and near is not None:
        msg = "--near cannot be combined with --along-from/--along-to: search near a point or along a drive"
        raise InputError(msg, field="near")
    from codriver.tools.places import make_query  # noqa: PLC0415

    with runtime() as rt:
        region = rt.region(region_name)
        point = resolve_point(rt, region, near)[0] if near is not None else None
        query = make_query(
            categories=category or [],
            cuisine=cuisine or [],
            diets=diet or [],
            wheelchair=wheelchair,
            open_at=_parse_time(open_at, region.timezone) if open_at is not None else None,
            include_unknown_hours=include_unknown_hours,
            near=point,
            radius_m=radius_m if radius_m is not None or point is None else _DEFAULT_RADIUS_M,
            limit=limit,
        )
        if along_from is not None and along_to is not None:
            origin = resolve_point(rt, region, along_from)[0]
            destination = resolve_point(rt, region, along_to)[0]
            results = rt.places(region).along_route_sync(
                origin, destination, query=query, max_detour_s=max_detour_min * 60
            )
        else:
            results = rt.places(region).search_sync(query)
    if as_json:
        print_json([r.model_dump(mode="json") for r in results])
        return
    _print_table(results, along=along)


def _hours_text(result: PlaceResult) -> str:
    hours = result.hours
    text: str = hours.state
    if hours.open_until is not None:
        text += f" until {hours.open_until:%a %H:%M}"
    elif hours.opens_at is not None:
        text += f", opens {hours.opens_at:%a %H:%M}"
    if hours.comment:
        text += f" ({hours.comment})"
    return text


def _print_table(results: list[PlaceResult], *, along: bool) -> None:
    if not results:
        console.print("no places match")
        return
    from rich.table import Table  # noqa: PLC0415

    table = Table("name", "category", "cuisine", "detour" if along else "distance", "hours", "id")
    for r in results:
        if along:
            how_far = f"+{(r.detour_s or 0) / 60:.1f} min (leg {r.leg})"
        else:
            how_far = f"{r.distance_m:.0f} m" if r.distance_m is not None else ""
        subcategory = f" / {r.subcategory}" if r.subcategory else ""
        table.add_row(
            r.name or "(unnamed)",
            r.category + subcategory,
            ", ".join(r.cuisine),
            how_far,
            _hours_text(r),
            r.poi_id,
        )
    console.print(table)
