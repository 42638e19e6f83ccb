"""The leakage guard: which words are hidden, and what happens to an utterance that uses them."""

from __future__ import annotations

from typing import Any

from simulators_support import SCENARIOS

from codriver.simulators import LeakGuard, Scenario, find_leaks, hidden_targets, load_scenario


def _scenario(**changes: Any) -> Scenario:
    base: dict[str, Any] = {
        "name": "guarded",
        "start": "2026-11-26T08:00:00+02:00",
        "persona": {
            "name": "T",
            "household": {"ages": [30]},
            "home": "Ateneum",
            "interests": ["museum"],
            "hidden": {
                "liked_categories": ["museum", "playground"],
                "disliked_categories": ["bar"],
                "disliked_places": ["Fazer Café"],
            },
        },
        "request": "Today from 10:00 to 16:00, museums",
    }
    return Scenario.model_validate({**base, **changes})


def test_targets_are_hidden_words_less_the_public_ones() -> None:
    targets = hidden_targets(_scenario())
    assert "playground" in targets
    assert "playgrounds" in targets
    assert "bar" in targets
    assert "pub" in targets
    assert "Fazer Café" in targets
    assert "museum" not in targets  # a stated interest: public
    assert "museums" not in targets
    said = _scenario(conversation=["and a playground for the kid"])
    assert "playground" not in hidden_targets(said)  # the scenario says it aloud itself


def test_every_shipped_scenario_keeps_its_hidden_targets_out_of_its_scripted_lines() -> None:
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = load_scenario(path)
        targets = hidden_targets(scenario)
        scripted = [scenario.first_message, *scenario.later_messages]
        assert [find_leaks(line, targets) for line in scripted] == [[] for _ in scripted], path.name


def test_whole_words_only_and_case_insensitive() -> None:
    assert find_leaks("A BAR crawl", ["bar"]) == ["bar"]
    assert find_leaks("barbecue at the embarkment", ["bar"]) == []
    assert find_leaks("coffee at fazer café?", ["Fazer Café"]) == ["Fazer Café"]


def test_a_leaking_sentence_is_dropped_and_counted() -> None:
    guard = LeakGuard(["playground"])
    said = guard.check("Sounds lovely. The kids want a playground!", fallback="OK.")
    assert said == "Sounds lovely."
    assert (guard.caught, guard.rewritten, guard.fallbacks) == (1, 1, 0)
    assert guard.audit([said]) == 0


def test_falls_back_when_nothing_safe_is_left_or_facts_are_lost() -> None:
    guard = LeakGuard(["bar"])
    assert guard.check("A bar, please.", fallback="Something else, please.") == "Something else, please."
    keeps_time = LeakGuard([])
    said = keeps_time.check("A nice day out!", fallback="From 10:00", keeps=lambda d: "10:00" in d)
    assert said == "From 10:00"
    assert (guard.fallbacks, keeps_time.fallbacks, keeps_time.caught) == (1, 1, 0)
    assert keeps_time.check("", fallback="x") == "x"  # an empty draft is no answer


def test_audit_counts_every_target_in_every_utterance() -> None:
    guard = LeakGuard(["bar", "pub"])
    assert guard.audit(["a bar or a pub", "a pub", "a park"]) == 3
