"""Simulators of travellers, vehicles and the world, and the scenario runner.

A scenario (YAML, :class:`Scenario`) describes a persona with hidden preferences, a vehicle,
what is asked and what happens on the road; :func:`run_scenario` plays it against the
agent team and checks its expectations. See ``docs/simulation.md``.
"""

from codriver.simulators._expect import ExpectationResult, RunFacts, evaluate
from codriver.simulators._report import summarise, write_report
from codriver.simulators._runner import (
    PRECISION_K,
    ReplanRecord,
    ScenarioResult,
    Turn,
    run_scenario,
    run_scenario_async,
    run_suite,
)
from codriver.simulators._scenario import (
    ChargerSurvey,
    Expectations,
    Hidden,
    Household,
    Persona,
    Scenario,
    ScenarioEvent,
    compose_request,
    load_scenario,
    parse_meal_before,
    scenario_schema,
)
from codriver.simulators._suite import scenario_paths, scenario_tools
from codriver.simulators._traveller import Decision, RuleTraveller, VisitedStop
from codriver.simulators._vehicle import VehicleSim, point_along
from codriver.simulators._world import World, event_message

__all__ = [
    "PRECISION_K",
    "ChargerSurvey",
    "Decision",
    "ExpectationResult",
    "Expectations",
    "Hidden",
    "Household",
    "Persona",
    "ReplanRecord",
    "RuleTraveller",
    "RunFacts",
    "Scenario",
    "ScenarioEvent",
    "ScenarioResult",
    "Turn",
    "VehicleSim",
    "VisitedStop",
    "World",
    "compose_request",
    "evaluate",
    "event_message",
    "load_scenario",
    "parse_meal_before",
    "point_along",
    "run_scenario",
    "run_scenario_async",
    "run_suite",
    "scenario_paths",
    "scenario_schema",
    "scenario_tools",
    "summarise",
    "write_report",
]
