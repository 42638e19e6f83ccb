"""The state one trip's conversation shares: request, plan versions, memory, car, cost."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from autogen_core.models import ChatCompletionClient

from codriver.agents._memory import TripMemory
from codriver.agents._recommender import Recommendations
from codriver.agents._understand import PlanContext, Understanding
from codriver.errors import CodriverError
from codriver.planning import Itinerary, RegionTools, TripRequest

__all__ = ["TripSession", "TripState"]


@dataclass
class TripState:
    """Where the trip stands while driving (all optional before departure)."""

    at: datetime | None = None
    lat: float | None = None
    lon: float | None = None
    soc: float | None = None
    done: int = 0  # stops of the current plan already visited (the start counts)


@dataclass
class TripSession:
    """Everything the three agents share about one trip."""

    tools: RegionTools
    context: PlanContext
    client: ChatCompletionClient | None = None
    request: TripRequest | None = None
    itinerary: Itinerary | None = None
    versions: list[Itinerary] = field(default_factory=list)
    understanding: Understanding | None = None
    recommendations: Recommendations | None = None
    memory: TripMemory = field(default_factory=TripMemory)
    state: TripState = field(default_factory=TripState)
    pending_text: str | None = None  # a request waiting for the answer to a follow-up question
    log: list[dict[str, Any]] = field(default_factory=list)
    #: a model endpoint's failure during the running turn, raised again by ``TripAssistant.send`` with its own
    #: type (the team would report it as a RuntimeError)
    failure: CodriverError | None = None

    def adopt(self, itinerary: Itinerary) -> None:
        """Make ``itinerary`` the current plan (a new version)."""
        self.itinerary = itinerary
        self.versions.append(itinerary)

    @property
    def shown(self) -> list[str]:
        """Catalogue IDs in front of the traveller now, newest first."""
        ids: list[str] = []
        if self.recommendations is not None:
            ids += [p.poi_id for p in self.recommendations.picks]
        if self.itinerary is not None:
            ids += [s.poi_id for s in self.itinerary.stops[1:-1] if s.poi_id]
        return ids
