"""Each expectation kind, evaluated true and false against observed facts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from codriver.planning import Itinerary, ItineraryStop
from codriver.simulators import Expectations, RunFacts, VisitedStop, evaluate

ZONE = ZoneInfo("Europe/Helsinki")
T0 = datetime(2026, 11, 26, 10, 0, tzinfo=ZONE)


def _plan(status: str) -> Itinerary:
    stop = ItineraryStop(poi_id=None, name="Home", kind="start", lat=60.17, lon=24.94, arrive_at=None, depart_at=T0)
    end = stop.model_copy(update={"kind": "end", "arrive_at": T0 + timedelta(hours=4), "depart_at": None})
    return Itinerary(status=status, stops=[stop, end])


def _facts(**changes: Any) -> RunFacts:
    base: dict[str, Any] = {
        "plans": [_plan("feasible")],
        "first_answer": "Leaving Home at 10:00; no stops.",
        "first_plan": _plan("feasible"),
        "visited": [VisitedStop("osm:node/1", "Cafe", "meal", "cafe", "lunch", "2026-11-26T12:30:00+02:00")],
        "min_soc": 0.25,
        "arrival": T0 + timedelta(hours=4),
        "home_actions": [T0 + timedelta(hours=3, minutes=40)],
        "outside_catalogue": [],
        "rating": 4,
        "ev": True,
    }
    return RunFacts(**{**base, **changes})


@pytest.mark.parametrize(
    ("expect", "facts", "passed"),
    [
        ({"feasible": True}, {}, True),
        ({"feasible": True}, {"plans": [_plan("feasible"), _plan("infeasible")]}, False),
        ({"feasible": True}, {"verifier_errors": [["TIME_WINDOW"]]}, False),
        ({"feasible": False}, {"plans": [_plan("infeasible")]}, True),
        ({"feasible": False}, {}, False),
        ({"never_below_soc": 0.2}, {}, True),
        ({"never_below_soc": 0.3}, {}, False),
        ({"never_below_soc": 0.3}, {"ev": False, "min_soc": None}, True),
        ({"meal_before": "lunch before 13:00"}, {}, True),
        ({"meal_before": "lunch before 12:00"}, {}, False),
        ({"meal_before": "dinner before 20:00"}, {}, False),
        ({"home_action_before_arrival": 20}, {}, True),
        ({"home_action_before_arrival": 30}, {}, False),
        ({"home_action_before_arrival": 5}, {"home_actions": []}, False),
        ({"home_action_before_arrival": 5}, {"arrival": None}, False),
        ({"max_places_outside_catalogue": 0}, {}, True),
        ({"max_places_outside_catalogue": 0}, {"outside_catalogue": ["Hotel Nowhere (osm:node/9)"]}, False),
        (
            {"answered_with_explanation": True},
            {"first_plan": _plan("infeasible"), "first_answer": "No plan meets every wish (no lunch at a food place)."},
            True,
        ),
        ({"answered_with_explanation": True}, {"first_plan": _plan("infeasible"), "first_answer": "OK!"}, False),
        ({"answered_with_explanation": True}, {}, False),  # a feasible plan: the request was not impossible
        ({"min_rating": 4}, {}, True),
        ({"min_rating": 5}, {}, False),
    ],
)
def test_expectations(expect: dict[str, Any], facts: dict[str, Any], passed: bool) -> None:
    results = evaluate(Expectations.model_validate(expect), _facts(**facts))
    assert len(results) == 1
    assert results[0].name == next(iter(expect))
    assert results[0].passed is passed, results[0].detail


def test_absent_expectations_are_not_checked() -> None:
    assert evaluate(Expectations(), _facts()) == []
