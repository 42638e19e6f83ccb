"""The LLM-driven traveller with the real embedded model (SmolLM2 via llama.cpp), offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from codriver.bootstrap import Runtime
from codriver.llm import llama_cpp_available
from codriver.settings import Settings
from codriver.simulators import SimOptions, simulate

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not llama_cpp_available(), reason="llama-cpp-python (the local-llm extra) is not installed"),
]

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"
LLM = SimOptions(traveller="llm")  # the agents use rules; the traveller the embedded model


def test_the_embedded_model_speaks_for_the_traveller_without_leaking(helsinki: Runtime, tmp_path: Path) -> None:
    cache = tmp_path / "llm-cache"
    runtime = Runtime(Settings(data_dir=helsinki.settings.data_dir, llm={"cache_dir": cache}))
    path = [SCENARIOS / "refine-conversation.yaml"]
    first = simulate(path, runtime=runtime, seed=0, options=LLM)[0]
    stored = sorted(p.name for p in cache.rglob("*.json"))
    assert len(stored) == first.traveller_calls >= 5  # request, start, two refinements, a "no", the review
    second = simulate(path, runtime=runtime, seed=0, options=LLM)[0]
    assert sorted(p.name for p in cache.rglob("*.json")) == stored  # every answer came from the cache
    assert second.reproducible() == first.reproducible()
    assert first.traveller == "llm"
    assert first.leaks == 0
    assert first.places_outside_catalogue == []
    assert first.plan_status == "feasible", [t.text for t in first.transcript]
    said = [t.text for t in first.transcript if t.who == "traveller"]
    assert all("picnic" not in line.casefold() for line in said)  # the hidden dislike
    rejected = [d for d in first.decisions if not d["accepted"]]
    assert rejected
    assert rejected[0]["said"].endswith("Please recommend something else.")
    assert first.comment


def test_it_changes_its_mind_during_the_drive(helsinki: Runtime) -> None:
    result = simulate([SCENARIOS / "family-ev-museums.yaml"], runtime=helsinki, seed=4, options=LLM)[
        0
    ]  # seed 4: 27 % in
    change = [r for r in result.replans if r.event == "mind_change"]
    assert len(change) == 1, result.replans
    assert change[0].message is not None
    assert "skip" in change[0].message.casefold()
    assert change[0].replanned
    assert result.leaks == 0
