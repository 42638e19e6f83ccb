"""``codriver demo``: the main job on the embedded region and model, offline.

Imports the embedded region if needed, summarises it, then has the agents plan a day
from a free-text request with the configured model (the embedded SmolLM2 by default)
and prints the itinerary with the explanation of every stop. In a terminal (or with
``--serve``) it then serves the web app with that plan stored for a local demo account.
"""

from __future__ import annotations

import sys
import time
from typing import Annotated, Any

import typer

from codriver.cli._context import runtime
from codriver.cli._output import JsonOption, console, print_json

DEFAULT_REQUEST = "Tomorrow a museum, a walk in a park and a vegetarian lunch, back by 17:00"


def demo(  # noqa: PLR0917  (typer options)
    request: Annotated[str, typer.Option("--request", help="the trip in your own words")] = DEFAULT_REQUEST,
    start: Annotated[str | None, typer.Option("--from", help="start place (default: a central one)")] = None,
    llm: Annotated[str | None, typer.Option("--llm", help="local, openai, replay or none")] = None,
    region_name: Annotated[str | None, typer.Option("--region", help="region (default: the configured one)")] = None,
    as_json: JsonOption = False,
    serve: Annotated[
        bool | None,
        typer.Option("--serve/--no-serve", help="then serve the web app with the plan (default: in a terminal)"),
    ] = None,
    port: Annotated[int, typer.Option(min=1, max=65535, help="web app port on 127.0.0.1")] = 8000,
) -> None:
    """Summarise the region and plan a day from free text with the agents."""
    import asyncio  # noqa: PLC0415  (not needed for --help)

    from codriver.agents import TripAssistant  # noqa: PLC0415  (AutoGen loads slowly)
    from codriver.cli._context import resolve_point  # noqa: PLC0415
    from codriver.cli._plan import print_itinerary  # noqa: PLC0415
    from codriver.planning import Location, RegionTools  # noqa: PLC0415
    from codriver.regions import region_summary  # noqa: PLC0415
    from codriver.tools.geo import LatLon  # noqa: PLC0415

    with runtime() as rt:
        tools = RegionTools.load(rt, region_name)
        region = tools.region
        if start is not None:
            point, label = resolve_point(rt, region, start)
        else:
            # The region's most central named place is a fair start anywhere.
            centre = ((region.min_lat + region.max_lat) / 2, (region.min_lon + region.max_lon) / 2)
            named = [e for e in tools.places.index.entries if e.name and e.category not in {"parking", "toilets"}]
            best = min(named, key=lambda e: ((e.lat - centre[0]) ** 2 + (e.lon - centre[1]) ** 2, e.poi_id))
            point, label = LatLon(best.lat, best.lon), best.name or best.poi_id
        origin = Location(lat=point[0], lon=point[1], name=label)
        client = None if llm == "none" else rt.chat_client(llm)
        assistant = TripAssistant(tools, client=client, origin=origin)
        started = time.perf_counter()
        reply = asyncio.run(assistant.send(request))
        elapsed = time.perf_counter() - started
    summary = region_summary(region)
    if as_json:
        result: dict[str, Any] = {"region": summary, "request": request, "from": label, **reply.as_dict()}
        result["seconds"] = round(elapsed, 2)
        print_json(result)
        return
    console.print(f"[bold]Region {region.name}[/bold] ({region.timezone}) — {region.attribution}")
    console.print(
        f"  {region.node_count} road nodes, {region.edge_count} edges, "
        f"{region.place_count} places, {region.charger_count} chargers"
    )
    console.print(f"[bold]Request[/bold] from {label}: {request}")
    if reply.itinerary is not None:
        print_itinerary(reply.itinerary)
    console.print(f"[bold]{reply.agent}[/bold]: {reply.text}", soft_wrap=True)
    usage = reply.usage
    console.print(
        f"{elapsed:.1f} s; model: {usage.calls} calls, {usage.prompt_tokens} prompt + "
        f"{usage.completion_tokens} completion tokens",
        markup=False,
    )
    if reply.itinerary is None:
        raise typer.Exit(1)
    if serve is None:
        serve = sys.stdin.isatty() and sys.stdout.isatty()
    if serve:
        from codriver.cli._demo_web import serve_demo, store_demo_trip  # noqa: PLC0415

        with runtime(show_progress=False) as rt:
            trip_id, password = store_demo_trip(rt, reply.itinerary, title=request)
            serve_demo(rt, host="127.0.0.1", port=port, trip_id=trip_id, password=password, say=console.print)
    else:
        console.print("Web app: `codriver demo --serve` (or `codriver serve`) serves it at http://127.0.0.1:8000/")
