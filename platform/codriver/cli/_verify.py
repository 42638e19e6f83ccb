"""``codriver verify``: check any itinerary JSON against the region's tools."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codriver.cli._context import runtime
from codriver.cli._output import JsonOption, console, print_json
from codriver.cli._plan import VIOLATIONS_EXIT
from codriver.errors import InputError

__all__ = ["command"]


def command(
    itinerary_file: Annotated[Path, typer.Argument(help="itinerary JSON (see `codriver schema itinerary`)")],
    *,
    region_name: Annotated[
        str | None, typer.Option("--region", help="region name (default: the itinerary's, else the configured one)")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Recompute travel times, opening hours, costs and state of charge; list the violations.

    The requirements (time window, budget, meals, must-visits, the kinds of place asked for
    in words, vehicle) come from the itinerary's ``request``; a trip of several days is
    checked day by day and along its chain of nights. Exit status 3 when there is at least
    one error.
    """
    from codriver.planning import (  # noqa: PLC0415  (OR-Tools)
        Itinerary,
        RegionTools,
        RegionWorld,
        Requirements,
        read_model,
        verify,
        verify_trip,
    )

    itinerary = read_model(itinerary_file, Itinerary, "itinerary")
    if itinerary.request is None:
        msg = "the itinerary has no `request`: the verifier needs the trip request to check against"
        raise InputError(msg, field="request")
    with runtime() as rt:
        tools = RegionTools.load(rt, region_name or itinerary.region or itinerary.request.region)
        world = RegionWorld(tools, itinerary.request)
        if itinerary.request.multi_day:  # several days: each day, and the chain of days and nights
            violations = verify_trip(itinerary, tools)
        else:
            violations = verify(
                itinerary, world, Requirements.from_request(itinerary.request, tools.zone, world, interests=True)
            )
    errors = [v for v in violations if v.severity == "error"]
    if as_json:
        print_json(
            {
                "valid": not errors,
                "errors": len(errors),
                "warnings": len(violations) - len(errors),
                "violations": [v.model_dump(mode="json") for v in violations],
            }
        )
    else:
        for v in violations:
            where = f" (stop {v.stop_index})" if v.stop_index is not None else ""
            console.print(f"{v.severity} {v.code}{where}: {v.message}", markup=False, soft_wrap=True)
        console.print(
            f"{'valid' if not errors else 'INVALID'}: {len(errors)} errors, {len(violations) - len(errors)} warnings"
        )
    if errors:
        raise typer.Exit(VIOLATIONS_EXIT)
