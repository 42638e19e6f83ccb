"""The planning engine: trip requests, the itinerary optimizer, the EV charging planner,
the verifier and the re-planner.
"""

from codriver.planning._charging import ChargeAction, ChargePlan, Opportunity, plan_charging
from codriver.planning._engine import Adjustments, build_problem, plan_request, plan_trip, resolve_location
from codriver.planning._io import read_model
from codriver.planning._itinerary import (
    VIOLATION_CODES,
    Itinerary,
    ItineraryLeg,
    ItineraryStop,
    StopKind,
    Totals,
    Violation,
)
from codriver.planning._nodes import Node
from codriver.planning._optimizer import OptimizerResult, optimize
from codriver.planning._planner import PlanOutcome, solve
from codriver.planning._problem import (
    Candidate,
    ChargeCurve,
    Charger,
    EvSpec,
    MealSlot,
    PlanningProblem,
    Site,
    TaperCurve,
)
from codriver.planning._region_world import RegionRuntime, RegionTools, RegionWorld, TravelMatrix, vehicle_energy
from codriver.planning._replan import (
    ChargerOut,
    Delay,
    NewWish,
    PlaceClosed,
    PlanDiff,
    ReplanEvent,
    ReplanInput,
    ReplanResult,
    StopSkipped,
    TripState,
    replan,
    state_at,
)
from codriver.planning._request import (
    DIETS,
    Constraints,
    Location,
    MealWish,
    Party,
    StopChoice,
    TripRequest,
    UnderstoodField,
    VehicleSpec,
    WishNotMet,
)
from codriver.planning._schedule import build_itinerary
from codriver.planning._search import deterministic_search
from codriver.planning._verifier import verify
from codriver.planning._world import PlaceFacts, ProblemWorld, Requirements, StopRef, World

__all__ = [
    "DIETS",
    "VIOLATION_CODES",
    "Adjustments",
    "Candidate",
    "ChargeAction",
    "ChargeCurve",
    "ChargePlan",
    "Charger",
    "ChargerOut",
    "Constraints",
    "Delay",
    "EvSpec",
    "Itinerary",
    "ItineraryLeg",
    "ItineraryStop",
    "Location",
    "MealSlot",
    "MealWish",
    "NewWish",
    "Node",
    "Opportunity",
    "OptimizerResult",
    "Party",
    "PlaceClosed",
    "PlaceFacts",
    "PlanDiff",
    "PlanOutcome",
    "PlanningProblem",
    "ProblemWorld",
    "RegionRuntime",
    "RegionTools",
    "RegionWorld",
    "ReplanEvent",
    "ReplanInput",
    "ReplanResult",
    "Requirements",
    "Site",
    "StopChoice",
    "StopKind",
    "StopRef",
    "StopSkipped",
    "TaperCurve",
    "Totals",
    "TravelMatrix",
    "TripRequest",
    "TripState",
    "UnderstoodField",
    "VehicleSpec",
    "Violation",
    "WishNotMet",
    "World",
    "build_itinerary",
    "build_problem",
    "deterministic_search",
    "optimize",
    "plan_charging",
    "plan_request",
    "plan_trip",
    "read_model",
    "replan",
    "resolve_location",
    "solve",
    "state_at",
    "vehicle_energy",
    "verify",
]
