"""The API's doors through the served agents: one ``TripAssistant`` turn per call, on the stored trip.

With an OpenAI-compatible model the web app's text plans and chat, the head unit's
recommendations and its wishes in words are each one turn of the same ``TripAssistant`` the
CLI and the simulators talk to (tool-calling planner, recommender and re-planner, grounded).
The API keeps no conversation between calls: each turn starts from what the store holds
(the trip's request, its current itinerary version, the traveller's preferences as the
agents' memory, the car's last position and charge) and what it answers goes back through
the API's own persistence (a new itinerary version, stored recommendations, events).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codriver.agents import AssistantReply, TripAssistant, TripMemory, TripState
from codriver.api._ports import AssistantContext, Suggestion
from codriver.planning import Itinerary, Location
from codriver.tools.geo import LatLon

if TYPE_CHECKING:
    from autogen_core.models import ChatCompletionClient

    from codriver.planning import RegionTools

__all__ = ["RECOMMEND_ASK", "ServedDoor", "first_line"]

#: What a head unit's "places worth a stop" is, said to the team (the recommender answers it).
RECOMMEND_ASK = "Suggest places worth a short stop along the way."


def first_line(text: str) -> str:
    """The first line of an answer (the model's checked sentence, else the plan's first line)."""
    return text.strip().splitlines()[0] if text.strip() else ""


def _memory(context: AssistantContext) -> TripMemory:
    """The agents' memory from the stored preferences and the trip's request."""
    prefs, request = context.preferences, context.request
    diet = [*(request.diet if request else []), *(prefs.get("diet") or [])]
    avoid = [*(request.constraints.avoid_categories if request else []), *(prefs.get("avoid_categories") or [])]
    interests = {**dict(prefs.get("interests") or {}), **(request.interests if request else {})}
    return TripMemory(
        diet=list(dict.fromkeys(diet)),
        interests={c: w for c, w in interests.items() if w > 0},
        avoid=list(dict.fromkeys(avoid)),
        rejected=list(prefs.get("rejected_place_ids") or []),
    )


def _position(context: AssistantContext) -> LatLon | None:
    """Where the car is: its last reported position, else the stop before the next one (the head unit's
    recommendations), else unknown (a re-plan then takes the plan's position at the time)."""
    car = context.car or {}
    if "lat" in car and "lon" in car:
        return LatLon(float(car["lat"]), float(car["lon"]))
    itinerary, index = context.itinerary, context.next_stop
    if itinerary is None or index is None or not 1 <= index < len(itinerary.stops):
        return None
    stop = itinerary.stops[index - 1]
    return LatLon(stop.lat, stop.lon)


def _done(itinerary: Itinerary | None, context: AssistantContext) -> int:
    """Stops of the plan already behind the car (the start counts): before ``next_stop``, else by the clock."""
    if itinerary is None:
        return 0
    if context.next_stop is not None:
        return max(1, context.next_stop)
    return max(1, sum(1 for s in itinerary.stops if s.depart_at is not None and s.depart_at <= context.now))


class ServedDoor:
    """Turns of the served agents over a region's tools, started from the store's view of a trip."""

    def __init__(self, client: ChatCompletionClient) -> None:
        self.client = client

    def assistant(self, tools: RegionTools, context: AssistantContext) -> TripAssistant:
        """A ``TripAssistant`` on the trip of ``context``: request, current plan, memory, car."""
        request, itinerary = context.request, context.itinerary
        car = context.car or {}
        origin = request.origin if request is not None else context.origin
        if origin is None and "lat" in car and "lon" in car:
            origin = Location(lat=car["lat"], lon=car["lon"], name="your car")
        assistant = TripAssistant(
            tools,
            client=self.client,
            now=context.now,
            origin=origin,
            vehicle=request.vehicle if request is not None else context.vehicle,
            memory=_memory(context),
            tool_agents=True,
        )
        assistant.resume(request, itinerary)
        position = _position(context)
        if position is not None:
            soc = car.get("soc")
            assistant.update_state(
                TripState(
                    at=context.now,
                    lat=position.lat,
                    lon=position.lon,
                    soc=float(soc) if isinstance(soc, int | float) else None,
                    done=_done(itinerary, context),
                )
            )
        return assistant

    async def turn(self, tools: RegionTools, context: AssistantContext, text: str) -> AssistantReply:
        """One turn of the team on the stored trip: the routed agent's grounded answer."""
        return await self.assistant(tools, context).send(text)

    async def recommend(self, tools: RegionTools, context: AssistantContext, *, limit: int) -> list[Suggestion]:
        """The served recommender's picks for the trip (places its search returned, catalogue facts)."""
        reply = await self.turn(tools, context, RECOMMEND_ASK)
        picks = reply.recommendations.picks if reply.recommendations is not None else []
        shown = set(Suggestion.model_fields)
        return [Suggestion.model_validate(p.model_dump(include=shown)) for p in picks[:limit]]
