"""The planner, recommender and re-planner as tool-calling AutoGen agents, for a served model.

Each is an AutoGen ``AssistantAgent`` with the tools of :mod:`._served_tools`, wrapped in
an agent of the team that grounds what it says: the itinerary shown is the engine's, adopted
only after the independent verifier agreed with it; recommendations are places a search of
this turn returned; the model's own words are kept only as one sentence that names no
place, ID or number outside the facts shown with it. With the embedded model or none the
team keeps the deterministic agents of :mod:`._team` (see ``docs/agents.md``).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import Any

from autogen_agentchat.agents import AssistantAgent, BaseChatAgent
from autogen_agentchat.base import Response
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, TextMessage
from autogen_core import CancellationToken
from autogen_core.models import ChatCompletionClient
from autogen_core.tools import BaseTool

from codriver.agents._planning_flow import mentions_other_place, template_summary
from codriver.agents._recommender import Recommendations, pick_of
from codriver.agents._replanning_flow import describe
from codriver.agents._served_tools import ServedTools, TurnLedger, verify_itinerary
from codriver.agents._session import TripSession
from codriver.errors import CodriverError
from codriver.planning import Itinerary
from codriver.tools.geocoding import fold

__all__ = ["ServedAgent", "ServedPlanner", "ServedRecommender", "ServedReplanner", "grounded_sentence"]

_ID = re.compile(r"\bosm:[a-z]+/\d+\b")
_CAPITALISED = re.compile(r"\b[A-ZÅÄÖÜ][\w'-]+")
_COMMON = {
    "i",
    "ok",
    "eur",
    *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    *("january", "february", "march", "april", "may", "june", "july", "august"),
    *("september", "october", "november", "december"),
}
_PLANNER_SYSTEM = (
    "You plan day trips by car in the region {region}. Find places with search_places (it returns "
    "catalogue IDs), check opening hours with check_hours, plan with plan_trip using only IDs that a "
    "tool returned, and check the plan with verify_plan. Never name a place no tool returned. When "
    "the start is unknown, ask where the trip starts. End with one short sentence for the traveller: "
    "the stops and times are shown from the plan."
)
_RECOMMENDER_SYSTEM = (
    "You recommend places to a traveller in the region {region}. Search with search_places, check "
    "hours with check_hours, then call recommend_places with up to three IDs that search_places "
    "returned, best first. Never name a place no tool returned. End with one short sentence."
)
_REPLANNER_SYSTEM = (
    "You repair a trip plan in the region {region} when something changes: delays, closed places, "
    "broken chargers, skipped stops, a meal now. Call replan_trip with the event and the stop's "
    "catalogue ID from the plan, then verify_plan. End with one short sentence."
)


def grounded_sentence(text: str, *, facts: str, ids: set[str], names: set[str], session: TripSession) -> str | None:
    """The first sentence of ``text`` when everything it names is in ``facts``, else None.

    Refused: a catalogue ID outside ``ids``; a place of the region other than ``names``;
    a number or a capitalised word (after the first) that ``facts`` does not contain.
    """
    sentence = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0].strip()
    if not 3 <= len(sentence) <= 300:
        return None
    if any(found not in ids for found in _ID.findall(text)):
        return None
    if mentions_other_place(sentence, session.tools.gazetteer, names):
        return None
    folded_facts = fold(facts)
    if any(number not in facts for number in re.findall(r"\d+(?:[:.,]\d+)?", sentence)):
        return None
    words = _CAPITALISED.findall(sentence)[1:] if sentence[:1].isupper() else _CAPITALISED.findall(sentence)
    for word in words:
        if fold(word) not in _COMMON and fold(word) not in folded_facts:
            return None
    return sentence


class ServedAgent(BaseChatAgent):
    """A team member whose turn is an ``AssistantAgent`` run with tools, then grounded (see module doc)."""

    system = _PLANNER_SYSTEM
    fallback = "I could not make a checked plan from that. Where does the trip start, and what would you like to do?"

    def __init__(
        self,
        name: str,
        description: str,
        session: TripSession,
        model_client: ChatCompletionClient,
        *,
        max_tool_iterations: int = 6,
    ) -> None:
        super().__init__(name, description)
        self.session = session
        self.tools = ServedTools(session)
        self.inner = AssistantAgent(
            name,
            model_client,
            tools=[*self.tool_set()],
            description=description,
            system_message=self.system.format(region=session.context.region),
            reflect_on_tool_use=False,
            max_tool_iterations=max_tool_iterations,
        )

    def tool_set(self) -> list[BaseTool[Any, Any]]:
        """The tools this agent may call."""
        return list(self.tools.planner_tools())

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        return (TextMessage,)

    async def on_reset(self, cancellation_token: CancellationToken) -> None:
        await self.inner.on_reset(cancellation_token)

    def situation(self) -> str:
        """What the model should know this turn: the clock, the start, the plan's stops with IDs."""
        session = self.session
        now = session.state.at or session.context.now
        lines = [f"Now: {now.isoformat()} ({now:%A}). Region: {session.context.region}."]
        origin = session.context.origin
        lines.append("The traveller's start is known (home or car)." if origin else "The start is not known yet.")
        itinerary = session.itinerary
        if itinerary is not None:
            stops = "; ".join(
                f"{s.poi_id} {s.name} {s.kind} {(s.arrive_at or s.depart_at or now):%H:%M}"
                for s in itinerary.stops
                if s.poi_id
            )
            lines.append(f"Current plan ({itinerary.status}): {stops}.")
        return " ".join(lines)

    async def on_messages(self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken) -> Response:
        session = self.session
        said = next((m.content for m in reversed(messages) if m.source == "user" and isinstance(m, TextMessage)), "")
        if said:  # memory learns from every utterance, as with the deterministic agents
            now = session.state.at or session.context.now
            session.memory.absorb(said, now=now, shown=session.shown, gazetteer=session.tools.gazetteer)
        ledger = self.tools.begin_turn()
        note = TextMessage(content=self.situation(), source="codriver")
        inner: list[BaseAgentEvent | BaseChatMessage] = []
        raw = ""
        try:
            async for item in self.inner.on_messages_stream([note, *messages], cancellation_token):
                if isinstance(item, Response):
                    raw = item.chat_message.to_text() if isinstance(item.chat_message, TextMessage) else ""
                    inner.extend(item.inner_messages or [])
                else:
                    inner.append(item)
        except CodriverError as exc:  # the model endpoint failed: TripAssistant.send raises it as it is
            session.failure = exc
            return Response(chat_message=TextMessage(content=str(exc), source=self.name), inner_messages=inner)
        text = await self.answer(ledger, raw)
        self.session.log.append({"agent": self.name, "tools": ledger.calls, "refused": ledger.refused})
        return Response(chat_message=TextMessage(content=text, source=self.name), inner_messages=inner)

    async def answer(self, ledger: TurnLedger, raw: str) -> str:
        """The grounded answer of the turn."""
        plan = ledger.plan
        if plan is None or not await self._adopt(plan):
            return self._plain(raw)
        facts = template_summary(plan)
        sentence = self._sentence(raw, facts, plan)
        if plan.status != "feasible":
            problems = "; ".join(v.message for v in plan.errors[:3])
            facts = f"No plan meets every wish ({problems}).\n{facts}"
        return "\n".join([s for s in (sentence, facts) if s])

    async def _adopt(self, itinerary: Itinerary) -> bool:
        """Make ``itinerary`` the plan when the verifier finds no error the engine did not list."""
        found = await asyncio.to_thread(verify_itinerary, itinerary, self.session)
        new = {v.code for v in found if v.severity == "error"} - {v.code for v in itinerary.errors}
        if new:
            self.session.log.append({"agent": self.name, "unverified": sorted(new)})
            return False
        if itinerary.request is not None:
            self.session.request = itinerary.request
        self.session.adopt(itinerary)
        return True

    def _sentence(self, raw: str, facts: str, itinerary: Itinerary) -> str | None:
        ids = {s.poi_id for s in itinerary.stops if s.poi_id}
        return grounded_sentence(
            raw, facts=facts, ids=ids, names={s.name for s in itinerary.stops}, session=self.session
        )

    def _plain(self, raw: str) -> str:
        """An answer with nothing checked behind it: kept only when it names nothing (a question)."""
        return grounded_sentence(raw, facts="", ids=set(), names=set(), session=self.session) or self.fallback


