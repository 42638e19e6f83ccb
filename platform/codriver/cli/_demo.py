"""``codriver demo``: the main job on the embedded region, offline."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from sqlmodel import select

from codriver.cli._context import runtime
from codriver.cli._output import JsonOption, console, print_json
from codriver.regions import region_summary
from codriver.store import Place, session_scope
from codriver.tools.geo import LatLon


def demo(
    region_name: Annotated[str | None, typer.Option("--region", help="region (default: the configured one)")] = None,
    as_json: JsonOption = False,
) -> None:
    """Import the embedded region if needed, summarise it and drive between two of its places."""
    with runtime() as rt:
        region = rt.region(region_name)
        with session_scope(rt.engine) as session:
            places = session.exec(
                select(Place)
                .where(Place.region_id == region.id, Place.name.is_not(None))  # type: ignore[union-attr]
                .where(Place.category.in_(("museum", "attraction", "restaurant", "cafe", "park")))  # type: ignore[attr-defined]
                .order_by(Place.place_id)
            ).all()
        if len(places) < 2:
            console.print(f"region {region.name} has fewer than two named places to drive between")
            raise typer.Exit(1)
        # The two places farthest apart west to east make a drive across the region.
        west = min(places, key=lambda p: (p.lon, p.place_id))
        east = max(places, key=lambda p: (p.lon, p.place_id))
        route = rt.router(region).route_sync(LatLon(west.lat, west.lon), LatLon(east.lat, east.lon))
    summary = region_summary(region)
    drive: dict[str, Any] = {
        "from": {"poi_id": west.place_id, "name": west.name, "category": west.category},
        "to": {"poi_id": east.place_id, "name": east.name, "category": east.category},
        "distance_m": round(route.distance_m, 1),
        "duration_s": round(route.duration_s, 1),
    }
    if as_json:
        print_json({"region": summary, "drive": drive})
        return
    console.print(f"[bold]Region {region.name}[/bold] ({region.timezone}) — {region.attribution}")
    console.print(
        f"  {region.node_count} road nodes, {region.edge_count} edges, "
        f"{region.place_count} places, {region.charger_count} chargers"
    )
    console.print(
        f"[bold]Fastest drive[/bold] from {west.name} ({west.category}, {west.place_id}) "
        f"to {east.name} ({east.category}, {east.place_id}):"
    )
    console.print(f"  {route.distance_m / 1000:.2f} km in {route.duration_s / 60:.1f} min")
