"""The three agents and the AutoGen team that routes each message to one of them.

The team is a ``SelectorGroupChat`` whose ``selector_func`` routes by intent with rules
(no model call, whichever agents answer: deterministic ones, or tool-calling ``AssistantAgent``s
with a served model): a message about a change during the trip goes to the re-planner, a
request for suggestions to the recommender, everything else to the planner. Each run
ends when the chosen agent has answered; the team keeps the conversation between runs,
so the three agents share one conversation per trip. See ``docs/agents.md`` for why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta

from autogen_agentchat.agents import BaseChatAgent
from autogen_agentchat.base import ChatAgent, Response, Team
from autogen_agentchat.conditions import SourceMatchTermination
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, TextMessage
from autogen_agentchat.teams import SelectorGroupChat
from autogen_core import CancellationToken
from autogen_core.models import ChatCompletionClient

from codriver.agents._followup import read_follow_up
from codriver.agents._planning_flow import plan_text
from codriver.agents._recommender import RecommendationContext, recommend
from codriver.agents._replanning_flow import read_event, replan_text
from codriver.agents._served_agents import ServedPlanner, ServedRecommender, ServedReplanner
from codriver.agents._session import TripSession
from codriver.tools.geo import LatLon

__all__ = [
    "AGENT_NAMES",
    "PlannerAgent",
    "RecommenderAgent",
    "ReplannerAgent",
    "build_team",
    "route_in_session",
    "route_message",
]

AGENT_NAMES = ("planner", "recommender", "replanner")
_RECOMMEND = re.compile(
    r"\b(recommend|suggest|find|any good|where can|looking for|nearby|near here|around here|along the way|"
    r"on the way|is there|are there|what'?s good|ideas?)\b"
)
_CHANGE = re.compile(
    r"\b(delay\w*|late|stuck|traffic|closed|shut|broken|out of order|not working|skip|instead|swap|replace|remove|"
    r"drop|cancel|been there|seen it|hungry|starving|now|running behind)\b"
)


# "electric car, visit the exotic garden and charge somewhere on the way tomorrow afternoon": a trip to plan
# that has a stop on the way in it, not a question for places near the car
_A_TRIP_TOO = re.compile(
    r"\b(?:visit|see|tomorrow|today|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|"
    r"back by|leave at|leaving at|plan)\b"
)
_ASKS = re.compile(r"\s*(?:recommend|suggest|find|any|anything|where|is there|are there|what|ideas?|looking for)\b")


def route_message(text: str, *, has_plan: bool) -> str:
    """Which agent answers ``text``: re-planner, recommender or planner."""
    lowered = text.casefold()
    if has_plan and _CHANGE.search(lowered) and not _RECOMMEND.search(lowered):
        return "replanner"
    if _RECOMMEND.search(lowered) and not (not has_plan and _A_TRIP_TOO.search(lowered) and not _ASKS.match(lowered)):
        return "recommender"
    return "planner"


def route_in_session(text: str, session: TripSession) -> str:
    """:func:`route_message` for this trip: before the trip is under way (no telemetry yet) an edit
    of the plan ("drop the second museum", "start at 10 instead") is the planner's follow-up, as in
    the API's chat, not a repair from where the car is; events ("the museum is closed") stay the
    re-planner's."""
    agent = route_message(text, has_plan=session.itinerary is not None)
    request, itinerary = session.request, session.itinerary
    if agent != "replanner" or session.state.at is not None or request is None or itinerary is None:
        return agent
    if read_follow_up(text, request, itinerary) is not None:
        return "planner"
    events = read_event(text, itinerary, done=0, now=session.context.now, diet=session.memory.diet)
    return agent if events else "planner"


class _SessionAgent(BaseChatAgent):
    def __init__(self, name: str, description: str, session: TripSession) -> None:
        super().__init__(name, description)
        self.session = session

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        return (TextMessage,)

    async def on_reset(self, cancellation_token: CancellationToken) -> None:  # noqa: ARG002
        return None

    @staticmethod
    def _last_text(messages: Sequence[BaseChatMessage]) -> str:
        for message in reversed(messages):
            if message.source == "user" and isinstance(message, TextMessage):
                return message.content
        return messages[-1].to_text() if messages else ""


class PlannerAgent(_SessionAgent):
    """Understands a request, asks what is missing, plans with the engine, summarises."""

    def __init__(self, session: TripSession) -> None:
        super().__init__("planner", "Plans a trip from a request, asks follow-up questions.", session)

    async def on_messages(self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken) -> Response:  # noqa: ARG002
        reply = await plan_text(self.session, self._last_text(messages))
        self.session.log.append({"agent": self.name, "kind": reply.kind})
        return Response(chat_message=TextMessage(content=reply.text, source=self.name))


