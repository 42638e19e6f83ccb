"""Simulators of travellers, vehicles and the world, and the scenario runner.

A scenario (YAML, :class:`Scenario`) describes a persona with hidden preferences, a vehicle,
what is asked and what happens on the road; :func:`run_scenario` plays it against the
agent team and checks its expectations; :func:`simulate` runs suites here or on Ray, in
process or against a running ``codriver serve`` (:func:`run_scenario_http`), with the
rule-based or the LLM-driven traveller. See ``docs/simulation.md``.
"""

from codriver.simulators._executor import Executor, SimOptions, llm_traveller, run_replica, simulate
from codriver.simulators._expect import ExpectationResult, RunFacts, evaluate
from codriver.simulators._guard import LeakGuard, find_leaks, hidden_targets
from codriver.simulators._http import api_event, run_scenario_http
from codriver.simulators._llm_traveller import LlmTraveller, public_profile
from codriver.simulators._report import summarise, write_report
from codriver.simulators._result import PRECISION_K, ReplanRecord, ScenarioResult, Turn
from codriver.simulators._runner import (
    TravellerFactory,
    mind_change_at,
    rule_traveller,
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
    "Executor",
    "ExpectationResult",
    "Expectations",
    "Hidden",
    "Household",
    "LeakGuard",
    "LlmTraveller",
    "Persona",
    "ReplanRecord",
    "RuleTraveller",
    "RunFacts",
    "Scenario",
    "ScenarioEvent",
    "ScenarioResult",
    "SimOptions",
    "TravellerFactory",
    "Turn",
    "VehicleSim",
    "VisitedStop",
    "World",
    "api_event",
    "compose_request",
    "evaluate",
    "event_message",
    "find_leaks",
    "hidden_targets",
    "llm_traveller",
    "load_scenario",
    "mind_change_at",
    "parse_meal_before",
    "point_along",
    "public_profile",
    "rule_traveller",
    "run_replica",
    "run_scenario",
    "run_scenario_async",
    "run_scenario_http",
    "run_suite",
    "scenario_paths",
    "scenario_schema",
    "scenario_tools",
    "simulate",
    "summarise",
    "write_report",
]
