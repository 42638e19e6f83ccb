"""The rule-based traveller: answers, reactions, rating, and no leak of hidden preferences."""

from __future__ import annotations

import re

from simulators_support import SCENARIOS

from codriver.agents import Pick, Recommendations
from codriver.simulators import Persona, RuleTraveller, ScenarioResult, VisitedStop, load_scenario, scenario_paths

PERSONA = Persona.model_validate(
    {
        "name": "T",
        "household": {"ages": [30]},
        "home": "Ateneum",
        "hidden": {"liked_categories": ["museum"], "disliked_categories": ["bar"], "disliked_places": ["Fazer Café"]},
    }
)


def _recs(name: str, category: str) -> Recommendations:
    pick = Pick(
        poi_id="osm:node/1", name=name, category=category, lat=60.0, lon=24.0, explanation=name, facts=[], score=1.0
    )
    return Recommendations(picks=[pick], considered=[pick.poi_id], chosen_by="ranking")


def test_answers_where_the_trip_starts_and_nothing_else() -> None:
    traveller = RuleTraveller(PERSONA, seed=3)
    answer = traveller.answer("Where does the trip start? Give a place name, a street or coordinates.")
    assert answer is not None
    assert answer.endswith("from Ateneum")
    assert traveller.answer("How many are you?") is None
    assert traveller.utterances == [answer]


def test_reactions_follow_hidden_preferences_with_a_private_reason() -> None:
    traveller = RuleTraveller(PERSONA)
    assert "been there" in (traveller.react(_recs("Fazer Café", "cafe")) or "")
    assert "been there" in (traveller.react(_recs("Corona Bar", "bar")) or "")
    assert traveller.react(_recs("Kiasma", "museum")) is None  # a silent yes
    assert traveller.react(_recs("Library", "library")) is None
    assert len(traveller.utterances) == 2
    assert [(d.accepted, d.reason) for d in traveller.decisions] == [
        (False, "disliked place"),
        (False, "disliked category"),
        (True, "liked category"),
        (True, "indifferent"),
    ]


def test_rating_rises_with_liked_stops_and_falls_with_disliked_ones() -> None:
    traveller = RuleTraveller(PERSONA)

    def stop(name: str, category: str, kind: str = "visit") -> VisitedStop:
        return VisitedStop("osm:node/1", name, kind, category, None, "2026-11-26T10:00:00+02:00")

    liked = [stop("A", "museum"), stop("B", "museum"), stop("C", "museum"), stop("D", "museum")]
    assert traveller.rate(liked, None) == 4  # 3 + 2 - 1 (no feasible plan)
    disliked = [stop("Fazer Café", "cafe"), stop("E", "bar")]
    assert traveller.rate(disliked, None) == 1
    assert traveller.rate([stop("Ateneum", "bar", kind="end")], None) == 2  # the end is not judged


def test_the_same_seed_says_the_same_words() -> None:
    question = "Where does the trip start?"
    assert RuleTraveller(PERSONA, seed=7).answer(question) == RuleTraveller(PERSONA, seed=7).answer(question)


def test_hidden_preferences_never_leak(suite: list[ScenarioResult]) -> None:
    """No hidden liked/disliked name or category word in anything a traveller said, unless public."""
    scenarios = {s.name: s for s in (load_scenario(p) for p in scenario_paths([SCENARIOS]))}
    checked = 0
    for result in suite:
        scenario = scenarios[result.scenario]
        hidden = scenario.persona.hidden
        public = " ".join([scenario.first_message, *scenario.later_messages]).casefold()
        secrets = {*hidden.liked_categories, *hidden.disliked_categories, *hidden.disliked_places}
        words = {w for secret in secrets for w in re.split(r"[_\s]+", secret.casefold()) if len(w) > 2}
        said = [t.text.casefold() for t in result.transcript if t.who == "traveller"]
        public_said = {m.casefold() for m in [scenario.first_message, *scenario.later_messages]}
        for text in said:
            if text in public_said:
                continue
            checked += 1
            leaked = [w for w in words if re.search(rf"\b{re.escape(w)}", text) and w not in public]
            assert leaked == [], f"{result.scenario}: {text!r} leaks {leaked}"
    assert checked >= 10  # follow-up answers and reactions were actually checked


def test_talkativeness_adds_pleasantries() -> None:
    question = "Where does the trip start?"
    chatty = PERSONA.model_copy(update={"talkativeness": 1.0})
    terse = PERSONA.model_copy(update={"talkativeness": 0.0})
    for seed in range(5):
        assert not (RuleTraveller(chatty, seed=seed).answer(question) or "").endswith("Ateneum")
        assert (RuleTraveller(terse, seed=seed).answer(question) or "").endswith("Ateneum")