class ServedPlanner(ServedAgent):
    """Plans a trip from a request by calling the tools; the engine's verified plan is shown."""

    def __init__(self, session: TripSession, model_client: ChatCompletionClient) -> None:
        super().__init__("planner", "Plans a trip from a request, asks follow-up questions.", session, model_client)


class ServedRecommender(ServedAgent):
    """Searches the catalogue and shows up to three places the search returned."""

    system = _RECOMMENDER_SYSTEM
    fallback = "I found nothing I could check for that; try another wish or a longer detour."

    def __init__(self, session: TripSession, model_client: ChatCompletionClient) -> None:
        super().__init__("recommender", "Recommends places for a wish, with reasons.", session, model_client)

    def tool_set(self) -> list[BaseTool[Any, Any]]:
        return list(self.tools.recommender_tools())

    async def answer(self, ledger: TurnLedger, raw: str) -> str:
        if not ledger.picks:
            return self._plain(raw)
        session = self.session
        at = session.state.at or session.context.now
        diets = session.memory.diet
        places = [session.tools.places.get_sync(poi_id, at=at) for poi_id in ledger.picks]
        picks = [pick_of(p, diets=diets) for p in places]
        session.recommendations = Recommendations(
            picks=picks, considered=list(ledger.seen), refused=ledger.refused, chosen_by="model"
        )
        lines = "\n".join(f"{i}. {p.explanation}" for i, p in enumerate(picks, 1))
        sentence = grounded_sentence(
            raw, facts=lines, ids=set(ledger.picks), names={p.name for p in picks if p.name}, session=session
        )
        return "\n".join([s for s in (sentence, lines) if s])


class ServedReplanner(ServedAgent):
    """Repairs the plan with the engine after an event and says what changed."""

    system = _REPLANNER_SYSTEM
    fallback = (
        "What changed? For example: 'we are 20 minutes late', 'the museum is closed', "
        "'the charger is broken', 'skip the cafe' or 'lunch now, vegan'."
    )

    def __init__(self, session: TripSession, model_client: ChatCompletionClient) -> None:
        super().__init__(
            "replanner", "Repairs the plan after delays, closures, broken chargers.", session, model_client
        )

    def tool_set(self) -> list[BaseTool[Any, Any]]:
        return list(self.tools.replanner_tools())

    async def answer(self, ledger: TurnLedger, raw: str) -> str:
        result, previous = ledger.replanned, ledger.previous
        if result is None or previous is None or not await self._adopt(result.itinerary):
            return self._plain(raw)
        facts = f"{describe(result, previous)}\n{template_summary(result.itinerary)}"
        sentence = self._sentence(raw, facts, result.itinerary)
        return "\n".join([s for s in (sentence, facts) if s])