class RecommenderAgent(_SessionAgent):
    """Finds places for a wish near the car or along the rest of the route."""

    def __init__(self, session: TripSession) -> None:
        super().__init__("recommender", "Recommends places for a wish, with reasons.", session)

    def context_for(self, wish: str) -> RecommendationContext:
        """Where, when and for whom: the car's state, else the plan's start, else the region centre."""
        session = self.session
        state = session.state
        itinerary = session.itinerary
        if state.lat is not None and state.lon is not None:
            position = LatLon(state.lat, state.lon)
        elif itinerary is not None and itinerary.stops:
            position = LatLon(itinerary.stops[0].lat, itinerary.stops[0].lon)
        else:
            region = session.tools.region
            position = LatLon((region.min_lat + region.max_lat) / 2, (region.min_lon + region.max_lon) / 2)
        at = state.at or session.context.now
        destination = None
        if itinerary is not None and state.at is not None and len(itinerary.stops) > 1:
            end = itinerary.stops[-1]
            destination = LatLon(end.lat, end.lon)
        request = session.request
        return RecommendationContext(
            position=position,
            at=at + timedelta(minutes=5),
            wish=wish,
            destination=destination,
            max_detour_min=request.constraints.max_detour_min if request else 10.0,
            diet=sorted(set(session.memory.diet) | set(request.diet if request else [])),
            interests=session.memory.interests,
            avoid_categories=sorted(
                set(session.memory.avoid) | set(request.constraints.avoid_categories if request else [])
            ),
            rejected=session.memory.rejected,
            wheelchair=bool(request and "wheelchair" in request.party.accessibility),
            connectors=list(request.vehicle.connectors) if request and request.vehicle.powertrain == "ev" else [],
            charging_networks=list(request.constraints.charging_networks) if request else [],
        )

    async def on_messages(self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken) -> Response:  # noqa: ARG002
        wish = self._last_text(messages)
        session = self.session
        session.memory.absorb(wish, now=session.context.now, shown=session.shown, gazetteer=session.tools.gazetteer)
        result = await recommend(
            self.context_for(wish), places=session.tools.places, chargers=session.tools.chargers, client=session.client
        )
        session.recommendations = result
        session.log.append({"agent": self.name, "picks": [p.poi_id for p in result.picks]})
        if not result.picks:
            text = f"No place matches {_describe_query(result.query)}; try a wider wish or a longer detour."
        else:
            text = "\n".join(f"{i}. {p.explanation}" for i, p in enumerate(result.picks, 1))
        return Response(chat_message=TextMessage(content=text, source=self.name))


def _describe_query(query: dict[str, object]) -> str:
    """The filters of a recommendation query in words (why nothing was found)."""
    parts = []
    categories = query.get("categories")
    if isinstance(categories, list) and categories:
        parts.append(" or ".join(str(c).replace("_", " ") for c in categories))
    diets = query.get("diets")
    if isinstance(diets, list) and diets:
        parts.append("tagged " + " and ".join(str(d).replace("_", "-") for d in diets))
    cuisine = query.get("cuisine")
    if isinstance(cuisine, list) and cuisine:
        parts.append("serving " + " or ".join(map(str, cuisine)))
    open_at = query.get("open_at")
    if isinstance(open_at, str):
        parts.append(f"open at {open_at[11:16]}")
    radius = query.get("radius_m")
    if isinstance(radius, int | float):
        parts.append(f"within {radius / 1000:.1f} km")
    return ", ".join(parts) if parts else "the wish"


class ReplannerAgent(_SessionAgent):
    """Turns an event or a wish during the trip into a repaired plan and explains it."""

    def __init__(self, session: TripSession) -> None:
        super().__init__("replanner", "Repairs the plan after delays, closures, broken chargers, new wishes.", session)

    async def on_messages(self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken) -> Response:  # noqa: ARG002
        reply = await replan_text(self.session, self._last_text(messages))
        self.session.log.append({"agent": self.name, "kind": reply.kind})
        return Response(chat_message=TextMessage(content=reply.text, source=self.name))


def build_team(
    session: TripSession, model_client: ChatCompletionClient, *, tool_agents: bool = False
) -> SelectorGroupChat:
    """The trip's team: three agents, rule-based routing, one answer per run.

    ``tool_agents`` (a capable served model): the agents are AutoGen ``AssistantAgent``s
    calling the tools of :mod:`._served_tools`, grounded by :mod:`._served_agents`;
    otherwise they run the deterministic policy, with the model filling fields and choosing IDs.
    """
    agents: list[ChatAgent | Team]
    if tool_agents:
        agents = [
            ServedPlanner(session, model_client),
            ServedRecommender(session, model_client),
            ServedReplanner(session, model_client),
        ]
    else:
        agents = [PlannerAgent(session), RecommenderAgent(session), ReplannerAgent(session)]

    def selector(thread: Sequence[BaseAgentEvent | BaseChatMessage]) -> str | None:
        last = thread[-1] if thread else None
        if isinstance(last, TextMessage):
            return route_in_session(last.content, session)
        return "planner"

    return SelectorGroupChat(
        agents,
        model_client=model_client,
        selector_func=selector,
        termination_condition=SourceMatchTermination(list(AGENT_NAMES)),
        allow_repeated_speaker=True,
    )
