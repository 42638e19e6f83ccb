"""``codriver route``: the fastest drive between places of a region, through optional stops."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import typer

from codriver.cli._context import resolve_point, runtime
from codriver.cli._output import JsonOption, console, print_json
from codriver.errors import InputError

if TYPE_CHECKING:
    from codriver.tools.geo import LatLon
    from codriver.tools.routing import Route

__all__ = ["command", "parse_depart"]

_POINT_HELP = "a place or street name of the region, a catalogue ID (osm:node/1), street:NAME or LAT,LON"
# Snaps farther than this from the requested point are worth telling a person about.
_NOTABLE_SNAP_M = 100.0


def parse_depart(text: str | None, zone: ZoneInfo) -> datetime | None:
    """An ISO 8601 ``--depart`` as an aware time in ``zone``; a naive time is local to ``zone``."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        msg = f"--depart {text!r} is not an ISO 8601 time: use e.g. 2025-06-14T09:30 or 2025-06-14T09:30+03:00"
        raise InputError(msg, field="depart") from exc
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value.astimezone(zone)


def command(
    *,
    origin: Annotated[str, typer.Option("--from", help=f"start: {_POINT_HELP}")],
    destination: Annotated[str, typer.Option("--to", help=f"end: {_POINT_HELP}")],
    via: Annotated[list[str] | None, typer.Option("--via", help="a stop on the way, in order (repeatable)")] = None,
    depart: Annotated[
        str | None, typer.Option(help="departure time, ISO 8601; without an offset: the region's local time")
    ] = None,
    region_name: Annotated[
        str | None, typer.Option("--region", help="region name (default: the configured one)")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The fastest drive from --from to --to through the --via stops: distance, time, geometry."""
    import asyncio  # noqa: PLC0415  (not needed for --help)

    queries = [origin, *(via or []), destination]
    with runtime() as rt:
        region = rt.region(region_name)
        depart_at = parse_depart(depart, ZoneInfo(region.timezone))
        resolved = [resolve_point(rt, region, query) for query in queries]
        points = [point for point, _ in resolved]
        route = asyncio.run(rt.router(region).route(points[0], points[-1], points[1:-1], depart_at))
    labels = [label for _, label in resolved]
    if as_json:
        print_json(_document(route, region.name, queries, resolved))
        return
    _print(route, region.name, labels)


def _document(route: Route, region: str, queries: list[str], resolved: list[tuple[LatLon, str]]) -> dict[str, Any]:
    """The Route model as JSON, with the region and how each argument was resolved."""
    document: dict[str, Any] = route.model_dump(mode="json")
    document["region"] = region
    document["points"] = [
        {"query": query, "label": label, "lat": point.lat, "lon": point.lon}
        for query, (point, label) in zip(queries, resolved, strict=True)
    ]
    return document


def _print(route: Route, region: str, labels: list[str]) -> None:
    from codriver.tools.routing import arrival  # noqa: PLC0415  (the CLI imports tools when a verb runs)

    console.print(f"{region}: {labels[0]} -> {labels[-1]} ({route.provider} router)", markup=False, soft_wrap=True)
    leave = route.depart_at
    for i, leg in enumerate(route.legs):
        reach = arrival(leave, leg.duration_s)
        times = f", {leave:%H:%M} -> {reach:%H:%M}" if leave and reach else ""
        line = f"  {i + 1}. {labels[i]} -> {labels[i + 1]}: {_km(leg.distance_m)}, {_duration(leg.duration_s)}{times}"
        console.print(line, markup=False, soft_wrap=True)
        leave = reach
    total = f"  total: {_km(route.distance_m)}, {_duration(route.duration_s)}"
    if route.depart_at and route.arrive_at:
        total += f", depart {route.depart_at.isoformat(timespec='minutes')}"
        total += f", arrive {route.arrive_at.isoformat(timespec='minutes')}"
    console.print(total, markup=False, soft_wrap=True)
    snaps = [route.legs[0].start, *(leg.end for leg in route.legs)]
    for label, snap in zip(labels, snaps, strict=True):
        if snap.distance_m > _NOTABLE_SNAP_M:
            note = f"  note: {label} is {snap.distance_m:.0f} m from the nearest road; the drive starts or ends there"
            console.print(note, markup=False, soft_wrap=True)


def _km(metres: float) -> str:
    return f"{metres / 1000:.2f} km"


def _duration(seconds: float) -> str:
    """``"1 h 05 min"``, ``"4 min 12 s"`` or ``"37 s"``."""
    whole = round(seconds)
    if whole >= 3600:
        hours, minutes = divmod(round(whole / 60), 60)
        return f"{hours} h {minutes:02d} min"
    minutes, secs = divmod(whole, 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
