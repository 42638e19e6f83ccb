"""The HTTP API of Codriver: web app and head-unit, versioned under ``/v1``."""

from codriver.api._agents_assistant import AgentsAssistant
from codriver.api._app import API_VERSION, WEB_APP_DIR, build_services, create_app, default_planner, make_scheduler
from codriver.api._engine_planner import EnginePlanner
from codriver.api._hub import NoticeHub
from codriver.api._limits import TokenBuckets
from codriver.api._ports import (
    Alternative,
    AssistantContext,
    AssistantPort,
    ChargerOption,
    ChatReply,
    NeedsAnswer,
    PlaceBrief,
    PlaceHit,
    RegionBrief,
    RegionMap,
    RoadLayer,
    Suggestion,
    TripChange,
    TripPlanner,
)
from codriver.api._request_id import RequestIdFilter
from codriver.api._revise import revise_request
from codriver.api._security import hash_password
from codriver.api._services import Services, TripService
from codriver.api._settings import ApiSettings

__all__ = [
    "API_VERSION",
    "WEB_APP_DIR",
    "AgentsAssistant",
    "Alternative",
    "ApiSettings",
    "AssistantContext",
    "AssistantPort",
    "ChargerOption",
    "ChatReply",
    "EnginePlanner",
    "NeedsAnswer",
    "NoticeHub",
    "PlaceBrief",
    "PlaceHit",
    "RegionBrief",
    "RegionMap",
    "RequestIdFilter",
    "RoadLayer",
    "Services",
    "Suggestion",
    "TokenBuckets",
    "TripChange",
    "TripPlanner",
    "TripService",
    "build_services",
    "create_app",
    "default_planner",
    "hash_password",
    "make_scheduler",
    "revise_request",
]
