"""The LLM-driven traveller with a scripted model: its words, the guard, decisions, determinism."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from autogen_core.models import ChatCompletionClient, LLMMessage
from autogen_ext.models.replay import ReplayChatCompletionClient
from simulators_support import SCENARIOS

from codriver.bootstrap import Runtime
from codriver.llm import REPLAY_MODEL_INFO, cached_client
from codriver.planning import ItineraryStop
from codriver.simulators import (
    LeakGuard,
    LlmTraveller,
    Persona,
    hidden_targets,
    llm_traveller,
    load_scenario,
    public_profile,
    run_scenario,
)

PERSONA = Persona.model_validate(
    {
        "name": "Aino",
        "household": {"ages": [41, 39, 9]},
        "diet": ["vegetarian"],
        "budget": 150,
        "interests": ["museum"],
        "home": "Ateneum",
        "hidden": {"liked_categories": ["museum", "playground"], "disliked_places": ["Fazer Café"]},
    }
)
TARGETS = ["Fazer Café", "playground", "playgrounds"]


class Recording(ReplayChatCompletionClient):
    """A replay client that keeps every prompt it was given."""

    def __init__(self, answers: Sequence[str]) -> None:
        super().__init__(list(answers), model_info=REPLAY_MODEL_INFO)
        self.prompts: list[str] = []

    async def create(self, messages: Sequence[LLMMessage], **kwargs: Any) -> Any:
        self.prompts.append("\n".join(str(m.content) for m in messages))
        return await super().create(messages, **kwargs)


def _traveller(answers: Sequence[str], **changes: Any) -> tuple[LlmTraveller, Recording]:
    client = Recording(answers)
    options: dict[str, Any] = {"seed": 1, "client": client, "guard": LeakGuard(TARGETS), "mind_change_chance": 1.0}
    return LlmTraveller(PERSONA, **{**options, **changes}), client


def test_the_model_sees_only_the_public_profile() -> None:
    traveller, client = _traveller(["Hi! From 10:00 to 16:00, museums, budget 150, vegetarian lunch."])
    asyncio.run(traveller.opening("Today from 10:00 to 16:00, museums, vegetarian lunch, budget 150 euros"))
    prompt = client.prompts[0]
    assert public_profile(PERSONA) in prompt
    assert "150" in prompt
    assert all(target.casefold() not in prompt.casefold() for target in TARGETS)


def test_own_words_are_used_when_they_keep_the_facts() -> None:
    request = "Today from 10:00 to 16:00, museums, vegetarian lunch, budget 150 euros"
    good = "Hi! We'd love museums from 10:00 to 16:00 with a vegetarian lunch, 150 euros max."
    traveller, _ = _traveller([good, "We fancy a day out."])
    assert asyncio.run(traveller.opening(request)) == good
    assert asyncio.run(traveller.refine("add a park at 12:00")) == "add a park at 12:00"  # lost the time
    assert traveller.utterances == [good, "add a park at 12:00"]
    assert traveller.guard.fallbacks == 1


def test_a_leaking_draft_never_reaches_the_assistant() -> None:
    draft = "The kids want a playground. Museums from 10:00 to 16:00, vegetarian lunch, 150 euros."
    traveller, _ = _traveller([draft])
    said = asyncio.run(traveller.opening("Today from 10:00 to 16:00, museums, vegetarian lunch, budget 150 euros"))
    assert said == "Museums from 10:00 to 16:00, vegetarian lunch, 150 euros."
    assert traveller.guard.caught == 1
    assert traveller.guard.audit(traveller.utterances) == 0


def test_answers_follow_up_questions_from_the_profile() -> None:
    answers = ["We start from the museum.", "We leave from Ateneum.", "Three of us.", "Around 150 euros."]
    traveller, _ = _traveller(answers)
    assert asyncio.run(traveller.reply("Where does the trip start?")) == "Starting from Ateneum"  # no home: fallback
    assert asyncio.run(traveller.reply("Where does the trip start?")) == "We leave from Ateneum."
    # "Three" is not the number the assistant reads: the safe fact is said instead
    assert asyncio.run(traveller.reply("How many people are coming?")) == "We are 3, 1 of us children"
    assert asyncio.run(traveller.reply("What is your budget?")) == "Around 150 euros."
    assert asyncio.run(traveller.reply("Do you like jazz?")) is None
    assert traveller.guard.fallbacks == 2


def test_declines_with_its_own_reason_and_asks_for_another_place() -> None:
    traveller, _ = _traveller(["Oh, Fazer Café again? No thanks.", "Lovely, let's go."])
    said = asyncio.run(traveller.respond_to("osm:node/1", "Fazer Café", "cafe"))
    assert said == "No thanks. Please recommend something else."  # the sentence naming the hidden place is gone
    assert (traveller.guard.caught, traveller.guard.rewritten) == (1, 1)
    assert asyncio.run(traveller.respond_to("osm:node/2", "Kiasma", "museum")) is None  # a yes is not sent
    assert [(d.accepted, d.reason, d.said) for d in traveller.decisions] == [
        (False, "disliked place", said),
        (True, "liked category", "Lovely, let's go."),
    ]
    assert traveller.guard.audit(traveller.utterances) == 0


def _stop(name: str, category: str, kind: str = "visit") -> ItineraryStop:
    at = datetime.fromisoformat("2026-11-26T12:00:00+02:00")
    return ItineraryStop(
        poi_id="osm:node/3", name=name, kind=kind, category=category, lat=60.1, lon=24.9, arrive_at=at, depart_at=at
    )


def test_changes_its_mind_once_about_a_stop_it_does_not_love() -> None:
    traveller, _ = _traveller(["Let's skip Esplanadi today."])
    assert traveller.wants_mind_change()
    ahead = [_stop("Kiasma", "museum"), _stop("Fazer Café", "cafe"), _stop("Esplanadi", "park")]
    assert asyncio.run(traveller.mind_change(ahead)) == "Let's skip Esplanadi today."
    assert asyncio.run(traveller.mind_change(ahead)) is None  # once
    never, _ = _traveller([], mind_change_chance=0.0)
    assert not never.wants_mind_change()


def test_reviews_with_the_hidden_rating_and_its_own_comment() -> None:
    traveller, _ = _traveller(["A lovely day!"])
    assert asyncio.run(traveller.review([], None)) == (2, "A lovely day!")


def _replay_factory(answers: list[str], cache: Path | None) -> Any:
    # No change of mind here: that "skip" re-plan lands on different plans as the optimizer's
    # wall-clock-limited search gets more or less far (reported); this test is about the cache.
    def client() -> ChatCompletionClient:
        replay = ReplayChatCompletionClient(list(answers), model_info=REPLAY_MODEL_INFO)
        return cached_client(replay, cache, backend="replay", model="script") if cache else replay

    return llm_traveller(client, mind_change_chance=0.0)


def test_a_whole_run_with_cached_model_answers_is_reproducible(helsinki: Runtime, tmp_path: Path) -> None:
    path = SCENARIOS / "family-ev-museums.yaml"
    chatty = [f"Answer number {i}: the kids love a playground." for i in range(20)]
    first = run_scenario(path, runtime=helsinki, seed=4, traveller=_replay_factory(chatty, tmp_path))
    # The same prompts again, now served from the cache: a model that would answer otherwise is never asked.
    other = ["Something else entirely." for _ in range(20)]
    second = run_scenario(path, runtime=helsinki, seed=4, traveller=_replay_factory(other, tmp_path))
    assert first.reproducible() == second.reproducible()
    assert first.traveller == "llm"
    assert first.traveller_calls == 3  # request, follow-up answer, review
    assert first.guard["caught"] >= 2  # "playground" is hidden in this scenario
    assert first.leaks == 0
    assert "playground" in hidden_targets(load_scenario(path))
    assert all("playground" not in t.text for t in first.transcript if t.who == "traveller")
    uncached = run_scenario(path, runtime=helsinki, seed=4, traveller=_replay_factory(other, None))
    assert uncached.reproducible() != first.reproducible()  # so the cache is what made them equal
