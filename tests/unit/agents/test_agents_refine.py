"""Follow-up messages about a planned trip: times said in chat land on the trip's day."""

from __future__ import annotations

from datetime import datetime

import pytest

from codriver.agents import read_request
from codriver.agents._planning_flow import refine_request
from codriver.planning import TripRequest

WRITTEN = datetime.fromisoformat("2026-11-25T23:00:00+02:00")  # the Wednesday the message is written
TRIP = TripRequest.model_validate(
    {
        "origin": "60.17,24.94",
        "depart_at": "2026-11-29T09:00:00+02:00",
        "return_by": "2026-11-29T18:00:00+02:00",
        "interests": {"museum": 1.0},
    }
)


@pytest.mark.parametrize(
    ("message", "depart", "back"),
    [
        ("Please have us back by 16:30", "2026-11-29T09:00", "2026-11-29T16:30"),
        ("back by 5", "2026-11-29T09:00", "2026-11-29T17:00"),
        ("leave at 10:30", "2026-11-29T10:30", "2026-11-29T18:00"),
        ("leave at 7pm", "2026-11-29T19:00", "2026-11-30T04:00"),
        ("Let's go on Saturday instead", "2026-11-28T09:00", "2026-11-28T18:00"),
    ],
)
def test_times_move_on_the_trips_day(message: str, depart: str, back: str) -> None:
    stated = read_request(message, now=WRITTEN).fields
    revised = refine_request(TRIP, stated)
    assert revised is not None
    assert revised.depart_at == datetime.fromisoformat(depart + ":00+02:00")
    assert revised.return_by == datetime.fromisoformat(back + ":00+02:00")
    assert revised.interests == TRIP.interests


def test_a_message_without_times_keeps_them() -> None:
    revised = refine_request(TRIP, read_request("add a park", now=WRITTEN).fields)
    assert revised is not None
    assert (revised.depart_at, revised.return_by) == (TRIP.depart_at, TRIP.return_by)
    assert revised.interests["park"] > 0
