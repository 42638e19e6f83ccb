"""``codriver plan``: run the planning engine on a trip request (no LLM) and print the itinerary."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from codriver.cli._context import runtime
from codriver.cli._output import JsonOption, console, print_json
from codriver.errors import InputError

if TYPE_CHECKING:
    from codriver.planning import Itinerary, ItineraryLeg

__all__ = ["QUESTION_EXIT", "VIOLATIONS_EXIT", "command", "print_itinerary"]

#: Exit status when the itinerary has errors (the plan, or the verified file, is not feasible).
VIOLATIONS_EXIT = 3
#: Exit status when the agents ask a question before they can plan.
QUESTION_EXIT = 4


def _leg_text(leg: ItineraryLeg) -> str:
    """A walk, or a drive to a parking place, in words (park and walk)."""
    if leg.mode == "walk":
        return f"walk {leg.distance_m:.0f} m, {leg.duration_s / 60:.0f} min (the car stays parked)"
    park = f"; park: {leg.park.name}" if leg.park is not None else ""
    walk = f", walk {leg.walk_m:.0f} m" if leg.walk_m else ""
    return f"drive {leg.distance_m / 1000:.1f} km, {leg.duration_s / 60:.0f} min{park}{walk}"


def print_itinerary(itinerary: Itinerary) -> None:
    """The itinerary for people: one line per stop, the totals and the violations; day by day for several days."""
    from rich.table import Table  # noqa: PLC0415

    if itinerary.request is not None and itinerary.request.multi_day:
        from codriver.cli._plan_days import print_days  # noqa: PLC0415

        print_days(itinerary, print_itinerary)
        return

    table = Table(show_edge=False, pad_edge=False)
    for column in ("", "arrive", "depart", "kind", "stop", "why"):
        table.add_column(column, overflow="fold")
    legs = {leg.from_index: leg for leg in itinerary.legs}
    for i, stop in enumerate(itinerary.stops):
        leg = legs.get(i - 1)
        if leg is not None and (leg.mode == "walk" or leg.park is not None):  # park and walk: say how
            table.add_row("", "", "", leg.mode, _leg_text(leg), "")
        charge = (
            f" [{stop.soc_before:.0%}->{stop.soc_after:.0%}]" if stop.charges and stop.soc_before is not None else ""
        )
        table.add_row(
            str(i),
            stop.arrive_at.strftime("%H:%M") if stop.arrive_at else "",
            stop.depart_at.strftime("%H:%M") if stop.depart_at else "",
            stop.meal or stop.kind,
            f"{stop.name}{charge}",
            stop.explanation,
        )
    console.print(table)
    t = itinerary.totals
    dropped = len(itinerary.relaxed)
    status = f"{itinerary.status}, {dropped} wish{'es' if dropped > 1 else ''} not met" if dropped else itinerary.status
    console.print(
        f"{status}: {t.visits} visits, {t.meals} meals, {t.charges} charging stops; "
        f"{t.distance_m / 1000:.1f} km, {t.drive_s / 60:.0f} min driving, "
        f"{f'{t.walk_m / 1000:.1f} km walked, ' if t.walk_m else ''}{t.duration_s / 3600:.1f} h in all; "
        f"cost about {t.cost:.0f}",
        markup=False,
    )
    for v in itinerary.violations:
        where = f" (stop {v.stop_index})" if v.stop_index is not None else ""
        console.print(f"{v.severity} {v.code}{where}: {v.message}", markup=False, soft_wrap=True)
    for given_up in itinerary.relaxed:
        console.print(f"given up: {given_up}", markup=False, soft_wrap=True)
    for note in itinerary.notes:
        console.print(note, markup=False, soft_wrap=True)


def command(
    text: Annotated[str | None, typer.Argument(help="the trip in your own words (planned by the agents)")] = None,
    *,
    request_file: Annotated[
        Path | None,
        typer.Option("--request-file", help="TripRequest JSON (see `codriver schema trip-request`); no LLM"),
    ] = None,
    llm: Annotated[
        str | None, typer.Option("--llm", help="with TEXT: local, openai, replay or none (rules only)")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="with TEXT: where the trip starts, if it does not say")
    ] = None,
    region_name: Annotated[str | None, typer.Option("--region", help="with TEXT: the region")] = None,
    max_candidates: Annotated[int, typer.Option("--max-candidates", min=1, max=200, help="places considered")] = 30,
    time_limit_s: Annotated[
        float, typer.Option("--time-limit-s", min=0.05, max=60.0, help="optimizer time limit, seconds")
    ] = 0.6,
    as_json: JsonOption = False,
) -> None:
    """Plan a day trip: from free text with the agents, or from a TripRequest file with the engine alone.

    Exit status 3 when no plan meets every requirement: the closest plan is printed with
    the violations that make the request infeasible; 4 when the agents need an answer
    first (the question is printed).
    """
    if (text is None) == (request_file is None):
        msg = "give either the trip in words (TEXT) or --request-file, not both"
        raise InputError(msg, field="text")
    if text is not None:
        _plan_text(text, llm=llm, start=start, region_name=region_name, as_json=as_json)
        return
    assert request_file is not None
    from codriver.planning import RegionTools, TripRequest, plan_trip, read_model  # noqa: PLC0415  (OR-Tools)

    request = read_model(request_file, TripRequest, "trip request")
    with runtime() as rt:
        tools = RegionTools.load(rt, request.region)
        itinerary = plan_trip(request, tools, max_candidates=max_candidates, time_limit_s=time_limit_s)
    if as_json:
        print_json(itinerary.model_dump(mode="json"))
    else:
        print_itinerary(itinerary)
    if itinerary.status != "feasible":
        raise typer.Exit(VIOLATIONS_EXIT)


def _plan_text(text: str, *, llm: str | None, start: str | None, region_name: str | None, as_json: bool) -> None:
    import asyncio  # noqa: PLC0415

    from codriver.agents import TripAssistant  # noqa: PLC0415  (AutoGen loads slowly)
    from codriver.cli._context import resolve_point  # noqa: PLC0415
    from codriver.planning import Location, RegionTools  # noqa: PLC0415

    with runtime() as rt:
        tools = RegionTools.load(rt, region_name)
        origin = None
        if start is not None:
            point, label = resolve_point(rt, tools.region, start)
            origin = Location(lat=point.lat, lon=point.lon, name=label)
        client = None if llm == "none" else rt.chat_client(llm)
        assistant = TripAssistant(tools, client=client, origin=origin)
        reply = asyncio.run(assistant.send(text))
    if as_json:
        print_json(reply.as_dict())
    else:
        if reply.itinerary is not None:
            print_itinerary(reply.itinerary)
        console.print(reply.text, markup=False, soft_wrap=True)
        usage = reply.usage
        console.print(
            f"model: {usage.calls} calls, {usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens",
            markup=False,
        )
    if reply.itinerary is None:
        raise typer.Exit(QUESTION_EXIT)
    if reply.itinerary.status != "feasible":
        raise typer.Exit(VIOLATIONS_EXIT)
