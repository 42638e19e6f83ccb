"""The LLM-driven traveller: the rule-based traveller's decisions, said in a model's own words.

What the traveller *wants* stays rule-based and hidden (accept or reject by the hidden
preferences, the rating); what it *says* comes from a chat model (any
``ChatCompletionClient``: the embedded SmolLM2, an OpenAI-compatible server, a replay
script) that only ever sees the persona's public profile. Every draft passes the
:class:`LeakGuard` and a check that it still says what the assistant needs (times,
numbers, the home, the stop to skip); otherwise the rule-based wording is said instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from autogen_core.models import ChatCompletionClient, SystemMessage, UserMessage

from codriver.planning import Itinerary, ItineraryStop
from codriver.simulators._guard import LeakGuard
from codriver.simulators._scenario import Persona
from codriver.simulators._traveller import RuleTraveller, VisitedStop

__all__ = ["LlmTraveller", "public_profile"]

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_MAX_CHARS = 240
_TONES = ("casual", "polite", "brief", "cheerful")
_NEEDED = re.compile(
    r"\b(\d{1,2}:\d{2}|\d+(?:\.\d+)?|breakfast|lunch|dinner|vegan|vegetarian|halal|kosher|gluten-free|"
    r"lactose-free|wheelchair|step-free|kids|son|museums?|parks?|coffee|sights|galleries|playground|church|"
    r"beach|library|burgers|drinks|viewpoint)\b",
    re.IGNORECASE,
)
_QUESTION_TOPICS = (
    ("start", re.compile(r"\b(start|from|leave|leaving|origin)\b")),
    ("party", re.compile(r"\b(how many|who is coming|people|party)\b")),
    ("budget", re.compile(r"\b(budget|spend|cost|price)\b")),
)


def public_profile(persona: Persona) -> str:
    """What the model may know about the traveller: household, diet, budget, interests, mobility, home."""
    adults, children = persona.household.adults, persona.household.children
    parts = [f"You are {persona.name}, travelling with {adults} adult(s) and {children} child(ren)."]
    if persona.diet:
        parts.append(f"Diet: {', '.join(d.replace('_', '-') for d in persona.diet)}.")
    if persona.budget is not None:
        parts.append(f"Budget: {persona.budget:g} euros for everyone.")
    if persona.interests:
        parts.append(f"You said you like: {', '.join(i.replace('_', ' ') for i in persona.interests)}.")
    if persona.mobility:
        parts.append(f"Mobility: {', '.join(m.replace('_', '-') for m in persona.mobility)}.")
    parts.append(f"You start from {persona.home}.")
    return " ".join(parts)


def _needed(text: str) -> set[str]:
    return {m.casefold() for m in _NEEDED.findall(text)}


def _keeps_facts(original: str) -> Callable[[str], bool]:
    need = _needed(original)
    return lambda draft: need <= _needed(draft)


@dataclass
class LlmTraveller(RuleTraveller):
    """A traveller whose words come from ``client``; ``guard`` holds the scenario's hidden targets.

    ``mind_change_chance`` is the chance (per run, by ``seed``) that it asks to skip a stop
    during the drive. ``calls`` and the token counts are its own model use.
    """

    client: ChatCompletionClient | None = None
    guard: LeakGuard = field(default_factory=lambda: LeakGuard([]))
    mind_change_chance: float = 0.5
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    comment: str | None = None

    kind = "llm"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.client is None:
            msg = "the LLM-driven traveller needs a chat client"
            raise ValueError(msg)
        self._tone = self._rng.choice(_TONES)
        self._changes_mind = self._rng.random() < self.mind_change_chance
        self._system = (
            f"{public_profile(self.persona)} You talk to a trip-planning assistant in your car. "
            f"Reply in one or two short sentences, first person, {self._tone} tone. Say only what you are asked to."
        )

    async def _draft(self, instruction: str) -> str:
        assert self.client is not None
        result = await self.client.create(
            [SystemMessage(content=self._system), UserMessage(content=instruction, source="traveller")]
        )
        self.calls += 1
        self.prompt_tokens += result.usage.prompt_tokens
        self.completion_tokens += result.usage.completion_tokens
        text = result.content if isinstance(result.content, str) else ""
        # Small models ramble and repeat: keep the first two sentences, at most _MAX_CHARS.
        sentences = [s for s in _SENTENCE.split(" ".join(text.split()).strip('"').strip()) if s]
        return " ".join(sentences[:2])[:_MAX_CHARS].strip()

    async def _speak(self, instruction: str, fallback: str, keeps: Callable[[str], bool] = lambda _: True) -> str:
        return self.say(self.guard.check(await self._draft(instruction), fallback, keeps))

    async def opening(self, text: str) -> str:
        """The request in its own words; it must keep every time, number, meal, diet and interest."""
        instruction = f'Ask the assistant for this trip in your own words, keeping every time and number: "{text}"'
        return await self._speak(instruction, text, _keeps_facts(text))

    async def refine(self, text: str) -> str:
        """A scripted refinement, reworded (same rule as :meth:`opening`)."""
        instruction = f'Tell the assistant this change in your own words: "{text}"'
        return await self._speak(instruction, text, _keeps_facts(text))

    async def reply(self, question: str) -> str | None:
        """An answer to where the trip starts, how many travel, or the budget; None to anything else."""
        lowered = question.casefold()
        topic = next((name for name, pattern in _QUESTION_TOPICS if pattern.search(lowered)), None)
        persona = self.persona
        if topic == "start":
            fact = f"Starting from {persona.home}"
            said_from = re.compile(rf"\bfrom {re.escape(persona.home)}(?!\w)", re.IGNORECASE)
            keeps: Callable[[str], bool] = lambda d: said_from.search(d) is not None  # noqa: E731
        elif topic == "party":
            count, children = str(len(persona.household.ages)), persona.household.children
            fact = f"We are {count}" + (f", {children} of us children" if children else "")
            keeps = lambda d: count in d  # noqa: E731
        elif topic == "budget" and persona.budget is not None:
            amount = f"{persona.budget:g}"
            fact = f"Budget {amount} euros"
            keeps = lambda d: amount in d  # noqa: E731
        else:
            return None
        return await self._speak(
            f'The assistant asks: "{question}". Reply in your own words that: {fact}.', fact, keeps
        )

    async def respond_to(self, poi_id: str, name: str, category: str | None) -> str | None:
        """Decides like the rule-based traveller; says why in its own words (a "no" asks for another place)."""
        said_before = len(self.utterances)
        rule_answer = self.judge(poi_id, name, category)
        decision = self.decisions[-1]
        shown = name or "that place"
        if rule_answer is None:
            said = await self._speak(f"The assistant suggests {shown}. Say you are happy with it.", "Sounds good.")
            self.decisions[-1] = replace(decision, said=said)
            return None  # a yes changes nothing: said, not sent
        del self.utterances[said_before:]  # the model's words replace the rule wording
        reason = await self._speak(
            f"The assistant suggests {shown}, but you do not want to go there. Decline politely without saying why.",
            "Not that one, thanks.",
        )
        text = f"{reason} Please recommend something else."
        self.utterances[-1] = text
        self.decisions[-1] = replace(decision, said=text)
        return text

    def wants_mind_change(self) -> bool:
        return self._changes_mind

    async def mind_change(self, ahead: list[ItineraryStop]) -> str | None:
        """Asks to skip the first visit ahead it does not love (never one whose name is hidden), once."""
        if not self._changes_mind:
            return None
        stop = next(
            (
                s
                for s in ahead
                if s.kind == "visit" and self.likes(s.name, s.category) is not True and not self.guard.audit([s.name])
            ),
            None,
        )
        if stop is None:
            return None
        self._changes_mind = False
        name = stop.name

        def names_it(draft: str) -> bool:
            return name.casefold() in draft.casefold() and "skip" in draft.casefold()

        instruction = f"You changed your mind about visiting {name}. Ask the assistant to skip it."
        return await self._speak(instruction, f"We changed our minds, please skip {name}.", names_it)

    async def review(self, visited: list[VisitedStop], final: Itinerary | None) -> tuple[int, str | None]:
        """The rule-based rating (from the hidden preferences) and a comment in its own words."""
        rating = self.rate(visited, final)
        self.comment = await self._speak(
            f"The trip is over. You rate it {rating} out of 5. Say how it was.", f"{rating} out of 5."
        )
        return rating, self.comment
