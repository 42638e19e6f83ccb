"""The TripRequest model: what it accepts, what it refuses, and its published schema."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

import codriver.planning
from codriver.planning import Location, TripRequest

BASE: dict[str, Any] = {
    "origin": "60.17,24.94",
    "depart_at": "2025-06-14T09:00:00+03:00",
    "return_by": "2025-06-14T18:00:00+03:00",
}


def make(**changes: Any) -> TripRequest:
    return TripRequest.model_validate({**BASE, **changes})


def test_defaults_back_to_the_origin() -> None:
    trip = make()
    assert trip.end == trip.origin
    assert trip.origin.point is not None
    assert trip.origin.point.lat == 60.17
    assert trip.vehicle.powertrain == "ice"
    assert trip.party.size == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("60.1,24.9", {"lat": 60.1, "lon": 24.9}),
        ("osm:node/42", {"place_id": "osm:node/42"}),
        ("Ateneum", {"name": "Ateneum"}),
    ],
)
def test_locations_from_text(text: str, expected: dict[str, Any]) -> None:
    location = Location.model_validate(text)
    assert location.model_dump(exclude_none=True) == expected


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"depart_at": "2025-06-14T09:00:00"}, "depart_at"),  # no offset
        (
            {"return_by": "2025-06-14T08:00:00+03:00"},
            r"return_by \(Sat 14 Jun 08:00\) must be after depart_at \(Sat 14 Jun 09:00\)",
        ),
        ({"return_by": "2025-06-30T08:00:00+03:00"}, "14 days"),
        ({"interests": {"casinos": 1.0}}, "unknown categories"),
        ({"interests": {"museum": 2.0}}, "0..1"),
        ({"diet": ["carnivore"]}, "diet"),
        ({"meals": [{"meal": "lunch", "earliest": "14:00", "latest": "12:00"}]}, "latest"),
        ({"meals": [{"meal": "lunch", "earliest": "11:00", "latest": "12:00"}] * 2}, "once"),
        ({"vehicle": {"connectors": ["usb"]}}, "unknown connectors"),
        ({"constraints": {"avoid_categories": ["spa"]}}, "avoid_categories"),
        ({"origin": {"lat": 60.1}}, "both lat and lon"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_refuses_bad_input_naming_the_problem(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        make(**changes)


def test_json_schema_is_published_with_constrained_values() -> None:
    schema = TripRequest.model_json_schema()
    assert {"origin", "depart_at", "return_by"} <= set(schema["required"])
    vehicle = schema["$defs"]["VehicleSpec"]["properties"]
    assert vehicle["powertrain"]["enum"] == ["ev", "ice"]
    diet = schema["properties"]["diet"]["items"]
    assert "vegan" in diet["enum"]


def test_public_surface() -> None:
    for name in codriver.planning.__all__:
        assert hasattr(codriver.planning, name), name
    assert {"TripRequest", "Itinerary", "optimize", "plan_charging", "verify", "solve"} <= set(
        codriver.planning.__all__
    )
