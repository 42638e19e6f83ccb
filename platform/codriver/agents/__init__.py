"""Agents: planner, POI recommender and re-planner on AutoGen, grounded in the tools.

The LLM talks and chooses; the tools and the planning engine compute and guarantee. See
``docs/agents.md``.
"""

from codriver.agents._assistant import AssistantReply, TripAssistant
from codriver.agents._facts import explain_place, place_facts
from codriver.agents._followup import FollowUp, follow_up, read_follow_up, refine_request
from codriver.agents._memory import TripMemory
from codriver.agents._planning_flow import no_longer_planned
from codriver.agents._reader import RequestDraft, read_request
from codriver.agents._recommender import Pick, RecommendationContext, Recommendations, choose_tool, recommend
from codriver.agents._session import TripSession, TripState
from codriver.agents._team import AGENT_NAMES, build_team, route_message
from codriver.agents._understand import (
    MAX_TEXT,
    ModelHints,
    PlanContext,
    Understanding,
    Understood,
    describe,
    region_facts,
    understand,
)

__all__ = [
    "AGENT_NAMES",
    "MAX_TEXT",
    "AssistantReply",
    "FollowUp",
    "ModelHints",
    "Pick",
    "PlanContext",
    "RecommendationContext",
    "Recommendations",
    "RequestDraft",
    "TripAssistant",
    "TripMemory",
    "TripSession",
    "TripState",
    "Understanding",
    "Understood",
    "build_team",
    "choose_tool",
    "describe",
    "explain_place",
    "follow_up",
    "no_longer_planned",
    "place_facts",
    "read_follow_up",
    "read_request",
    "recommend",
    "refine_request",
    "region_facts",
    "route_message",
    "understand",
]
