"""Agents: planner, POI recommender and re-planner on AutoGen, grounded in the tools.

The LLM talks and chooses; the tools and the planning engine compute and guarantee. See
``docs/agents.md``.

Names load on first use (:func:`codriver.lazy.lazy_exports`): AutoGen loads slowly, and a
light helper (``country_of_zone``) must not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codriver.lazy import lazy_exports

if TYPE_CHECKING:
    from codriver.agents._assistant import AssistantReply, TripAssistant
    from codriver.agents._facts import explain_place, place_facts
    from codriver.agents._followup import FollowUp, follow_up, read_follow_up, refine_request
    from codriver.agents._memory import TripMemory
    from codriver.agents._planning_flow import meals_moved, no_longer_planned
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
    from codriver.agents._when import country_of_zone

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
    "country_of_zone",
    "describe",
    "explain_place",
    "follow_up",
    "meals_moved",
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

__getattr__ = lazy_exports(
    __name__,
    {
        "AGENT_NAMES": "_team",
        "AssistantReply": "_assistant",
        "FollowUp": "_followup",
        "MAX_TEXT": "_understand",
        "ModelHints": "_understand",
        "Pick": "_recommender",
        "PlanContext": "_understand",
        "RecommendationContext": "_recommender",
        "Recommendations": "_recommender",
        "RequestDraft": "_reader",
        "TripAssistant": "_assistant",
        "TripMemory": "_memory",
        "TripSession": "_session",
        "TripState": "_session",
        "Understanding": "_understand",
        "Understood": "_understand",
        "build_team": "_team",
        "choose_tool": "_recommender",
        "country_of_zone": "_when",
        "describe": "_understand",
        "explain_place": "_facts",
        "follow_up": "_followup",
        "meals_moved": "_planning_flow",
        "no_longer_planned": "_planning_flow",
        "place_facts": "_facts",
        "read_follow_up": "_followup",
        "read_request": "_reader",
        "recommend": "_recommender",
        "refine_request": "_followup",
        "region_facts": "_understand",
        "route_message": "_team",
        "understand": "_understand",
    },
)
