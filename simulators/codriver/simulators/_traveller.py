"""The rule-based traveller: deterministic, for CI.

It says the scenario's public request, answers the assistant's follow-up questions from
the persona, accepts or turns down recommendations by its hidden preferences (giving a
reason that never names them) and rates the trip from 1 to 5. Everything it says is kept
in ``utterances``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from codriver.agents import Recommendations
from codriver.planning import Itinerary, ItineraryStop
from codriver.simulators._scenario import Persona

__all__ = ["Decision", "RuleTraveller", "VisitedStop"]

_START_ANSWERS = ("Start from {home}", "Starting from {home}", "Leaving from {home}")
_PLEASANTRIES = (", thanks!", ", thank you.", ", we are looking forward to it!")
_REJECT = ("We've been there, recommend something else.", "We've been there already, recommend another one please.")


@dataclass(frozen=True)
class VisitedStop:
    """A stop the vehicle actually reached."""

    poi_id: str | None
    name: str
    kind: str
    category: str | None
    meal: str | None
    arrive_at: str  # ISO 8601 with offset


@dataclass(frozen=True)
class Decision:
    """The traveller's verdict on a recommended place; ``reason`` is private (never said),
    ``said`` is what it told the assistant (None: a silent yes)."""

    poi_id: str
    name: str
    accepted: bool
    reason: str
    said: str | None = None


@dataclass
class RuleTraveller:
    """A traveller scripted by a persona; ``seed`` picks among equivalent phrasings, and the
    persona's ``talkativeness`` is the chance of adding a pleasantry to an answer."""

    persona: Persona
    seed: int = 0
    utterances: list[str] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)  # noqa: S311  (phrasing, not security)

    def say(self, text: str) -> str:
        """Record ``text`` as said and return it."""
        self.utterances.append(text)
        return text

    def answer(self, question: str) -> str | None:
        """The reply to a follow-up question, or None when it has nothing to add."""
        lowered = question.casefold()
        if re.search(r"\b(start|from|leave|leaving|origin)\b", lowered):
            answer = self._rng.choice(_START_ANSWERS).format(home=self.persona.home)
            if self._rng.random() < self.persona.talkativeness:
                answer += self._rng.choice(_PLEASANTRIES)
            return self.say(answer)
        return None

    def likes(self, name: str, category: str | None) -> bool | None:
        """True for a liked category, False for a disliked place or category, None when indifferent."""
        hidden = self.persona.hidden
        if name.casefold() in {p.casefold() for p in hidden.disliked_places}:
            return False
        if category is not None and category in hidden.disliked_categories:
            return False
        if category is not None and category in hidden.liked_categories:
            return True
        return None

    def react(self, recommendations: Recommendations) -> str | None:
        """Accept the top pick silently, or turn it down in words that never name the hidden preference."""
        if not recommendations.picks:
            return None
        top = recommendations.picks[0]
        return self.judge(top.poi_id, top.name or "", top.category)

    def judge(self, poi_id: str, name: str, category: str | None) -> str | None:
        """The verdict on one recommended place (kept in ``decisions``); the words of a "no", None for a yes."""
        verdict = self.likes(name, category)
        if verdict is False:
            disliked = {p.casefold() for p in self.persona.hidden.disliked_places}
            reason = "disliked place" if name.casefold() in disliked else "disliked category"
            said = self.say(self._rng.choice(_REJECT))
            self.decisions.append(Decision(poi_id, name, False, reason, said))
            return said
        reason = "liked category" if verdict else "indifferent"
        self.decisions.append(Decision(poi_id, name, True, reason))
        return None  # a silent yes: nothing for the assistant to change

    def rate(self, visited: list[VisitedStop], final: Itinerary | None) -> int:
        """Satisfaction 1..5: 3, plus half a point per liked stop, minus one per disliked stop,
        minus one when the last plan is not feasible."""
        score = 3.0
        for stop in visited:
            if stop.kind in ("start", "end", "charge"):
                continue
            verdict = self.likes(stop.name, stop.category)
            if verdict is True:
                score += 0.5
            elif verdict is False:
                score -= 1.0
        if final is None or final.status != "feasible":
            score -= 1.0
        return max(1, min(5, round(score)))

    # The runner's interface (async, so that a model-driven traveller can share it).
    kind = "rule"

    async def opening(self, text: str) -> str:
        """The first message: the scenario's public request, as written."""
        return self.say(text)

    async def refine(self, text: str) -> str:
        """A scripted refinement after the first answer, as written."""
        return self.say(text)

    async def reply(self, question: str) -> str | None:
        """See :meth:`answer`."""
        return self.answer(question)

    async def respond(self, recommendations: Recommendations) -> str | None:
        """The reaction to the top pick (see :meth:`react`)."""
        if not recommendations.picks:
            return None
        top = recommendations.picks[0]
        return await self.respond_to(top.poi_id, top.name or "", top.category)

    async def respond_to(self, poi_id: str, name: str, category: str | None) -> str | None:
        """See :meth:`judge`."""
        return self.judge(poi_id, name, category)

    async def mind_change(self, ahead: list[ItineraryStop]) -> str | None:
        """What it says when it changes its mind about a stop ahead; the rule-based traveller never does."""
        del ahead
        return None

    def wants_mind_change(self) -> bool:
        """Whether it will change its mind once during the drive."""
        return False

    async def review(self, visited: list[VisitedStop], final: Itinerary | None) -> tuple[int, str | None]:
        """The rating (see :meth:`rate`) and a comment (none from the rule-based traveller)."""
        return self.rate(visited, final), None
