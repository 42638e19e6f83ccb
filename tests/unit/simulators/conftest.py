"""Fixtures of the simulator tests: the scenario folder and one rule-based run of the whole suite."""

from __future__ import annotations

import pytest
from simulators_support import SCENARIOS

from codriver.bootstrap import Runtime
from codriver.simulators import ScenarioResult, run_suite, scenario_paths


@pytest.fixture(scope="session")
def suite(helsinki: Runtime) -> list[ScenarioResult]:
    """Every scenario of ``scenarios/`` once, seed 0, with the rule-based traveller and no model."""
    return run_suite(scenario_paths([SCENARIOS]), runtime=helsinki, seed=0)
