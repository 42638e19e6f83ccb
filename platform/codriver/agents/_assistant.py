"""``TripAssistant``: one trip's conversation with the agent team, for the CLI, API and simulators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from autogen_agentchat.messages import TextMessage
from autogen_core.models import ChatCompletionClient
from autogen_ext.models.replay import ReplayChatCompletionClient

from codriver.agents._memory import TripMemory
from codriver.agents._recommender import Recommendations
from codriver.agents._session import TripSession, TripState
from codriver.agents._team import build_team, route_in_session
from codriver.agents._understand import PlanContext, Understanding, region_facts
from codriver.llm import Meter, MeteredChatClient, Usage, serves_tool_calls
from codriver.planning import Itinerary, Location, RegionTools, TripRequest, VehicleSpec
from codriver.tools.opening_hours import region_zone

__all__ = ["AssistantReply", "TripAssistant"]


@dataclass
class AssistantReply:
    """One answer of the team: who answered, the text, and the structured result."""

    agent: str
    text: str
    itinerary: Itinerary | None
    recommendations: Recommendations | None
    usage: Usage
    understanding: Understanding | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "text": self.text,
            "itinerary": self.itinerary.model_dump(mode="json") if self.itinerary else None,
            "recommendations": self.recommendations.model_dump(mode="json") if self.recommendations else None,
            "usage": self.usage.as_dict(),
            **(self.understanding.summary() if self.understanding is not None else {}),
        }


class TripAssistant:
    """The planner, recommender and re-planner of one trip, sharing a conversation and memory."""

    def __init__(
        self,
        tools: RegionTools,
        *,
        client: ChatCompletionClient | None = None,
        now: datetime | None = None,
        origin: Location | None = None,
        vehicle: VehicleSpec | None = None,
        memory: TripMemory | None = None,
        meter: Meter | None = None,
        tool_agents: bool | None = None,
    ) -> None:
        """``tool_agents``: whether the agents are tool-calling AutoGen agents (default: when
        ``client`` talks to a served, OpenAI-compatible model); otherwise the deterministic policy."""
        zone = region_zone(tools.region.timezone)
        self.meter = meter or Meter()
        self.client = MeteredChatClient(client, self.meter) if client is not None else None
        networks = tuple(sorted({s.network for s in tools.chargers.stations if s.network}))
        context = PlanContext(
            now=(now or datetime.now(zone)).astimezone(zone),
            region=tools.region.name,
            origin=origin,
            vehicle=vehicle,
            charging_networks=networks,
            **region_facts(tools),
        )
        self.session = TripSession(tools=tools, context=context, client=self.client)
        if memory is not None:
            self.session.memory = memory
        # The selector never asks the model (routing is by rules); the team still wants a client.
        team_client = self.client or ReplayChatCompletionClient([])
        if tool_agents is None:
            tool_agents = client is not None and serves_tool_calls(client)
        self.tool_agents = tool_agents and self.client is not None
        self.team = build_team(self.session, team_client, tool_agents=self.tool_agents)

    @property
    def itinerary(self) -> Itinerary | None:
        return self.session.itinerary

    def update_state(self, state: TripState) -> None:
        """Where the car is now (telemetry), for recommendations and re-plans."""
        self.session.state = state

    def resume(self, request: TripRequest | None, itinerary: Itinerary | None) -> None:
        """Go on with a trip kept elsewhere (the API's store): its request and current plan.

        The agents see ``itinerary`` as the plan in force (the one a re-plan repairs, the one
        the planner is told about); the plan a turn makes is a new version after it.
        """
        session = self.session
        session.request = request
        session.context = session.context.model_copy(update={"request": request})
        if itinerary is not None:
            session.adopt(itinerary)

    async def send(self, text: str) -> AssistantReply:
        """Pass one traveller message to the team; the routed agent answers.

        A served model's endpoint that fails raises its :class:`~codriver.errors.CodriverError`.
        """
        agent = route_in_session(text, self.session)
        before_plan = self.session.itinerary
        before_recs = self.session.recommendations
        before_understanding = self.session.understanding
        with self.meter.operation(f"turn:{len(self.session.log)}") as usage:
            result = await self.team.run(task=TextMessage(content=text, source="user"))
        failure, self.session.failure = self.session.failure, None
        if failure is not None:  # the served model could not answer (ToolUnavailable, ToolTimeout, InputError)
            raise failure
        answer = next((m for m in reversed(result.messages) if isinstance(m, TextMessage) and m.source != "user"), None)
        if answer is not None:
            agent = answer.source
        return AssistantReply(
            agent=agent,
            text=answer.content if answer is not None else "",
            itinerary=self.session.itinerary if self.session.itinerary is not before_plan else None,
            recommendations=self.session.recommendations if self.session.recommendations is not before_recs else None,
            usage=Usage(usage.calls, usage.cached_calls, usage.prompt_tokens, usage.completion_tokens),
            understanding=(
                self.session.understanding if self.session.understanding is not before_understanding else None
            ),
        )
