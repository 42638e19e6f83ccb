"""``codriver replan``: repair an itinerary after an event (delay, closure, wish, ...)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codriver.cli._context import runtime
from codriver.cli._output import JsonOption, console, print_json
from codriver.cli._plan import VIOLATIONS_EXIT, print_itinerary

__all__ = ["command"]


def command(
    *,
    itinerary_file: Annotated[Path, typer.Option("--itinerary", help="the itinerary JSON being followed")],
    event_file: Annotated[
        Path, typer.Option("--event", help="event JSON: {event: {kind: delay|place_closed|...}, state | at}")
    ],
    as_json: JsonOption = False,
) -> None:
    """Re-plan the rest of the day from the trip's state after an event; show what changed and why.

    Exit status 3 when the repaired plan still has errors.
    """
    from codriver.planning import Itinerary, RegionTools, ReplanInput, read_model, replan  # noqa: PLC0415  (OR-Tools)

    itinerary = read_model(itinerary_file, Itinerary, "itinerary")
    event = read_model(event_file, ReplanInput, "event")
    with runtime() as rt:
        tools = RegionTools.load(rt, itinerary.region or (itinerary.request.region if itinerary.request else None))
        result = replan(itinerary, event.event, tools, state=event.state, at=event.at)
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        print_itinerary(result.itinerary)
        diff = result.diff
        console.print(f"kept: {', '.join(diff.kept) or '-'}", markup=False, soft_wrap=True)
        for poi, why in diff.dropped.items():
            console.print(f"dropped {poi}: {why}", markup=False, soft_wrap=True)
        console.print(f"added: {', '.join(diff.added) or '-'}", markup=False, soft_wrap=True)
    if result.itinerary.status != "feasible":
        raise typer.Exit(VIOLATIONS_EXIT)
