"""The API's :class:`TripAssistant` port over the agents (``codriver.agents``).

The one assistant of every door. With a served, OpenAI-compatible model, text plans, chat,
recommendations and head-unit wishes in words are each one turn of the agents'
``TripAssistant`` on the stored trip (:mod:`._served_door`), as in the CLI and the
simulators. Otherwise free text and chat go through the agents' request understanding
(rules plus the configured model, grounded in the text), recommendations through the
agents' recommender (wheelchair access, diets, interests and avoided kinds; its
deterministic ranking when no model is configured) and head-unit wishes through the same
understanding. The model client is built on first use.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import anyio

from codriver.agents import (
    PlanContext,
    RecommendationContext,
    Understood,
    describe,
    follow_up,
    recommend,
    region_facts,
    route_message,
    understand,
)
from codriver.api._engine_planner import meal_in_words
from codriver.api._ports import AssistantContext, AssistantPort, ChatReply, NeedsAnswer, Suggestion, TripChange
from codriver.api._served_door import ServedDoor, first_line
from codriver.api._wish_search import search_wish
from codriver.errors import CodriverError, InputError
from codriver.llm import serves_tool_calls
from codriver.planning import Location, TripRequest
from codriver.tools.geo import LatLon
from codriver.tools.opening_hours import region_zone

if TYPE_CHECKING:
    from autogen_core.models import ChatCompletionClient

    from codriver.api._engine_planner import EnginePlanner
    from codriver.bootstrap import Runtime

__all__ = ["AgentsAssistant"]

logger = logging.getLogger(__name__)
_ASK_CHANGE = "What would you like to change: times, places, food or the budget?"


def _said(change: TripChange, place: str | None) -> str:
    """What happened, in words, for the re-plan's explanation; ``place`` is the name of the change's place.

    A place is said by its name, never by its catalogue ID.
    """
    kind = (change.category or "").replace("_", " ")
    return {
        "delay": f"Running {change.minutes or 0:g} min late",
        "closure": f"{place or 'A place on the way'} is closed",
        "charger_broken": f"The charger {place} is out of order" if place else "A charger is out of order",
        "wish": f"You asked for {change.text or place or kind or 'a change'}",
        "soc_below_plan": f"The battery is lower than planned ({(change.soc or 0):.0%})",
        "accepted_place": f"You accepted {place or 'a suggested place'}",
        "chat": "You asked for a change",
    }[change.kind]


class AgentsAssistant:
    """The agents behind the API's :class:`~codriver.api.AssistantPort`."""

    def __init__(self, planner: EnginePlanner, runtime: Runtime, *, backend: str | None = None) -> None:
        self.planner = planner
        self.runtime = runtime
        self.backend = backend
        self._client: ChatCompletionClient | None = None

    def _model(self) -> ChatCompletionClient | None:
        if self.backend == "none":
            return None
        if self._client is None:
            self._client = self.runtime.chat_client(self.backend)
        return self._client

    def _served(self) -> ServedDoor | None:
        """The served agents' door when the model serves tool calls (an OpenAI-compatible endpoint)."""
        client = self._model()
        return ServedDoor(client) if client is not None and serves_tool_calls(client) else None

    def _context(self, context: AssistantContext) -> PlanContext:
        tools = self.planner.tools(context.region)
        zone = region_zone(tools.region.timezone)
        car = context.car or {}
        origin = context.origin
        if origin is None and "lat" in car and "lon" in car:
            origin = Location(lat=car["lat"], lon=car["lon"], name="your car")
        prefs = context.preferences
        return PlanContext(
            now=context.now.astimezone(zone),
            region=tools.region.name,
            origin=origin,
            diet=list(prefs.get("diet") or []),
            interests=dict(prefs.get("interests") or {}),
            request=context.request,
            **region_facts(tools),
        )

    async def plan_text(self, text: str, context: AssistantContext) -> TripRequest | ChatReply:
        """The request the text describes; an InputError asks for what is missing.

        With a served model the agents' tool-calling planner plans it (one ``TripAssistant``
        turn): the answer carries the itinerary it made and the verifier passed, and its request.
        """
        tools = self.planner.tools(context.region)
        served = self._served()
        if served is not None:
            fresh = context.model_copy(update={"request": None, "itinerary": None})
            reply = await served.turn(tools, fresh, text)
            if reply.itinerary is None or reply.itinerary.request is None:
                raise InputError(reply.text or "the request could not be understood", field="text")
            return ChatReply(reply=reply.text, request=reply.itinerary.request, itinerary=reply.itinerary)
        plan_context = self._context(context).model_copy(update={"request": None})
        understanding = await understand(text, context=plan_context, gazetteer=tools.gazetteer, client=self._model())
        if understanding.request is None:
            msg = " ".join(understanding.questions) or "the request could not be understood"
            raise NeedsAnswer(
                msg,
                understood=[
                    {"field": u.field, "said": u.said, "text": _chip(u), "source": u.source}
                    for u in understanding.understood
                ],
                not_understood=[{"said": n.said, "reason": n.reason} for n in understanding.not_understood],
            )
        return understanding.request

    async def chat(self, message: str, context: AssistantContext) -> ChatReply:
        """Suggestions for "any coffee nearby?"; otherwise the trip's request revised by what was said.

        With a served model the message is one turn of the agents on the stored trip: a plan
        they made (planner or re-planner, verified) comes back with its request, to be stored.
        """
        served = self._served()
        if served is not None:
            reply = await served.turn(self.planner.tools(context.region), context, message)
            made = reply.itinerary
            if made is not None and made.request is not None:
                return ChatReply(reply=reply.text, request=made.request, itinerary=made)
            return ChatReply(reply=reply.text)
        if route_message(message, has_plan=context.itinerary is not None) == "recommender":
            tools = self.planner.tools(context.region)
            wish = await understand(
                message,
                context=self._context(context).model_copy(update={"request": None, "origin": None}),
                gazetteer=tools.gazetteer,
            )
            answer = await anyio.to_thread.run_sync(lambda: search_wish(wish, context, tools.places))
            if answer is not None:
                heard = wish.summary()
                return ChatReply(
                    reply=answer.reply, understood=heard["understood"], not_understood=heard["not_understood"]
                )
            picks = await self._recommend(context, limit=3, wish=message)
            lines = [f"{i}. {p.explanation}" for i, p in enumerate(picks, 1)] or ["Nothing fits along the way now."]
            return ChatReply(reply="\n".join(lines))
        tools = self.planner.tools(context.region)
        if context.request is not None:
            return await self._follow_up(message, context, context.request)
        understanding = await understand(
            message, context=self._context(context), gazetteer=tools.gazetteer, client=self._model()
        )
        summary = understanding.summary()
        said_back = {"understood": summary["understood"], "not_understood": summary["not_understood"]}
        if understanding.request is not None and context.request is None:
            return ChatReply(reply="Planning that trip.", request=understanding.request, **said_back)
        question = " ".join(understanding.questions)
        return ChatReply(reply=question or _ASK_CHANGE, **said_back)

    async def _follow_up(self, message: str, context: AssistantContext, request: TripRequest) -> ChatReply:
        """The trip's request as the message changes it: the agents' one follow-up path, the CLI's chat too."""
        tools = self.planner.tools(context.region)
        change = await follow_up(
            message,
            request=request,
            itinerary=context.itinerary,
            context=self._context(context),
            gazetteer=tools.gazetteer,
            client=self._model(),
        )
        unmet = change.understanding.not_understood if change.understanding is not None else []
        said_back: dict[str, Any] = {
            "understood": [u.model_dump(mode="json") for u in change.understood],
            "not_understood": [n.model_dump(mode="json") for n in unmet],
        }
        missing = "; ".join(f"{n.said}: {n.reason}" for n in unmet if n.said)
        unmet_said = f" Not possible here: {missing}." if missing else ""
        if change.questions:
            return ChatReply(reply=" ".join(change.questions) + unmet_said, **said_back)
        if change.request == request:  # nothing to re-plan: why, or what could be changed
            reply = change.said or (unmet_said.strip() + " " if unmet_said else "") + _ASK_CHANGE
            return ChatReply(reply=reply, **said_back)
        said = change.said or f"Re-planning: {describe(change.understood) or 'your changes'}."
        return ChatReply(reply=said + unmet_said, request=change.request, **said_back)

    async def recommend(self, context: AssistantContext, *, limit: int) -> list[Suggestion]:
        """The agents' picks within the allowed detour before the next stop, for this traveller.

        With a served model: the served recommender's turn on the stored trip (places its search returned).
        """
        served = self._served()
        if served is not None:
            if context.itinerary is None or not context.itinerary.stops:
                return []
            return await served.recommend(self.planner.tools(context.region), context, limit=limit)
        return await self._recommend(context, limit=limit, wish="")

    async def _recommend(self, context: AssistantContext, *, limit: int, wish: str) -> list[Suggestion]:
        itinerary, index = context.itinerary, context.next_stop
        car = context.car or {}
        destination = None
        if itinerary is not None and index is not None and index >= 1:
            previous, target = itinerary.stops[index - 1], itinerary.stops[index]
            position = LatLon(previous.lat, previous.lon)
            destination = LatLon(target.lat, target.lon)
        elif itinerary is None or not itinerary.stops:
            return []
        else:
            position = LatLon(itinerary.stops[0].lat, itinerary.stops[0].lon)
        if "lat" in car and "lon" in car:
            position = LatLon(float(car["lat"]), float(car["lon"]))
        request, prefs = context.request, context.preferences
        tools = self.planner.tools(context.region)
        found = await recommend(
            RecommendationContext(
                position=position,
                at=context.now,
                wish=wish,
                destination=destination,
                max_detour_min=request.constraints.max_detour_min if request else 10.0,
                diet=sorted(set(request.diet if request else []) | set(prefs.get("diet") or [])),
                interests={c: w for c, w in (request.interests if request else {}).items() if w > 0}
                or dict(prefs.get("interests") or {}),
                avoid_categories=sorted(
                    set(request.constraints.avoid_categories if request else [])
                    | set(prefs.get("avoid_categories") or [])
                ),
                wheelchair=bool(request and "wheelchair" in request.party.accessibility),
            ),
            places=tools.places,
            client=self._model(),
            k=limit,
        )
        shown = set(Suggestion.model_fields)  # a pick's catalogue facts and reason, as the port shows them
        return [Suggestion.model_validate(p.model_dump(include=shown)) for p in found.picks]

    async def replan(self, change: TripChange, context: AssistantContext) -> tuple[TripChange, str]:
        """A head-unit wish in words ("a kebab", "Kiasma please") becomes a catalogue place or a kind of place.

        With a served model the words are one turn of the agents on the stored trip; the plan
        they made and verified comes back as the change's ``planned``. When they made none
        (a question the head unit cannot answer, or the model endpoint failed) the wish is
        read as without a model.
        """
        unmet = ""
        if change.kind == "wish" and change.text and not change.poi_id:
            served = self._served()
            if served is not None:
                try:
                    reply = await served.turn(self.planner.tools(context.region), context, change.text)
                except CodriverError as exc:  # the car's wish is re-planned all the same, read by the rules
                    logger.warning("served agents could not read the wish %r: %s", change.text, exc)
                    reply = None
                if reply is not None and reply.itinerary is not None:
                    return change.model_copy(update={"planned": reply.itinerary}), (
                        f"{_said(change, self._name(change.poi_id, context))}: {first_line(reply.text)}"
                    )
            change, unmet = await self._read_wish(change, context)
        said = _said(change, self._name(change.poi_id, context))
        return change, f"{said}: the rest of the trip was re-planned from here.{unmet}"

    def _name(self, poi_id: str | None, context: AssistantContext) -> str | None:
        """The name of a place of the trip or the catalogue; None when it has none (its ID is never said)."""
        if not poi_id:
            return None
        if context.itinerary is not None:
            for stop in [*context.itinerary.visited, *context.itinerary.stops]:
                if stop.poi_id == poi_id:
                    return stop.name
        brief = self.planner.place(context.region, poi_id)
        return brief.name if brief is not None and brief.name else None

    async def _read_wish(self, change: TripChange, context: AssistantContext) -> tuple[TripChange, str]:
        assert change.text is not None
        tools = self.planner.tools(context.region)
        wish = await understand(
            change.text,
            context=self._context(context).model_copy(update={"request": None, "origin": None}),
            gazetteer=tools.gazetteer,
        )
        stated = wish.stated
        update: dict[str, Any] = {}
        if stated.get("must_visit"):
            update["poi_id"] = stated["must_visit"][0]
        elif stated.get("cuisine"):
            now = context.model_copy(update={"request": None})  # a wish on the road is for now
            answer = await anyio.to_thread.run_sync(lambda: search_wish(wish, now, tools.places, limit=1))
            if answer is not None and answer.places:
                update["poi_id"] = answer.places[0].poi_id
        if "poi_id" not in update and stated.get("interests") and change.category is None:
            update["category"] = next(iter(stated["interests"]))
        unmet = "; ".join(f"{n.said}: {n.reason}" for n in wish.not_understood if n.said)
        nothing = not (update or change.poi_id or change.category or stated.get("meals") or meal_in_words(change.text))
        if nothing:  # a wish with nothing to plan changes nothing: the traveller hears why
            why = unmet or "no place, kind of place or meal in it"
            msg = f"Nothing in the wish {change.text[:80]!r} can be planned: {why}."
            raise InputError(msg, field="text")
        return change.model_copy(update=update), (f" Not possible here: {unmet}." if unmet else "")


def _chip(item: Understood) -> str:
    """One field in plain words as a planned request's ``understood`` says it ("18:00", "museum, cafe").

    (The same words as the reader's own chips in ``agents/_understand.py``, which keeps its helper private.)
    """
    return re.sub(r"^(?:back by|leaving at|on|adding|visiting|in the|starting at|ending at) ", "", describe([item]))


_: type[AssistantPort] = AgentsAssistant
