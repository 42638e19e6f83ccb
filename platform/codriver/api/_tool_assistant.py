"""The assistant without a language model: catalogue recommendations and rule-based re-plans.

Used when no agents are wired in (and by the agents' adapter for what needs no model).
Free text and chat need the agents: they answer 503 here, saying so.
"""

from __future__ import annotations

from collections.abc import Callable

from codriver.api._ports import AssistantContext, ChatReply, Suggestion, TripAssistant, TripChange
from codriver.errors import ToolUnavailable
from codriver.planning import TripRequest
from codriver.tools.geo import LatLon
from codriver.tools.places import EmbeddedPlaces, PlaceResult, make_query

__all__ = ["ToolAssistant"]

_DEFAULT_CATEGORIES = ("cafe", "restaurant", "museum", "viewpoint", "attraction", "park")


def _explain(place: PlaceResult) -> str:
    parts = [f"{place.name or place.poi_id} ({place.category.replace('_', ' ')})"]
    if place.detour_s is not None:
        parts.append(f"about {max(1, round(place.detour_s / 60))} min detour")
    if place.hours.state == "open" and place.hours.open_until is not None:
        parts.append(f"open until {place.hours.open_until:%H:%M}")
    elif place.hours.state == "unknown":
        parts.append("opening hours unknown")
    diets = [d.replace("_", " ") for d, v in place.diets.items() if v in {"yes", "only"}]
    if diets:
        parts.append(f"{', '.join(diets)} options")
    return ", ".join(parts) + "."


class ToolAssistant:
    """A :class:`~codriver.api.TripAssistant` built on the tools alone.

    ``places`` gives a region's :class:`EmbeddedPlaces` (with its router) by name.
    """

    def __init__(self, places: Callable[[str | None], EmbeddedPlaces]) -> None:
        self.places = places

    async def plan_text(self, text: str, context: AssistantContext) -> TripRequest:
        del text, context
        msg = "planning from free text needs the agents, which this server does not run: send a structured `request`"
        raise ToolUnavailable(msg)

    async def chat(self, message: str, context: AssistantContext) -> ChatReply:
        del message, context
        msg = "chat needs the agents, which this server does not run"
        raise ToolUnavailable(msg)

    async def recommend(self, context: AssistantContext, *, limit: int) -> list[Suggestion]:
        """Catalogue places within the allowed detour before the next stop, matching the traveller."""
        itinerary, index = context.itinerary, context.next_stop
        if itinerary is None or index is None or index < 1:
            return []
        target = itinerary.stops[index]
        car = context.car or {}
        previous = itinerary.stops[index - 1]
        origin = LatLon(car["lat"], car["lon"]) if "lat" in car and "lon" in car else LatLon(previous.lat, previous.lon)
        request = context.request
        interests = [c for c, w in (request.interests if request else {}).items() if w > 0]
        avoid = set(request.constraints.avoid_categories if request else ()) | set(
            context.preferences.get("avoid_categories") or ()
        )
        categories = [c for c in (interests or _DEFAULT_CATEGORIES) if c not in avoid]
        query = make_query(categories=categories, diets=list(request.diet) if request else [], limit=max(limit * 4, 10))
        detour_s = (request.constraints.max_detour_min if request else 10.0) * 60
        found = self.places(context.region).along_route_sync(
            origin, LatLon(target.lat, target.lon), query=query, max_detour_s=detour_s, depart_at=context.now
        )
        return [
            Suggestion(
                poi_id=p.poi_id,
                name=p.name,
                category=p.category,
                explanation=_explain(p),
                detour_s=p.detour_s,
                lat=p.lat,
                lon=p.lon,
            )
            for p in found
            if p.hours.state != "closed"
        ][: limit * 2]

    async def replan(self, change: TripChange, context: AssistantContext) -> tuple[TripChange, str]:
        """The change as given, with a plain explanation."""
        del context
        what = {
            "delay": f"Running {change.minutes or 0:g} min late",
            "closure": f"{change.poi_id or 'A place on the way'} is closed",
            "charger_broken": f"Charger {change.poi_id} is out of order",
            "wish": f"You asked for {change.text or change.category or change.poi_id}",
            "soc_below_plan": f"The battery is lower than planned ({(change.soc or 0):.0%})",
            "accepted_place": f"You accepted {change.poi_id}",
            "chat": "You asked for a change",
        }[change.kind]
        return change, f"{what}: the rest of the trip was re-planned from here."


_: type[TripAssistant] = ToolAssistant
